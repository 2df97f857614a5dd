import { Testing } from 'cdktf';
import { OFFLINE_ENV, offlineModeFromEnv } from '../../lib/offline';
import { parseRoutingTable } from '../../runtime/routing-table';
import { stateBackendFromEnv, STATE_ENV } from '../../lib/state-backend';
import { buildPlatform } from '../../stacks/platform';
import { ROUTING_TABLE_OBJECT_KEY } from '../../lib/region';
import { resourcesOf, validConfig } from '../helpers/platform';
import { validateRegionsConfig } from '../../lib/config';
import configSource from '../../regions.config';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const synthAll = (options = {}): Record<string, any> => {
  const app = Testing.app();
  const { continents, global, routingTable } = buildPlatform(app, validConfig, options);
  const out = Object.fromEntries([...continents, global].map((s) => [s.node.id, JSON.parse(Testing.synth(s))]));
  return { ...out, routingTable };
};

describe('the platform stacks', () => {
  const out = synthAll();

  it('puts each of the ten regions in its continent stack, with its own aliased provider', () => {
    const regionsOf = (stack: string) => out[stack].provider.aws.map((p: { region: string }) => p.region);
    expect(regionsOf('apac')).toEqual(['ap-east-1', 'ap-southeast-1', 'ap-northeast-1', 'ap-south-1']);
    expect(regionsOf('emea')).toEqual(['eu-west-1', 'eu-central-1', 'eu-west-2']);
    expect(regionsOf('na')).toEqual(['us-east-1', 'us-west-2', 'ca-central-1']);
    for (const stack of ['apac', 'emea', 'na']) {
      const aliases = out[stack].provider.aws.map((p: { alias: string }) => `aws.${p.alias}`);
      for (const vpc of resourcesOf(out[stack], 'aws_vpc')) expect(aliases).toContain(vpc.provider);
    }
  });

  it('tags every region with its continent, residency zone and compliance regimes', () => {
    const tags = out.emea.provider.aws.map((p: { default_tags: { tags: Record<string, string> }[] }) => p.default_tags[0].tags);
    expect(tags.map((t: Record<string, string>) => [t.Region, t.Continent, t.ResidencyZone, t.Compliance])).toEqual([
      ['eu-west-1', 'EMEA', 'emea', 'GDPR'],
      ['eu-central-1', 'EMEA', 'emea', 'GDPR+BDSG'],
      ['eu-west-2', 'EMEA', 'emea', 'GDPR+DPA'],
    ]);
  });

  it('outputs what a deployer needs per region, each with a description', () => {
    const outputs = out.emea.output as Record<string, { value: unknown; description: string }>;
    const names = Object.keys(outputs).filter((n) => n.startsWith('eu-west-2-'));
    expect(names.sort()).toEqual(
      [
        'bucket',
        'cluster-autoscaler-args',
        'cluster-endpoint',
        'cluster-name',
        'cluster-oidc-issuer',
        'database-security-group-id',
        'gateway-lb-dns',
        'gateway-security-group-id',
        'key-arn',
        'lb-security-group-id',
        'pod-scale-out-target-percent',
        'private-subnet-ids',
        'public-subnet-ids',
        'vpc',
      ].map((n) => `eu-west-2-${n}`),
    );
    for (const name of Object.keys(outputs)) expect(outputs[name].description).toMatch(/\S.*\((ap|eu|us|ca)-[a-z]+-\d\)$/);
    expect(outputs['eu-west-2-private-subnet-ids'].value).toHaveLength(3);
    expect(outputs['eu-west-2-key-arn'].value).toMatch(/aws_kms_key\..*\.arn/);
  });

  it('has one VPC, key, bucket, trail and cluster per region', () => {
    for (const [stack, n] of [
      ['apac', 4],
      ['emea', 3],
      ['na', 3],
    ] as const) {
      for (const type of ['aws_vpc', 'aws_kms_key', 'aws_cloudtrail', 'aws_eks_cluster'])
        expect(resourcesOf(out[stack], type)).toHaveLength(n);
      // Buckets: the region bucket, and the gateway load balancer's access-log bucket (lib/edge).
      const buckets = resourcesOf(out[stack], 'aws_s3_bucket').map((b) => String(b.bucket));
      // and the region bucket's server-access-log bucket (audit hardening)
      expect(buckets.filter((b) => b.endsWith('-access-logs'))).toHaveLength(n);
      expect(buckets.filter((b) => !b.includes('-lb-logs-') && !b.endsWith('-access-logs'))).toHaveLength(n);
      expect(buckets.filter((b) => b.includes('-lb-logs-'))).toHaveLength(n);
    }
  });

  // Found by QA: the README told teams on 1.31 to step cluster.kubernetesVersion one minor at a
  // time, but the config had no such field and every synth wrote the default.
  it("takes each region's Kubernetes version from the config (regions[].cluster.kubernetesVersion), the default elsewhere", () => {
    const config = validateRegionsConfig({
      ...configSource,
      regions: configSource.regions.map((r) => (r.id === 'eu-west-1' ? { ...r, cluster: { kubernetesVersion: '1.32' } } : r)),
    });
    const app = Testing.app();
    const { continents } = buildPlatform(app, config, {});
    const emea = JSON.parse(Testing.synth(continents.find((c) => c.node.id === 'emea')!));
    const versions = Object.fromEntries(resourcesOf(emea, 'aws_eks_cluster').map((c) => [c.name, c.version]));
    expect(versions).toEqual({
      'taishanglaojun-eu-west-1': '1.32',
      'taishanglaojun-eu-central-1': '1.35',
      'taishanglaojun-eu-west-2': '1.35',
    });
  });

  it('publishes the same valid routing table into every region bucket', () => {
    const objects = ['apac', 'emea', 'na'].flatMap((s) => resourcesOf(out[s], 'aws_s3_object'));
    expect(objects).toHaveLength(10);
    expect(new Set(objects.map((o) => o.content)).size).toBe(1);
    expect(objects.every((o) => o.key === ROUTING_TABLE_OBJECT_KEY)).toBe(true);
    const parsed = parseRoutingTable(JSON.parse(objects[0].content));
    expect(parsed.ok).toBe(true);
  });

  it('encrypts each routing table object with its own region key (SSE-KMS on the object, CKV_AWS_186)', () => {
    for (const stack of ['apac', 'emea', 'na']) {
      const keys = new Map(
        Object.entries(out[stack].resource.aws_kms_key).map(([name, k]) => [(k as { provider: string }).provider, name]),
      );
      for (const o of resourcesOf(out[stack], 'aws_s3_object')) {
        expect(o.server_side_encryption).toBe('aws:kms');
        expect(o.kms_key_id).toBe(`\${aws_kms_key.${keys.get(o.provider)}.arn}`);
      }
    }
  });

  it('builds a routing table that maps countries to their region and keeps shards in their zone', () => {
    const t = out.routingTable;
    expect(t.countries.DE).toBe('eu-central-1');
    expect(t.countries.US).toBe('us-east-1');
    expect(t.residencyZones.map((z: { id: string }) => z.id)).toEqual(['apac', 'emea', 'na']);
    expect(t.failover.recovery).toEqual({ stepsPercent: [10, 25, 50, 75, 100], stepIntervalMs: 120000 });
    expect(t.failover.healthCheck).toEqual({ path: '/health', intervalMs: 30000, timeoutMs: 10000, retries: 3 });
    const zoneOf = new Map(t.regions.map((r: { id: string; residencyZone: string }) => [r.id, r.residencyZone]));
    for (const s of t.shards) {
      expect(zoneOf.get(s.primary.region)).toBe(s.residencyZone);
      for (const r of s.replicas) expect(zoneOf.get(r.region)).toBe(s.residencyZone);
    }
  });

  it('takes the account id from a validated Terraform variable, with no default outside offline mode', () => {
    const variable = out.apac.variable.aws_account_id;
    expect(variable.default).toBeUndefined();
    expect(variable.validation[0].condition).toContain('regex("^[0-9]{12}$", var.aws_account_id)');
    expect(synthAll({ offline: true }).apac.variable.aws_account_id.default).toBe('123456789012');
  });

  it('keeps local state by default and uses S3 with native locking or GCS when asked', () => {
    expect(out.apac.terraform.backend).toBeUndefined();
    const s3 = synthAll({ stateBackend: { kind: 's3', bucket: 'tf-state', region: 'eu-west-1', prefix: 'tslj' } });
    expect(s3.na.terraform.backend.s3).toMatchObject({
      bucket: 'tf-state',
      key: 'tslj/na.tfstate',
      region: 'eu-west-1',
      encrypt: true,
      use_lockfile: true,
    });
    const gcs = synthAll({ stateBackend: { kind: 'gcs', bucket: 'tf-state', prefix: 'tslj' } });
    expect(gcs.global.terraform.backend.gcs).toEqual({ bucket: 'tf-state', prefix: 'tslj/global' });
  });

  it('has a thin global stack with the design global IP', () => {
    expect(resourcesOf(out.global, 'google_compute_global_address')[0].name).toBe('taishanglaojun-global-ip');
    expect(out.global.provider.google[0].project).toBe('taishanglaojun-edge');
  });
});

