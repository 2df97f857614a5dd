/**
 * The design's deployment checklist (部署清单) as a report synth writes: each item is ticked only
 * when the resources (or generated files) that fulfil it exist in the synthesized output, and an
 * unticked item names what is missing. Pure: it reads the synthesized stacks' JSON and file list.
 */
import { RULES_FILE } from './monitoring/prometheus';

/** What one stack's cdk.tf.json holds, as far as the checklist reads it. */
export interface SynthesizedStack {
  readonly resource?: Readonly<Record<string, Readonly<Record<string, Readonly<Record<string, unknown>>>>>>;
}

/** One way to fulfil an item: every listed resource type present (with at least one instance passing `where`). */
interface Evidence {
  readonly types: readonly string[];
  readonly where?: (resource: Readonly<Record<string, unknown>>) => boolean;
  /** Or a generated file (relative to the synth output). */
  readonly file?: string;
  /** What it is, for the report. */
  readonly label: string;
}

interface Item {
  readonly id: string;
  readonly alternatives: readonly Evidence[];
}

const isReplica = (r: Readonly<Record<string, unknown>>) => typeof r.replicate_source_db === 'string' && r.replicate_source_db !== '';
const manifestKind = (kind: string) => (r: Readonly<Record<string, unknown>>) =>
  (r.manifest as { kind?: string } | undefined)?.kind === kind;

/** The design's checklist, item by item, with what counts as done. */
export const CHECKLIST: readonly { readonly section: string; readonly items: readonly Item[] }[] = [
  {
    section: 'networking',
    items: [
      {
        id: 'global_load_balancer',
        alternatives: [
          { types: ['google_compute_global_forwarding_rule', 'google_compute_url_map'], label: 'Google global forwarding rule + URL map' },
        ],
      },
      {
        id: 'cdn_configuration',
        alternatives: [{ types: ['cloudflare_zone', 'cloudflare_zone_setting'], label: 'Cloudflare zone + settings' }],
      },
      {
        id: 'dns_setup',
        alternatives: [
          { types: ['cloudflare_dns_record'], label: 'Cloudflare DNS records' },
          { types: ['aws_route53_record'], label: 'Route 53 records' },
        ],
      },
      {
        id: 'ssl_certificates',
        alternatives: [
          { types: ['google_certificate_manager_certificate'], label: 'Certificate Manager certificate' },
          { types: ['aws_acm_certificate'], label: 'ACM certificate' },
        ],
      },
    ],
  },
  {
    section: 'compute',
    items: [
      { id: 'kubernetes_clusters', alternatives: [{ types: ['aws_eks_cluster'], label: 'EKS clusters' }] },
      {
        id: 'auto_scaling_groups',
        alternatives: [
          { types: ['aws_eks_node_group'], label: 'EKS managed node groups' },
          { types: ['aws_autoscaling_group'], label: 'Auto Scaling groups' },
        ],
      },
      { id: 'container_registry', alternatives: [{ types: ['aws_ecr_repository'], label: 'ECR repositories' }] },
      {
        id: 'serverless_functions',
        alternatives: [
          { types: ['aws_lambda_function'], label: 'Lambda functions' },
          { types: ['google_cloudfunctions2_function'], label: 'Cloud Functions' },
        ],
      },
    ],
  },
  {
    section: 'storage',
    items: [
      { id: 'primary_databases', alternatives: [{ types: ['aws_db_instance'], where: (r) => !isReplica(r), label: 'RDS primaries' }] },
      { id: 'read_replicas', alternatives: [{ types: ['aws_db_instance'], where: isReplica, label: 'RDS read replicas' }] },
      { id: 'object_storage', alternatives: [{ types: ['aws_s3_bucket'], label: 'S3 buckets' }] },
      { id: 'backup_systems', alternatives: [{ types: ['aws_backup_vault', 'aws_backup_plan'], label: 'AWS Backup vaults + plans' }] },
    ],
  },
  {
    section: 'monitoring',
    items: [
      {
        id: 'metrics_collection',
        alternatives: [{ types: [], file: 'monitoring/prometheus.yml', label: 'Prometheus scrape config (monitoring/prometheus.yml)' }],
      },
      { id: 'log_aggregation', alternatives: [{ types: ['aws_cloudwatch_log_group'], label: 'CloudWatch log groups' }] },
      {
        id: 'alerting_rules',
        alternatives: [
          { types: ['aws_cloudwatch_metric_alarm'], label: 'CloudWatch alarms' },
          { types: [], file: `monitoring/${RULES_FILE}`, label: `Prometheus alert rules (monitoring/${RULES_FILE})` },
        ],
      },
      {
        id: 'dashboards',
        alternatives: [
          { types: ['aws_cloudwatch_dashboard'], label: 'CloudWatch dashboards' },
          { types: [], file: 'monitoring/grafana-dashboard.json', label: 'Grafana dashboard (monitoring/grafana-dashboard.json)' },
        ],
      },
    ],
  },
  {
    section: 'security',
    items: [
      {
        id: 'network_policies',
        alternatives: [
          {
            types: ['kubernetes_manifest', 'aws_security_group'],
            where: manifestKind('NetworkPolicy'),
            label: 'Kubernetes NetworkPolicies + tier security groups',
          },
        ],
      },
      { id: 'encryption_keys', alternatives: [{ types: ['aws_kms_key'], label: 'KMS keys' }] },
      { id: 'access_controls', alternatives: [{ types: ['aws_iam_role'], label: 'IAM roles' }] },
      { id: 'audit_logging', alternatives: [{ types: ['aws_cloudtrail'], label: 'CloudTrail trails' }] },
    ],
  },
];

