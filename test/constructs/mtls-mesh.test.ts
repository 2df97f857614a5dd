import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { Testing, TerraformStack, TerraformVariable } from 'cdktf';
import { resolve as resolveTokens } from 'cdktf/lib/_tokens';
import { DEFAULT_MESH_SERVICES, MtlsMesh, type MtlsMeshProps } from '../../lib/mesh/mtls-mesh';
import { Region } from '../../lib/region';
import { buildPlatform } from '../../stacks/platform';
import { resourcesOf, specOf, validConfig } from '../helpers/platform';

function synthMesh(extra: Partial<MtlsMeshProps> = {}) {
  const stack = new TerraformStack(Testing.app(), 'mesh');
  const provider = new AwsProvider(stack, 'aws', { region: 'eu-west-1' });
  new MtlsMesh(stack, 'Mesh', {
    residencyZone: 'emea',
    provider,
    memberRegions: ['eu-west-1', 'eu-central-1'],
    meshDomain: 'mesh.example.com',
    organization: 'taishanglaojun',
    ...extra,
  });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return JSON.parse(Testing.synth(stack)) as any;
}

describe('MtlsMesh', () => {
  const tf = synthMesh();
  const cas = resourcesOf(tf, 'aws_acmpca_certificate_authority');
  it('has a general-purpose root and subordinate CA with EC keys', () => {
    expect(cas.map((c) => [c.type, c.usage_mode, c.certificate_authority_configuration.key_algorithm]).sort()).toEqual([
      ['ROOT', 'GENERAL_PURPOSE', 'EC_prime256v1'],
      ['SUBORDINATE', 'GENERAL_PURPOSE', 'EC_prime256v1'],
    ]);
    expect(cas.every((c) => c.tags.MeshZone === 'emea')).toBe(true);
  });
  it('signs the subordinate with the root (path length 0) and installs both certificates', () => {
    const certs = resourcesOf(tf, 'aws_acmpca_certificate');
    expect(certs.map((c) => c.template_arn).sort()).toEqual([
      'arn:aws:acm-pca:::template/RootCACertificate/V1',
      'arn:aws:acm-pca:::template/SubordinateCACertificate_PathLen0/V1',
    ]);
    expect(certs.every((c) => /aws_acmpca_certificate_authority\.Mesh_RootCa_.*\.arn/.test(c.certificate_authority_arn))).toBe(true);
    expect(certs.map((c) => c.validity.value).sort()).toEqual(['10', '5']);
    expect(resourcesOf(tf, 'aws_acmpca_certificate_authority_certificate')).toHaveLength(2);
  });
  it('issues an identity per member region and service from the subordinate CA', () => {
    const ids = resourcesOf(tf, 'aws_acm_certificate');
    expect(ids).toHaveLength(2 * DEFAULT_MESH_SERVICES.length);
    expect(ids.map((c) => c.domain_name)).toContain('api-gateway.eu-central-1.emea.mesh.example.com');
    expect(ids.every((c) => /aws_acmpca_certificate_authority\.Mesh_IssuingCa_.*\.arn/.test(c.certificate_authority_arn))).toBe(true);
    expect(ids.every((c) => c.tags.MeshZone === 'emea' && c.key_algorithm === 'EC_prime256v1')).toBe(true);
  });
  it('lets ACM renew the identities: one permission on the issuing CA for acm.amazonaws.com, none on the root', () => {
    const permissions = resourcesOf(tf, 'aws_acmpca_permission');
    expect(permissions).toHaveLength(1);
    expect(permissions[0]).toMatchObject({
      principal: 'acm.amazonaws.com',
      actions: ['IssueCertificate', 'GetCertificate', 'ListPermissions'],
    });
    expect(permissions[0].certificate_authority_arn).toMatch(/aws_acmpca_certificate_authority\.Mesh_IssuingCa_.*\.arn/);
    expect(permissions[0].source_account).toBeUndefined();
    const withAccount = resourcesOf(synthMesh({ accountId: '111122223333' }), 'aws_acmpca_permission');
    expect(withAccount.map((p) => p.source_account)).toEqual(['111122223333']);
    expect(() => synthMesh({ accountId: '1234' })).toThrow(/Mesh: accountId "1234" is not allowed; allowed: a 12-digit AWS account id/);
  });
  it('issues a replaced identity before deleting the old one (create_before_destroy, CKV_AWS_233)', () => {
    const ids = resourcesOf(tf, 'aws_acm_certificate');
    expect(ids.length).toBeGreaterThan(0);
    for (const c of ids) expect(c.lifecycle).toEqual({ create_before_destroy: true });
  });
  it.each([
    [{ services: [] }, /services \[\] is not allowed; allowed: at least one service name/],
    [{ services: ['API_gw'] }, /services "API_gw" is not allowed; allowed: lower-case DNS labels/],
    [{ services: ['a-b', 'a-b'] }, /services \["a-b","a-b"\] is not allowed; allowed: each service once/],
    [{ meshDomain: 'Mesh..x' }, /meshDomain "Mesh..x" is not allowed/],
    [{ memberRegions: [] }, /memberRegions \[\] is not allowed/],
    [{ subordinateValidityYears: 10 }, /subordinateValidityYears 10 is not allowed; allowed: an integer from 1 to 9/],
    [{ memberRegions: ['EU WEST!'] }, /memberRegions\[0\] "EU WEST!" is not allowed; allowed: a cloud region id such as "eu-west-1"/],
    [{ memberRegions: ['eu-west-1', 'eu-west-1'] }, /memberRegions\[1\] "eu-west-1" is not allowed; allowed: each region once/],
    [{ residencyZone: 'Bad Zone!' }, /residencyZone "Bad Zone!" is not allowed; allowed: a residency zone id such as "emea"/],
    // Found by QA: a 64-character DNS label passed synth.
    [{ meshDomain: `${'m'.repeat(64)}.example.com` }, /meshDomain "m{64}\.example\.com" is not allowed; allowed: a lower-case DNS name/],
    [
      // A 234-character domain (a DNS name) whose identities are not: 270 characters.
      { meshDomain: `${'m'.repeat(63)}.${'n'.repeat(63)}.${'o'.repeat(63)}.${'p'.repeat(30)}.example.com` },
      /^mesh\/Mesh: meshDomain "m+\.n+\.\.\. gives the identity "api-gateway\.eu-west-1\.emea\.m+\.n+\.o+\.p+\.example\.com" \(261 characters\) for service "api-gateway" in eu-west-1, which is not allowed; allowed: a DNS name of at most 253 characters/,
    ],
    [
      { services: ['s'.repeat(42)], residencyZone: 'z'.repeat(31), meshDomain: 'mesh.example.com' },
      /whose common name "s{42}\.eu-west-1\.z{31}" \(84 characters\) is not allowed; allowed: <service>\.<region>\.<zone> of at most 64 characters/,
    ],
    [{ organization: 'o'.repeat(65) }, /organization "o+" is not allowed; allowed: a non-empty name of at most 64 characters/],
  ])('names a bad prop: %j', (extra, message) => {
    expect(() => synthMesh(extra as Partial<MtlsMeshProps>)).toThrow(message);
  });
});