describe('settings from the environment', () => {
  it('reads the state backend and names the variable on bad input', () => {
    expect(stateBackendFromEnv({})).toEqual({ kind: 'local' });
    expect(stateBackendFromEnv({ [STATE_ENV.kind]: 's3', [STATE_ENV.bucket]: 'b-1', [STATE_ENV.region]: 'us-east-1' })).toEqual({
      kind: 's3',
      bucket: 'b-1',
      region: 'us-east-1',
      prefix: 'taishanglaojun',
    });
    expect(() => stateBackendFromEnv({ [STATE_ENV.kind]: 'consul' })).toThrow(
      'TAISHANGLAOJUN_STATE_BACKEND="consul" is not allowed; allowed: local, s3, gcs',
    );
    expect(() => stateBackendFromEnv({ [STATE_ENV.kind]: 's3', [STATE_ENV.bucket]: 'b-1' })).toThrow(
      'TAISHANGLAOJUN_STATE_REGION is missing; it is required when TAISHANGLAOJUN_STATE_BACKEND=s3',
    );
    expect(() =>
      stateBackendFromEnv({ [STATE_ENV.kind]: 's3', [STATE_ENV.bucket]: 'Bad_Bucket', [STATE_ENV.region]: 'us-east-1' }),
    ).toThrow(/"Bad_Bucket" is not a valid S3 bucket name; allowed: 3-63 lowercase letters/);
    expect(() => stateBackendFromEnv({ [STATE_ENV.kind]: 's3', [STATE_ENV.bucket]: '10.0.0.1', [STATE_ENV.region]: 'us-east-1' })).toThrow(
      /not a valid S3 bucket name/,
    );
    expect(stateBackendFromEnv({ [STATE_ENV.kind]: 'gcs', [STATE_ENV.bucket]: 'tf_state-1', [STATE_ENV.prefix]: 'platform/prod' })).toEqual(
      {
        kind: 'gcs',
        bucket: 'tf_state-1',
        prefix: 'platform/prod',
      },
    );
    expect(stateBackendFromEnv({ [STATE_ENV.kind]: 'gcs', [STATE_ENV.bucket]: 'state.example.com' })).toMatchObject({
      bucket: 'state.example.com',
    });
    // an empty variable counts as unset (CI passes unset repository variables as "")
    expect(stateBackendFromEnv({ [STATE_ENV.kind]: '', [STATE_ENV.bucket]: '', [STATE_ENV.region]: ' ', [STATE_ENV.prefix]: '' })).toEqual({
      kind: 'local',
    });
    expect(() => stateBackendFromEnv({ [STATE_ENV.bucket]: 'state' })).toThrow(
      'TAISHANGLAOJUN_STATE_BUCKET is set, but TAISHANGLAOJUN_STATE_BACKEND is local (the default)',
    );
    expect(() => stateBackendFromEnv({ [STATE_ENV.kind]: 'gcs', [STATE_ENV.bucket]: 'state', [STATE_ENV.region]: 'eu-west-1' })).toThrow(
      'TAISHANGLAOJUN_STATE_REGION is set, but the gcs backend takes no region',
    );
    for (const bucket of ['Bad', 'a', 'googthing', 'my-google-state', 'x'.repeat(64), '-lead', '10.0.0.1', 'a..b', `${'x'.repeat(64)}.com`])
      expect(() => stateBackendFromEnv({ [STATE_ENV.kind]: 'gcs', [STATE_ENV.bucket]: bucket })).toThrow(
        `TAISHANGLAOJUN_STATE_BUCKET="${bucket}" is not a valid Cloud Storage bucket name; allowed:`,
      );
    expect(() => stateBackendFromEnv({ [STATE_ENV.kind]: 'gcs' })).toThrow(
      'TAISHANGLAOJUN_STATE_BUCKET is missing; it is required when TAISHANGLAOJUN_STATE_BACKEND=gcs',
    );
    for (const prefix of ['/abs', 'trailing/', 'a//b', 'a/../b', 'sp ace'])
      expect(() => stateBackendFromEnv({ [STATE_ENV.kind]: 'gcs', [STATE_ENV.bucket]: 'state', [STATE_ENV.prefix]: prefix })).toThrow(
        `TAISHANGLAOJUN_STATE_PREFIX="${prefix}" is not allowed; allowed: path segments`,
      );
    // the region is one of the region table the config is checked against (lib/config/aws-regions.ts)
    for (const region of ['eu-west', 'EU-west-1', 'euwest1', 'e-west-1'])
      expect(() => stateBackendFromEnv({ [STATE_ENV.kind]: 's3', [STATE_ENV.bucket]: 'b-1', [STATE_ENV.region]: region })).toThrow(
        `TAISHANGLAOJUN_STATE_REGION="${region}" is not allowed: not an AWS region the region table (lib/config/aws-regions.ts) knows; allowed: an AWS commercial region: us-east-1, `,
      );
    // a region outside the aws partition is refused (test/config/input-hardening.test.ts)
    expect(stateBackendFromEnv({ [STATE_ENV.kind]: 's3', [STATE_ENV.bucket]: 'b-1', [STATE_ENV.region]: 'eu-central-2' })).toMatchObject({
      region: 'eu-central-2',
    });
  });
  it('reads offline mode', () => {
    expect(offlineModeFromEnv({})).toBe(false);
    expect(offlineModeFromEnv({ [OFFLINE_ENV]: '1' })).toBe(true);
    expect(() => offlineModeFromEnv({ [OFFLINE_ENV]: 'yes' })).toThrow(
      'TAISHANGLAOJUN_OFFLINE="yes" is not allowed; allowed: 1, true, 0, false or unset',
    );
  });
});