export interface ChecklistItemResult {
  readonly section: string;
  readonly id: string;
  readonly done: boolean;
  /** What fulfils it (with counts and stacks), or what is missing. */
  readonly detail: string;
}

/** Evaluates the checklist over the synthesized stacks (name → cdk.tf.json) and the files written next to them. */
export function buildChecklist(stacks: Readonly<Record<string, SynthesizedStack>>, files: readonly string[] = []): ChecklistItemResult[] {
  const instances = (type: string) =>
    Object.entries(stacks).flatMap(([stack, tf]) => Object.values(tf.resource?.[type] ?? {}).map((r) => ({ stack, r })));
  const results: ChecklistItemResult[] = [];
  for (const { section, items } of CHECKLIST) {
    for (const item of items) {
      const met = item.alternatives.map((alt) => {
        if (alt.file) return { alt, ok: files.includes(alt.file), detail: alt.label };
        const found = alt.types.map((t) => {
          const all = instances(t);
          // `where` applies to the first type (the one it is written for)
          return t === alt.types[0] && alt.where ? all.filter((x) => alt.where!(x.r)) : all;
        });
        const ok = found.every((f) => f.length > 0);
        const where = [...new Set(found.flat().map((x) => x.stack))].sort().join(', ');
        return { alt, ok, detail: `${alt.label}: ${found.map((f, i) => `${f.length} ${alt.types[i]}`).join(', ')} (${where})` };
      });
      const hit = met.find((m) => m.ok);
      results.push({
        section,
        id: item.id,
        done: !!hit,
        detail: hit
          ? hit.detail
          : `missing: ${item.alternatives.map((a) => (a.file ? `file ${a.file}` : a.types.join(' + '))).join(' or ')}`,
      });
    }
  }
  return results;
}

/** The checklist as Markdown (`cdktf.out/reports/checklist.md`). */
export function renderChecklistMarkdown(results: readonly ChecklistItemResult[]): string {
  const done = results.filter((r) => r.done).length;
  const lines = [
    '# Deployment checklist',
    '',
    `Derived at synth from the synthesized stacks (the design's 部署清单): an item is ticked only when the resources or files that fulfil it exist. ${done} of ${results.length} done.`,
  ];
  let section = '';
  for (const r of results) {
    if (r.section !== section) lines.push('', `## ${(section = r.section)}`, '');
    lines.push(`- [${r.done ? 'x' : ' '}] ${r.id} — ${r.detail}`);
  }
  const missing = results.filter((r) => !r.done);
  lines.push(
    '',
    '## Missing',
    '',
    ...(missing.length ? missing.map((r) => `- ${r.section}.${r.id}: ${r.detail.replace(/^missing: /, '')}`) : ['- nothing']),
  );
  return `${lines.join('\n')}\n`;
}

/** Where synth writes it, relative to the output directory. */
export const CHECKLIST_REPORT_FILE = 'reports/checklist.md';