describe('MtlsMesh: tokens and regions', () => {
  it('refuses tokens where the identities are named or validities compared, by name', () => {
    const stack = new TerraformStack(Testing.app(), 'tok');
    const provider = new AwsProvider(stack, 'aws', { region: 'eu-west-1' });
    const base = { residencyZone: 'emea', provider, memberRegions: ['eu-west-1'], meshDomain: 'mesh.example.com', organization: 'o' };
    const region = new TerraformVariable(stack, 'region', { type: 'string' }).stringValue;
    const years = new TerraformVariable(stack, 'years', { type: 'number' }).numberValue;
    const zone = new TerraformVariable(stack, 'zone', { type: 'string' }).stringValue;
    expect(() => new MtlsMesh(stack, 'a', { ...base, memberRegions: [region] })).toThrow(
      /tok\/a: memberRegions\[0\] is a token; allowed: a cloud region id/,
    );
    expect(() => new MtlsMesh(stack, 'b', { ...base, rootValidityYears: years })).toThrow(/tok\/b: rootValidityYears is a token/);
    expect(() => new MtlsMesh(stack, 'c', { ...base, residencyZone: zone })).toThrow(/tok\/c: residencyZone is a token/);
    const org = new TerraformVariable(stack, 'org', { type: 'string' }).stringValue;
    expect(() => new MtlsMesh(stack, 'd', { ...base, organization: org })).not.toThrow();
  });
  it('keeps the CAs and keys in the zone: refuses a provider of another zone, members of another zone or without compute, an empty organization', () => {
    const stack = new TerraformStack(Testing.app(), 'zone');
    const na = new Region(stack, 'us-east-1', { spec: specOf('us-east-1'), projectName: 'p-x', accountId: '111122223333' });
    const emea = new Region(stack, 'eu-west-1', { spec: specOf('eu-west-1'), projectName: 'p-x', accountId: '111122223333' });
    const base = { residencyZone: 'emea', meshDomain: 'mesh.example.com', organization: 'o' };
    new MtlsMesh(stack, 'a', { ...base, provider: na.provider, memberRegions: [emea] });
    expect(stack.node.findAll().flatMap((c) => c.node.validate())).toEqual([
      `provider region "us-east-1" is not allowed; allowed: the provider of a region of zone "emea" with its region set literally: "eu-west-1" (the CAs and the identities' private keys are created in the provider's region and stay in the zone)`,
    ]);
    expect(() => new MtlsMesh(stack, 'b', { ...base, provider: emea.provider, memberRegions: [emea, na] })).toThrow(
      'zone/b: memberRegions[1] "us-east-1" is not allowed; allowed: a region of residency zone "emea" (us-east-1 is in zone "na")',
    );
    const storage = { regionId: 'eu-west-9', spec: { ...specOf('eu-west-1'), id: 'eu-west-9', services: ['storage'] as const } };
    expect(() => new MtlsMesh(stack, 'c', { ...base, provider: emea.provider, memberRegions: [storage] })).toThrow(
      'zone/c: memberRegions[0] "eu-west-9" is not allowed; allowed: a compute region of the zone (eu-west-9 runs storage: no gateway or service to identify)',
    );
    expect(() => new MtlsMesh(stack, 'd', { ...base, provider: emea.provider, memberRegions: [emea], organization: ' ' })).toThrow(
      `zone/d: organization " " is not allowed; allowed: a non-empty name of at most 64 characters without control characters (the certificates' O)`,
    );
  });
  it('names a missing provider as what it is: the AWS provider of the zone (before: "the TLS provider (hashicorp/tls)")', () => {
    expect(() => synthMesh({ provider: undefined })).toThrow(
      "mesh/Mesh: provider undefined is not allowed; allowed: the AWS provider (an AwsProvider) of a region of the mesh's zone, its region set literally",
    );
    expect(() => synthMesh({ provider: 'eu-west-1' as never })).toThrow(
      `mesh/Mesh: provider "eu-west-1" is not allowed; allowed: the AWS provider (an AwsProvider)`,
    );
  });
  /** eu-west-1 (emea) and us-east-1 (na) Regions in `stack`, and mesh props on eu-west-1's provider. */
  const emeaAndNaRegions = (stack: TerraformStack) => {
    const account = { projectName: 'p-x', accountId: '111122223333' };
    const emea = new Region(stack, 'eu-west-1', { spec: specOf('eu-west-1'), ...account });
    new Region(stack, 'us-east-1', { spec: specOf('us-east-1'), ...account });
    const base = { residencyZone: 'emea', provider: emea.provider, meshDomain: 'mesh.example.com', organization: 'o' };
    return { account, base };
  };
  it('a member given by id: the Region of that id in the stack decides its zone and services (before: us-east-1 got an emea identity)', () => {
    const stack = new TerraformStack(Testing.app(), 'ids');
    const { account, base } = emeaAndNaRegions(stack);
    new MtlsMesh(stack, 'Mesh', { ...base, memberRegions: ['eu-west-1', 'us-east-1', 'eu-central-1'] });
    // A Region declared after the mesh counts too; an id without a Region in the stack cannot be checked.
    new Region(stack, 'eu-central-1', { spec: { ...specOf('eu-central-1'), services: ['storage'] }, ...account });
    expect(stack.node.findAll().flatMap((c) => c.node.validate())).toEqual([
      'memberRegions[1] "us-east-1" is not allowed; allowed: a region of residency zone "emea" (us-east-1 is in zone "na") (Region ids/us-east-1)',
      'memberRegions[2] "eu-central-1" is not allowed; allowed: a compute region of the zone (eu-central-1 runs storage: no gateway or service to identify) (Region ids/eu-central-1)',
    ]);
    expect(() => Testing.synth(stack, true)).toThrow(/memberRegions\[1\] "us-east-1" is not allowed/);
  });
  it('a member given as { regionId } only is checked like its id; a spec of the wrong shape is named (found by review)', () => {
    const stack = new TerraformStack(Testing.app(), 'objs');
    const { base } = emeaAndNaRegions(stack);
    new MtlsMesh(stack, 'Mesh', { ...base, memberRegions: ['eu-west-1', { regionId: 'us-east-1' }] });
    expect(stack.node.findAll().flatMap((c) => c.node.validate())).toEqual([
      'memberRegions[1] "us-east-1" is not allowed; allowed: a region of residency zone "emea" (us-east-1 is in zone "na") (Region objs/us-east-1)',
    ]);
    const odd = { regionId: 'eu-central-1', spec: { residencyZone: 'emea', services: 'storage,compute' } } as never;
    expect(() => new MtlsMesh(new TerraformStack(Testing.app(), 'odd'), 'Mesh', { ...base, memberRegions: [odd] })).toThrow(
      /memberRegions\[0\] "eu-central-1" is not allowed; allowed: a region whose spec holds its residency zone and its services as a list/,
    );
  });
  it('a name of up to 64 characters is the common name; a longer one is the subject alternative name (before: refused by ACM at apply)', () => {
    // "api-gateway.eu-west-1.emea." is 27 characters: a 37-character domain gives 64.
    const fits = `${'m'.repeat(25)}.example.com`;
    const [at64] = resourcesOf(
      synthMesh({ meshDomain: fits, memberRegions: ['eu-west-1'], services: ['api-gateway'] }),
      'aws_acm_certificate',
    );
    expect([at64.domain_name, at64.domain_name.length, at64.subject_alternative_names]).toEqual([
      `api-gateway.eu-west-1.emea.${fits}`,
      64,
      undefined,
    ]);
    const longer = `${'m'.repeat(26)}.example.com`;
    const [at65] = resourcesOf(
      synthMesh({ meshDomain: longer, memberRegions: ['eu-west-1'], services: ['api-gateway'] }),
      'aws_acm_certificate',
    );
    expect([at65.domain_name, at65.subject_alternative_names]).toEqual([
      'api-gateway.eu-west-1.emea',
      [`api-gateway.eu-west-1.emea.${longer}`],
    ]);
    expect(at65.tags.Name).toBe(`api-gateway.eu-west-1.emea.${longer}`);
  });
  it('an id with no Region in the stack is refused once the tree is built: its zone cannot be checked (before: accepted, found by QA)', () => {
    const stack = new TerraformStack(Testing.app(), 'bare');
    const emea = new Region(stack, 'eu-west-1', { spec: specOf('eu-west-1'), projectName: 'p-x', accountId: '111122223333' });
    const base = { residencyZone: 'emea', provider: emea.provider, meshDomain: 'mesh.example.com', organization: 'o' };
    new MtlsMesh(stack, 'Mesh', { ...base, memberRegions: ['eu-west-1', 'us-east-1'] });
    expect(stack.node.findAll().flatMap((c) => c.node.validate())).toEqual([
      'memberRegions[1] "us-east-1" is not allowed; allowed: a region whose residency zone can be checked: the id of a Region in stack bare, or a region with its spec (a Region, or an IRegion of another stack) — no Region "us-east-1" is declared here',
    ]);
    expect(() => Testing.synth(stack, true)).toThrow(/memberRegions\[1\] "us-east-1" is not allowed/);
    // The same region given with its spec (e.g. a Region of another stack) is checked from it.
    const other = new TerraformStack(Testing.app(), 'other');
    const central = new Region(other, 'eu-central-1', { spec: specOf('eu-central-1'), projectName: 'p-x', accountId: '111122223333' });
    const ok = new TerraformStack(Testing.app(), 'ok');
    const home = new Region(ok, 'eu-west-1', { spec: specOf('eu-west-1'), projectName: 'p-x', accountId: '111122223333' });
    new MtlsMesh(ok, 'Mesh', { ...base, provider: home.provider, memberRegions: ['eu-west-1', central] });
    expect(ok.node.findAll().flatMap((c) => c.node.validate())).toEqual([]);
  });
  it('takes regions as well as region ids', () => {
    const tf = synthMesh({ memberRegions: [{ regionId: 'eu-west-1' }, 'eu-central-1'] });
    expect(resourcesOf(tf, 'aws_acm_certificate').map((c) => c.domain_name)).toContain('ai-service.eu-west-1.emea.mesh.example.com');
  });
});

