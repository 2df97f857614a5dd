import { AcmCertificate } from '@cdktf/provider-aws/lib/acm-certificate';
import { AcmpcaCertificate } from '@cdktf/provider-aws/lib/acmpca-certificate';
import { AcmpcaCertificateAuthority } from '@cdktf/provider-aws/lib/acmpca-certificate-authority';
import { AcmpcaCertificateAuthorityCertificate } from '@cdktf/provider-aws/lib/acmpca-certificate-authority-certificate';
import { AcmpcaPermission } from '@cdktf/provider-aws/lib/acmpca-permission';
import type { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { TerraformProvider, TerraformStack, Token } from 'cdktf';
import { Construct } from 'constructs';
import { DEFAULT_MESH_SERVICES, DNS_NAME, MESH_NAME_MAX_LENGTH, REGION_ID, RESIDENCY_ZONE_ID } from '../limits';
import { meshIdentityName } from '../private/mesh-identity';
import { ACCOUNT_ID, checkList, checkRequiredProps, checkText, propError, requireLiteral } from '../private/prop-checks';
import type { RegionSpec } from '../config/model';
import type { IRegion } from '../region/interfaces';
import { Region } from '../region/region';
import { formatValue } from '../../runtime/problem';

export { DEFAULT_MESH_SERVICES, MESH_NAME_MAX_LENGTH } from '../limits';

/** What the `provider` prop is: the zone's AWS provider, not a TLS one. */
const MESH_PROVIDER_ALLOWED =
  "the AWS provider (an AwsProvider) of a region of the mesh's zone, its region set literally (the continent stacks take the zone's primary region): the CAs and identities are created with it";

const SERVICE_NAME = /^[a-z][a-z0-9-]{0,40}[a-z0-9]$/;

/** Why a member region of a mesh of `zone` cannot get identities, or undefined when it can. */
function memberProblem(region: string, spec: Pick<RegionSpec, 'residencyZone' | 'services'>, zone: string): string | undefined {
  // A hand-made region whose spec is not what a Region's is: said, not a TypeError (found by review).
  if (spec === null || typeof spec !== 'object' || !Array.isArray(spec.services))
    return `a region whose spec holds its residency zone and its services as a list (${region}'s spec does not)`;
  if (spec.residencyZone !== zone) return `a region of residency zone "${zone}" (${region} is in zone "${spec.residencyZone}")`;
  if (!spec.services.includes('compute'))
    return `a compute region of the zone (${region} runs ${spec.services.join(', ')}: no gateway or service to identify)`;
  return undefined;
}

export interface MtlsMeshProps {
  /** Residency zone the mesh serves; its name is in every certificate subject. */
  readonly residencyZone: string;
  /**
   * Provider of the region the CAs and certificates live in: a region of the zone, its `region` set
   * literally (a token or no region is refused: the zone could not be checked). Checked once the tree
   * is built against the zone's regions the mesh knows: its member regions and the stack's Regions of
   * the zone. The continent stacks take the zone's primary region.
   */
  readonly provider: AwsProvider;
  /** Compute regions of the zone whose gateways and services get an identity: region ids, or regions (any {@link IRegion}). Literal ids: they name the identities. */
  readonly memberRegions: readonly (string | Pick<IRegion, 'regionId'>)[];
  /** DNS suffix of the identities: `<service>.<region>.<zone>.<meshDomain>`. */
  readonly meshDomain: string;
  /** Organisation name in the CA subjects. */
  readonly organization: string;
  /** Services that get an identity in each member region. @default {@link DEFAULT_MESH_SERVICES} */
  readonly services?: readonly string[];
  /** Validity of the root CA certificate, years. @default 10 */
  readonly rootValidityYears?: number;
  /** Validity of the subordinate CA certificate, years (shorter than the root's). @default 5 */
  readonly subordinateValidityYears?: number;
  /**
   * AWS account of the CAs (the provider's): the issuing CA's permission for ACM names it as its
   * `source_account`. @default none (the permission holds for ACM in any account the CA is shared with)
   */
  readonly accountId?: string;
}

/**
 * Mutual TLS between the regions of one residency zone (the design's 跨区域加密 / SetupMTLS): an AWS
 * Private CA root and a subordinate CA for the zone, and an ACM private certificate (exportable) per
 * member region for the gateway and for each service, issued by the subordinate. The TLS policy the
 * peers enforce is `MESH_TLS_POLICY` (runtime/mtls.ts).
 *
 * One hierarchy per zone, not one root for all: regions of different zones never talk to each
 * other, so no zone trusts another zone's identities, and each continent stack stays self-contained
 * (planned offline without another stack's state). Both CAs are general-purpose, because ACM issues
 * private certificates only from a general-purpose CA. The issuing CA grants ACM
 * (`acm.amazonaws.com`) `IssueCertificate`, `GetCertificate` and `ListPermissions`, which ACM's
 * managed renewal of the identities needs.
 */
export class MtlsMesh extends Construct {
  /** ARN of the zone's root CA. */
  readonly rootCaArn: string;
  /** ARN of the subordinate CA that issues the identities. */
  readonly issuingCaArn: string;
  /** The issuing CA's permission for ACM to renew the identities (construct id `IssuingCaAcmPermission`). */
  readonly acmRenewalPermission: AcmpcaPermission;
  /** Identity certificates by `<region>/<service>` → ACM certificate ARN. */
  readonly identityArns: Readonly<Record<string, string>>;
  /** Identity DNS names by `<region>/<service>`. */
  readonly identityNames: Readonly<Record<string, string>>;

  constructor(scope: Construct, id: string, props: MtlsMeshProps) {
    super(scope, id);
    checkRequiredProps<MtlsMeshProps>(this.node.path, props, {
      residencyZone: 'a residency zone id of the config, such as "emea"',
      provider: MESH_PROVIDER_ALLOWED,
      memberRegions: 'the regions of the zone whose services join the mesh (IRegion[])',
      meshDomain: 'a DNS name such as "mesh.internal"',
      organization: 'the organization named in the certificates, such as "Taishanglaojun"',
    });
    checkList(this, 'services', props.services, 'a list of service names such as ["api-gateway"]');
    checkList(this, 'memberRegions', props.memberRegions, 'the regions of the zone whose services join the mesh: region ids or Regions');
    props.memberRegions.forEach((m, i) => {
      if (typeof m !== 'string' && (m === null || typeof m !== 'object' || typeof m.regionId !== 'string'))
        propError(
          this,
          `memberRegions[${i}]`,
          m === null || typeof m !== 'object' ? m : '(an object without a regionId)',
          'a region id or a Region',
        );
    });
    if (!TerraformProvider.isTerraformProvider(props.provider))
      propError(
        this,
        'provider',
        typeof props.provider === 'object' ? '(an object that is no Terraform provider)' : props.provider,
        MESH_PROVIDER_ALLOWED,
      );
    const { provider, residencyZone: zone } = props;
    const services = props.services ?? DEFAULT_MESH_SERVICES;
    const rootYears = props.rootValidityYears ?? 10;
    const subYears = props.subordinateValidityYears ?? 5;
    const fail = (field: string, value: unknown, allowed: string): never => propError(this, field, value, allowed);
    // The zone and the member regions name the identities (construct ids, certificate names): literals.
    requireLiteral(this, 'residencyZone', zone, RESIDENCY_ZONE_ID.allowed, 'it names the CAs and identities at synth');
    if (!RESIDENCY_ZONE_ID.pattern.test(zone)) fail('residencyZone', zone, RESIDENCY_ZONE_ID.allowed);
    requireLiteral(this, 'memberRegions', props.memberRegions, 'a literal list of region ids', 'one identity per region and service');
    const members = props.memberRegions.map((m) => (typeof m === 'string' ? m : m.regionId));
    members.forEach((region, i) => {
      requireLiteral(this, `memberRegions[${i}]`, region, REGION_ID.allowed, 'it names the identities at synth');
      if (typeof region !== 'string' || !REGION_ID.pattern.test(region)) fail(`memberRegions[${i}]`, region, REGION_ID.allowed);
      if (members.indexOf(region) !== i) fail(`memberRegions[${i}]`, region, 'each region once');
      // A member given as a region (not only its id) says its zone and services: check them.
      const spec = typeof props.memberRegions[i] === 'string' ? undefined : (props.memberRegions[i] as Partial<Pick<IRegion, 'spec'>>).spec;
      const problem = spec === undefined ? undefined : memberProblem(region, spec, zone);
      if (problem !== undefined) fail(`memberRegions[${i}]`, region, problem);
    });
    // A member given by id only: the Region of that id in this stack (a continent stack's, or one
    // of the user's) says its zone and services. Checked once the tree is built, so a Region added
    // after the mesh counts too.
    this.node.addValidation({
      validate: () => {
        const stack = TerraformStack.of(this);
        const regions = stack.node.findAll().filter((c): c is Region => c instanceof Region && TerraformStack.of(c) === stack);
        return props.memberRegions.flatMap((given, i) => {
          // By id, or a region object that says nothing about itself ({ regionId } only).
          const hasSpec = typeof given !== 'string' && (given as Partial<Pick<IRegion, 'spec'>>).spec !== undefined;
          if (hasSpec) return [];
          const m = typeof given === 'string' ? given : given.regionId;
          const declared = regions.find((r) => r.regionId === m);
          // An id nothing in the stack says the zone of was accepted unchecked: a us-east-1 member
          // of an emea mesh got an emea identity (found by QA). Refused: the residency rule is checked, not assumed.
          if (declared === undefined)
            return [
              `memberRegions[${i}] ${formatValue(m)} is not allowed; allowed: a region whose residency zone can be checked: the id of a Region in stack ${stack.node.path}, or a region with its spec (a Region, or an IRegion of another stack) — no Region "${m}" is declared here`,
            ];
          const problem = memberProblem(m, declared.spec, zone);
          return problem === undefined
            ? []
            : [`memberRegions[${i}] ${formatValue(m)} is not allowed; allowed: ${problem} (Region ${declared.node.path})`];
        });
      },
    });
    if (props.accountId !== undefined) checkText(this, 'accountId', props.accountId, ACCOUNT_ID);
    checkText(this, 'organization', props.organization, {
      // eslint-disable-next-line no-control-regex -- control characters are what this refuses
      pattern: /^(?=.*\S)[^\u0000-\u001f\u007f]{1,64}$/,
      allowed: `a non-empty name of at most ${MESH_NAME_MAX_LENGTH} characters without control characters (the certificates' O)`,
    });
    // The CAs and the identities' private keys live where the provider creates them: in the zone.
    // Its region is checked against the zone's regions the mesh knows (found by QA: a plain
    // provider of us-east-1 created an emea mesh's CAs and keys there; only a Region's provider,
    // by its ResidencyZone tag, was checked), once the tree is built: a Region added later counts.
    this.node.addValidation({
      validate: () => {
        const stack = TerraformStack.of(this);
        const zoneRegions = new Set<string>();
        for (const m of props.memberRegions) {
          if (typeof m === 'string') continue;
          const spec = (m as Partial<Pick<IRegion, 'spec'>>).spec;
          if (spec !== undefined && spec !== null && spec.residencyZone === zone) zoneRegions.add(m.regionId);
        }
        for (const c of stack.node.findAll())
          if (c instanceof Region && TerraformStack.of(c) === stack && c.spec.residencyZone === zone) zoneRegions.add(c.regionId);
        const known = [...zoneRegions].map((r) => formatValue(r)).join(', ');
        const allowed = `the provider of a region of zone "${zone}" with its region set literally: ${known || `none known (declare the zone's Regions in stack ${stack.node.path}, or give the members as regions)`} (the CAs and the identities' private keys are created in the provider's region and stay in the zone)`;
        const region = provider.region;
        if (region === undefined)
          return [
            `provider ${provider.node.path} sets no region (the CAs and keys would go wherever AWS_REGION or the profile points at apply); allowed: ${allowed}`,
          ];
        if (Token.isUnresolved(region))
          return [
            `provider ${provider.node.path} has a token region (known at apply only: its zone cannot be checked); allowed: ${allowed}`,
          ];
        if (!zoneRegions.has(region)) return [`provider region ${formatValue(region)} is not allowed; allowed: ${allowed}`];
        // A provider of a region of the zone that is tagged for another zone (a Region's provider carries ResidencyZone).
        const tags = (Array.isArray(provider.defaultTags) ? provider.defaultTags[0]?.tags : undefined) as
          Record<string, string> | undefined;
        const providerZone = tags?.ResidencyZone;
        return typeof providerZone === 'string' && !Token.isUnresolved(providerZone) && providerZone !== zone
          ? [
              `provider of region ${formatValue(provider.region)} is in residency zone "${providerZone}"; allowed: the provider of a region of zone "${zone}" (the CAs and the identities' private keys stay in the zone)`,
            ]
          : [];
      },
    });
    for (const [field, years] of [
      ['rootValidityYears', rootYears],
      ['subordinateValidityYears', subYears],
    ] as const)
      requireLiteral(this, field, years, 'an integer number of years', 'the two validities are compared at synth');
    if (services.length === 0) fail('services', services, 'at least one service name');
    for (const s of services)
      if (!Token.isUnresolved(s) && !SERVICE_NAME.test(s)) fail('services', s, 'lower-case DNS labels such as "api-gateway"');
    if (new Set(services).size !== services.length) fail('services', services, 'each service once');
    const literalDomain = !Token.isUnresolved(props.meshDomain);
    if (literalDomain && (typeof props.meshDomain !== 'string' || !DNS_NAME.pattern.test(props.meshDomain)))
      fail('meshDomain', props.meshDomain, DNS_NAME.allowed);
    if (members.length === 0) fail('memberRegions', props.memberRegions, 'at least one compute region of the zone');
    if (!Number.isInteger(rootYears) || rootYears < 2 || rootYears > 30) fail('rootValidityYears', rootYears, 'an integer from 2 to 30');
    if (!Number.isInteger(subYears) || subYears < 1 || subYears >= rootYears)
      fail('subordinateValidityYears', subYears, `an integer from 1 to ${rootYears - 1} (shorter than the root's)`);

    const subject = (commonName: string) => ({
      commonName,
      organization: props.organization,
      organizationalUnit: `residency zone ${zone}`,
    });
    const keyAlgorithm = 'EC_prime256v1';
    const signingAlgorithm = 'SHA256WITHECDSA';

    const root = new AcmpcaCertificateAuthority(this, 'RootCa', {
      provider,
      type: 'ROOT',
      usageMode: 'GENERAL_PURPOSE',
      certificateAuthorityConfiguration: { keyAlgorithm, signingAlgorithm, subject: subject(`${zone} mesh root CA`) },
      permanentDeletionTimeInDays: 30,
      tags: { Name: `${zone}-mesh-root`, MeshZone: zone },
    });
    const rootCert = new AcmpcaCertificate(this, 'RootCaCertificate', {
      provider,
      certificateAuthorityArn: root.arn,
      certificateSigningRequest: root.certificateSigningRequest,
      signingAlgorithm,
      templateArn: 'arn:aws:acm-pca:::template/RootCACertificate/V1',
      validity: { type: 'YEARS', value: String(rootYears) },
    });
    const rootInstalled = new AcmpcaCertificateAuthorityCertificate(this, 'RootCaInstalled', {
      provider,
      certificateAuthorityArn: root.arn,
      certificate: rootCert.certificate,
    });

    const issuing = new AcmpcaCertificateAuthority(this, 'IssuingCa', {
      provider,
      type: 'SUBORDINATE',
      usageMode: 'GENERAL_PURPOSE',
      certificateAuthorityConfiguration: { keyAlgorithm, signingAlgorithm, subject: subject(`${zone} mesh issuing CA`) },
      permanentDeletionTimeInDays: 30,
      tags: { Name: `${zone}-mesh-issuing`, MeshZone: zone },
    });
    const issuingCert = new AcmpcaCertificate(this, 'IssuingCaCertificate', {
      provider,
      certificateAuthorityArn: root.arn,
      certificateSigningRequest: issuing.certificateSigningRequest,
      signingAlgorithm,
      // Path length 0: the issuing CA signs leaf certificates only.
      templateArn: 'arn:aws:acm-pca:::template/SubordinateCACertificate_PathLen0/V1',
      validity: { type: 'YEARS', value: String(subYears) },
      dependsOn: [rootInstalled],
    });
    const issuingInstalled = new AcmpcaCertificateAuthorityCertificate(this, 'IssuingCaInstalled', {
      provider,
      certificateAuthorityArn: issuing.arn,
      certificate: issuingCert.certificate,
      certificateChain: issuingCert.certificateChain,
    });

    // ACM renews a private certificate only if the issuing CA lets it (managed renewal): without
    // this permission every identity would expire at the end of its validity.
    this.acmRenewalPermission = new AcmpcaPermission(this, 'IssuingCaAcmPermission', {
      provider,
      certificateAuthorityArn: issuing.arn,
      principal: 'acm.amazonaws.com',
      actions: ['IssueCertificate', 'GetCertificate', 'ListPermissions'],
      ...(props.accountId !== undefined ? { sourceAccount: props.accountId } : {}),
    });

    // Each identity's names: its full name (a subject alternative name) and a common name of at
    // most 64 characters. A token domain or service is known at apply only: ACM checks those.
    const identityName = (service: string, region: string): { name: string; commonName: string } => {
      if (!literalDomain || Token.isUnresolved(service)) {
        const name = `${service}.${region}.${zone}.${props.meshDomain}`;
        return { name, commonName: name };
      }
      const named = meshIdentityName(service, region, zone, props.meshDomain);
      if ('problem' in named) throw new Error(`${this.node.path}: meshDomain ${formatValue(props.meshDomain)} ${named.problem}`);
      return named;
    };
    const identities = members.flatMap((region) => services.map((service) => ({ region, service, ...identityName(service, region) })));
    const arns: Record<string, string> = {};
    const names: Record<string, string> = {};
    for (const { region, service, name, commonName } of identities) {
      const cert = new AcmCertificate(this, `Identity-${region}-${service}`, {
        provider,
        domainName: commonName,
        // A name longer than a common name takes is the subject alternative name peers verify.
        ...(commonName !== name ? { subjectAlternativeNames: [name] } : {}),
        certificateAuthorityArn: issuing.arn,
        keyAlgorithm: 'EC_prime256v1',
        tags: { Name: name, MeshZone: zone, MeshRegion: region, MeshService: service },
        dependsOn: [issuingInstalled, this.acmRenewalPermission],
        // A replaced identity (new key algorithm, CA or name) is issued before the old one is
        // deleted, so the services holding it are never without a certificate (checkov CKV_AWS_233).
        lifecycle: { createBeforeDestroy: true },
      });
      arns[`${region}/${service}`] = cert.arn;
      names[`${region}/${service}`] = name;
    }
    this.rootCaArn = root.arn;
    this.issuingCaArn = issuing.arn;
    this.identityArns = arns;
    this.identityNames = names;
  }
}
