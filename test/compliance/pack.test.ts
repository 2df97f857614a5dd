import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { inspect } from 'node:util';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { App, TerraformStack, TerraformVariable } from 'cdktf';
import { CompliancePack, ComplianceViolationError, PLATFORM_RULES, suppressRule, type ComplianceReport } from '../../lib/compliance';
import { ClusterWorkloads } from '../../lib/kubernetes';
import { MtlsMesh } from '../../lib/mesh/mtls-mesh';
import { Region, type RegionProps } from '../../lib/region';
import type { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { specOf, validConfig } from '../helpers/platform';

const root = resolve(__dirname, '../..');
const work = mkdtempSync(join(tmpdir(), 'tslj-compliance-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** What a bare S3 bucket violates. */
const ROGUE_RULES = ['TSLJ-ENC-1', 'TSLJ-TLS-1', 'TSLJ-S3-1', 'TSLJ-S3-2', 'TSLJ-S3-3', 'TSLJ-S3-4'];

/** One region in a stack of its own, with the pack on; `extra` may add constructs to the stack. */
function regionApp(
  name: string,
  extra: (stack: TerraformStack, region: Region) => void = () => undefined,
  regionProps: Partial<RegionProps> = {},
) {
  const outdir = join(work, name);
  const app = new App({ outdir });
  // us-east-1: its trail records the global service events (TSLJ-AUD-4)
  const stack = new TerraformStack(app, 'na');
  const region = new Region(stack, 'us-east-1', {
    spec: specOf('us-east-1'),
    projectName: 'taishanglaojun',
    accountId: '111122223333',
    ...regionProps,
  });
  // the region serves compute: its cluster gets its namespaces and network policies (TSLJ-K8S-1)
  new ClusterWorkloads(new TerraformStack(app, 'na-workloads'), 'us-east-1', {
    regionId: 'us-east-1',
    vpcCidr: region.spec.cidr,
    cluster: region.cluster!,
  });
  // the region's gateway and services get their mesh identities (TSLJ-TLS-3)
  new MtlsMesh(stack, 'Mesh', {
    residencyZone: 'na',
    provider: region.provider,
    memberRegions: ['us-east-1'],
    meshDomain: 'mesh.example.com',
    organization: 'taishanglaojun',
  });
  extra(stack, region);
  const pack = CompliancePack.applyTo(app, { config: validConfig });
  return { app, pack, outdir };
}

describe('CompliancePack at synth', () => {
  it('fails a compute region whose cluster no workload stack configures', () => {
    const app = new App({ outdir: join(work, 'no-workloads') });
    const stack = new TerraformStack(app, 'apac');
    new Region(stack, 'ap-east-1', { spec: specOf('ap-east-1'), projectName: 'taishanglaojun', accountId: '111122223333' });
    CompliancePack.applyTo(app, { config: validConfig });
    expect(() => app.synth()).toThrow(
      /TSLJ-K8S-1 apac\/ap-east-1\/Cluster\/Cluster: no workload stack configures the cluster of ap-east-1/,
    );
  });

  it('passes a Region as built and reports what it checked', () => {
    const { app, pack } = regionApp('ok');
    app.synth();
    const report = pack.report as ComplianceReport;
    expect(report.violations).toEqual([]);
    // the region bucket and its access-log bucket (SSE-S3, the one built-in suppression)
    expect(report.rules.find((r) => r.id === 'TSLJ-ENC-1')).toMatchObject({ checked: 2, violations: 0, suppressed: 1 });
    // every AWS resource is checked for tags; the Kubernetes objects are not AWS resources
    const k8s = report.rules.find((r) => r.id === 'TSLJ-K8S-1')!.checked - 1; // its types: the cluster + the manifests
    expect(report.rules.find((r) => r.id === 'TSLJ-TAG-1')!.checked).toBe(report.resources - k8s);
  });

  it('passes a Region built offline (its placeholder credentials are no secret), and still flags a real key put on its provider', () => {
    // Before: only the repository's stacks suppressed SEC-1, so a user's offline Region failed their
    // pack; then the Region suppressed the whole rule on its provider, which hid real keys set on it.
    const { app, pack } = regionApp('offline', undefined, { offline: true });
    app.synth();
    const report = pack.report as ComplianceReport;
    expect(report.violations).toEqual([]);
    expect(report.suppressed.filter((s) => s.ruleId === 'TSLJ-SEC-1')).toEqual([]);
    const keyed = regionApp(
      'offline-keyed',
      (_stack, region) => {
        (region.provider as AwsProvider).accessKey = 'AKIAIOSFODNN7EXAMPLE';
      },
      { offline: true },
    );
    let error: unknown;
    try {
      keyed.app.synth();
    } catch (e) {
      error = e;
    }
    expect((error as Error).message).toMatch(/TSLJ-SEC-1 na\/us-east-1\/Provider: aws\.access_key is a literal secret/);
  });

  it('fails synth on a violation with rule id, construct path, reason and fix, and writes no stack', () => {
    const { app, outdir } = regionApp(
      'bad',
      (stack, region) => new S3Bucket(stack, 'Rogue', { provider: region.provider, bucket: 'rogue' }),
    );
    let error: unknown;
    try {
      app.synth();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ComplianceViolationError);
    const message = (error as Error).message;
    expect(message).toContain('compliance pack: 6 violations');
    expect(message).toContain('TSLJ-ENC-1 na/Rogue: has no server-side encryption configuration');
    expect(message).toContain('TSLJ-S3-1 na/Rogue: has no public access block');
    expect(message).toMatch(/fix: add an aws_s3_bucket_server_side_encryption_configuration/);
    expect(existsSync(join(outdir, 'stacks', 'na', 'cdk.tf.json'))).toBe(false);
    // The report is there for code that catches the error, but not enumerable: an uncaught error
    // printed by Node shows the message, not a dump of every rule (before: ~330 lines after it).
    const report = (error as ComplianceViolationError).report;
    expect(report.violations).toHaveLength(6);
    expect(Object.keys(error as object)).not.toContain('report');
    expect(inspect(error).split('\n').length).toBeLessThan(message.split('\n').length + 40);
  });

  it('a suppression with a written reason lets synth pass and is reported with its reason', () => {
    const reason = 'scratch bucket for a load test, deleted after the run; holds no personal data';
    const { app, pack } = regionApp('suppressed', (stack, region) => {
      const rogue = new S3Bucket(stack, 'Rogue', { provider: region.provider, bucket: 'rogue' });
      for (const id of ROGUE_RULES) suppressRule(rogue, id, reason);
    });
    app.synth();
    expect(pack.report!.violations).toEqual([]);
    const rogue = pack.report!.suppressed.filter((s) => s.path === 'na/Rogue');
    expect(rogue.map((s) => s.ruleId)).toEqual(ROGUE_RULES);
    expect(rogue[0]).toMatchObject({ path: 'na/Rogue', suppressedAt: 'na/Rogue', suppressionReason: reason });
  });

  it('a suppression on a parent covers its children', () => {
    const { app, pack } = regionApp('parent', (stack, region) => {
      new S3Bucket(stack, 'Rogue', { provider: region.provider, bucket: 'rogue' });
      suppressRule(stack, 'TSLJ-S3-2', 'versioning is off for every bucket of this stack: test fixture, no data kept');
      for (const id of ROGUE_RULES.filter((r) => r !== 'TSLJ-S3-2')) suppressRule(stack, id, 'test fixture bucket, holds no data at all');
    });
    app.synth();
    expect(pack.report!.suppressed.filter((s) => s.path === 'na/Rogue').map((s) => s.suppressedAt)).toEqual(ROGUE_RULES.map(() => 'na'));
  });

  it('TSLJ-SEC-1 reads the variable block of the synthesized JSON and names the variable (found by QA)', () => {
    const app = new App({ outdir: join(work, 'variable-secret') });
    const stack = new TerraformStack(app, 'apac');
    new TerraformVariable(stack, 'qa_db_password', { type: 'string', sensitive: true, default: 'hunter2-Correct-Horse-Battery' });
    new TerraformVariable(stack, 'db_password', { type: 'string', sensitive: true });
    const pack = new CompliancePack({ rules: PLATFORM_RULES.filter((r) => r.id === 'TSLJ-SEC-1') });
    expect(pack.evaluate(app).violations.map((v) => `${v.path}: ${v.reason}`)).toEqual([
      'apac/qa_db_password: variable.qa_db_password.default is a literal secret (its name says it is one)',
    ]);
  });

  it('refuses a suppression without a reason, with a bad rule id, or naming no rule of the pack', () => {
    const app = new App({ outdir: join(work, 'refuse') });
    const stack = new TerraformStack(app, 's');
    expect(() => suppressRule(stack, 'TSLJ-S3-1', '')).toThrow(
      's: suppression of TSLJ-S3-1 has reason "" (0 visible characters, 0 different words); allowed: a reason in words: at least 20 visible characters (white space, control and invisible characters such as U+200B not counted) and at least 4 different words',
    );
    expect(() => suppressRule(stack, 'TSLJ-S3-1', 'because')).toThrow(/at least 20 visible characters/);
    expect(() => suppressRule(stack, 's3-1', 'a perfectly fine reason here')).toThrow(
      /rule id "s3-1" is not allowed; allowed: a rule id such as "TSLJ-ENC-1"/,
    );
    suppressRule(stack, 'TSLJ-XYZ-9', 'a perfectly fine reason here');
    expect(() => new CompliancePack().evaluate(app)).toThrow(
      /s: suppression of "TSLJ-XYZ-9" names no rule of the pack; allowed: TSLJ-ENC-1/,
    );
  });

  it('refuses a reason that is not in words: invisible characters, punctuation, one word repeated (found by QA)', () => {
    const stack = new TerraformStack(new App({ outdir: join(work, 'refuse-words') }), 's');
    const refused = (reason: string) => {
      try {
        suppressRule(stack, 'TSLJ-NET-1', reason);
      } catch (e) {
        return (e as Error).message;
      }
      return 'accepted';
    };
    // 25 zero-width spaces: trim() kept them, 25 characters passed; the error shows them escaped and shortened
    expect(refused('\u200b'.repeat(25))).toBe(
      's: suppression of TSLJ-NET-1 has reason "\\u200b\\u200b\\u200b\\u200b\\u200b\\u200b\\u200b\\u200b\\u200b..." (25 characters) (0 visible characters, 0 different words); allowed: a reason in words: at least 20 visible characters (white space, control and invisible characters such as U+200B not counted) and at least 4 different words',
    );
    expect(refused('....................')).toMatch(
      /has reason "\.{20}" \(20 visible characters, 0 different words\); allowed: a reason in words/,
    );
    expect(refused('x'.repeat(20))).toMatch(/\(20 visible characters, 1 different word\)/);
    expect(refused('TODO TODO TODO TODO TODO')).toMatch(/\(20 visible characters, 1 different word\)/);
    expect(refused(`${'\u0001'.repeat(20)} a b c d`)).toMatch(
      /^s: suppression of TSLJ-NET-1 has reason "\\u0001\\u0001.*\(4 visible characters, 4 different words\)/,
    );
    expect(refused('\u3164\u200d'.repeat(12) + ' x y z w')).toMatch(/\(4 visible characters, 4 different words\)/);
    // a reason in words, in any script, is accepted
    expect(refused('port 22 for the bastion, closed again after the migration')).toBe('accepted');
    expect(refused('此存储桶仅用于负载测试运行后删除不含个人数据')).toBe('accepted');
  });

  it('refuses to suppress a residency rule, whatever the reason: a transfer is allowed by the config only', () => {
    const app = new App({ outdir: join(work, 'refuse-residency') });
    const stack = new TerraformStack(app, 'emea');
    suppressRule(stack, 'TSLJ-RES-1', 'the copy is needed for a quarterly audit of the zone');
    expect(() => new CompliancePack({ config: validConfig }).evaluate(app)).toThrow(
      `emea: suppression of "TSLJ-RES-1" is not allowed: residency rules cannot be suppressed; allowed: declare the destination zone in the source zone's allowedCopyTo in regions.config.ts, with its legal basis`,
    );
  });
});

describe('the shipped config passes every rule (real synth through main.ts)', () => {
  it('offline mode: 0 violations, the fake credentials suppressed with their reason in the summary', () => {
    const outdir = join(work, 'main');
    const env = { ...process.env, TAISHANGLAOJUN_OFFLINE: '1' };
    const synth = spawnSync(process.execPath, ['tools/synth.js', '--output', outdir], { cwd: root, env, encoding: 'utf8' });
    expect(synth.stderr).toBe('');
    expect(synth.status).toBe(0);
    const report = JSON.parse(readFileSync(join(outdir, 'reports', 'compliance.json'), 'utf8')) as ComplianceReport;
    expect(report.violations).toEqual([]);
    expect(report.rules.length).toBeGreaterThanOrEqual(15);
    // ENC-1: SSE-S3 on log buckets that AWS cannot deliver into with SSE-KMS (the region access-log
    // buckets, the edge's ALB log buckets); NET-1: the edge's port 80 that only redirects to HTTPS.
    // Each with its reason. Offline mode's placeholder credentials need none (SEC-1 knows them).
    expect(new Set(report.suppressed.map((s) => s.ruleId))).toEqual(new Set(['TSLJ-ENC-1', 'TSLJ-NET-1']));
    for (const s of report.suppressed) expect(s.suppressionReason).toMatch(/SSE-S3|301 redirect/);
    expect(report.suppressed.some((s) => s.ruleId === 'TSLJ-ENC-1' && s.path.endsWith('/Storage/AccessLogs/Bucket'))).toBe(true);
    const checklist = readFileSync(join(outdir, 'reports', 'checklist.md'), 'utf8');
    expect(checklist).toMatch(/- \[x\] kubernetes_clusters — EKS clusters: 10 aws_eks_cluster \(apac, emea, na\)/);
    expect(checklist).toMatch(/- \[x\] network_policies — Kubernetes NetworkPolicies \+ tier security groups: \d+ kubernetes_manifest/);
    expect(checklist).toContain('- [ ] serverless_functions — missing: aws_lambda_function or google_cloudfunctions2_function');
    expect(synth.stdout).toMatch(/compliance: \d+ rules over \d+ resources, 0 violations, \d+ suppressed/);
    expect(synth.stdout).not.toMatch(/suppressed TSLJ-SEC-1/);
  });
});

describe('a config without us-east-1 (real synth through main.ts)', () => {
  it('records global service events once, in a multi-region trail of its first region, and passes TSLJ-AUD-4', () => {
    const outdir = join(work, 'nordics');
    const env = { ...process.env, TAISHANGLAOJUN_OFFLINE: '1', TAISHANGLAOJUN_CONFIG: 'test/fixtures/nordics-and-ohio.config.json' };
    const synth = spawnSync(process.execPath, ['tools/synth.js', '--output', outdir], { cwd: root, env, encoding: 'utf8' });
    expect(synth.stderr).toBe('');
    expect(synth.status).toBe(0);
    const report = JSON.parse(readFileSync(join(outdir, 'reports', 'compliance.json'), 'utf8')) as ComplianceReport;
    expect(report.violations).toEqual([]);
    expect(report.rules.find((r) => r.id === 'TSLJ-AUD-4')).toBeDefined();
    const trails = ['emea', 'na'].flatMap((stack) =>
      Object.entries(
        (JSON.parse(readFileSync(join(outdir, 'stacks', stack, 'cdk.tf.json'), 'utf8')) as { resource: Record<string, object> }).resource
          .aws_cloudtrail as Record<string, { is_multi_region_trail: boolean; include_global_service_events: boolean }>,
      ).map(([key, t]) => [key.split('_')[0], t.is_multi_region_trail, t.include_global_service_events]),
    );
    expect(trails).toEqual([
      ['eu-north-1', true, true],
      ['eu-south-1', false, false],
      ['us-east-2', false, false],
    ]);
  });
});