describe("MtlsMesh: the provider's region is one of the zone's (found by QA: a plain us-east-1 provider put an emea mesh's CAs and keys there)", () => {
  const account = { projectName: 'p-x', accountId: '111122223333' };
  const base = { residencyZone: 'emea', meshDomain: 'mesh.example.com', organization: 'o' };
  /** A stack with the emea Regions eu-west-1 (compute) and eu-west-2 (storage only), and us-east-1 (na). */
  const stackWithRegions = (name: string) => {
    const stack = new TerraformStack(Testing.app(), name);
    const emea = new Region(stack, 'eu-west-1', { spec: specOf('eu-west-1'), ...account });
    new Region(stack, 'eu-west-2', { spec: { ...specOf('eu-west-2'), services: ['storage'] }, ...account });
    new Region(stack, 'us-east-1', { spec: specOf('us-east-1'), ...account });
    return { stack, emea };
  };
  const problems = (stack: TerraformStack) => stack.node.findAll().flatMap((c) => c.node.validate());
  const allowed = `allowed: the provider of a region of zone "emea" with its region set literally: "eu-west-1", "eu-west-2" (the CAs and the identities' private keys are created in the provider's region and stay in the zone)`;
  it("refuses a plain AwsProvider of another zone's region", () => {
    const { stack, emea } = stackWithRegions('plain');
    const provider = new AwsProvider(stack, 'p', { region: 'us-east-1', alias: 'x' });
    new MtlsMesh(stack, 'Mesh', { ...base, provider, memberRegions: [emea] });
    expect(problems(stack)).toEqual([`provider region "us-east-1" is not allowed; ${allowed}`]);
    expect(() => Testing.synth(stack, true)).toThrow(/provider region "us-east-1" is not allowed/);
  });
  it('refuses a provider without a region or with a token region: the zone cannot be checked', () => {
    const { stack, emea } = stackWithRegions('unset');
    const none = new AwsProvider(stack, 'none', { alias: 'none' });
    const token = new AwsProvider(stack, 'tok', {
      alias: 'tok',
      region: new TerraformVariable(stack, 'r', { type: 'string' }).stringValue,
    });
    new MtlsMesh(stack, 'a', { ...base, provider: none, memberRegions: [emea] });
    new MtlsMesh(stack, 'b', { ...base, provider: token, memberRegions: [emea] });
    expect(problems(stack)).toEqual([
      `provider unset/none sets no region (the CAs and keys would go wherever AWS_REGION or the profile points at apply); ${allowed}`,
      `provider unset/tok has a token region (known at apply only: its zone cannot be checked); ${allowed}`,
    ]);
  });
  it("accepts a plain provider or a Region's provider of any region of the zone, a member or not", () => {
    const { stack, emea } = stackWithRegions('ok');
    const plain = new AwsProvider(stack, 'p', { region: 'eu-west-2', alias: 'x' });
    new MtlsMesh(stack, 'a', { ...base, provider: plain, memberRegions: [emea] });
    new MtlsMesh(stack, 'b', { ...base, provider: emea.provider, memberRegions: ['eu-west-1'] });
    expect(problems(stack)).toEqual([]);
    // A member of another stack given with its spec is a region of the zone too.
    const other = new TerraformStack(Testing.app(), 'other');
    const central = new Region(other, 'eu-central-1', { spec: specOf('eu-central-1'), ...account });
    const lone = new TerraformStack(Testing.app(), 'lone');
    new MtlsMesh(lone, 'Mesh', { ...base, provider: new AwsProvider(lone, 'p', { region: 'eu-central-1' }), memberRegions: [central] });
    expect(problems(lone)).toEqual([]);
  });
});

describe('MtlsMesh in the platform', () => {
  const { continents } = buildPlatform(Testing.app(), validConfig);
  it('gives every residency zone one mesh with every compute region of the zone', () => {
    for (const stack of continents) {
      const zones = new Set(stack.regions.map((r) => r.spec.residencyZone));
      expect(stack.meshes.map((m) => m.node.id).sort()).toEqual([...zones].map((z) => `Mesh-${z}`).sort());
      for (const mesh of stack.meshes) {
        const members = new Set(Object.keys(mesh.identityNames).map((k) => k.split('/')[0]));
        const compute = stack.regions.filter((r) => r.spec.services.includes('compute')).map((r) => r.regionId);
        expect([...members].sort()).toEqual(compute.sort());
        // the stack's account (a variable unless the config names it) is the permission's source account
        expect(resolveTokens(stack, mesh.acmRenewalPermission.sourceAccountInput)).toMatch(/^\$\{var\.aws_account_id\}$|^\d{12}$/);
      }
    }
  });
});
