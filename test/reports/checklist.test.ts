import { CHECKLIST, buildChecklist, renderChecklistMarkdown } from '../../lib/reports/checklist';

const stack = (resource: Record<string, Record<string, Record<string, unknown>>>) => ({ resource });

describe('deployment checklist', () => {
  it('ticks an item only when the resources that fulfil it exist, and says which', () => {
    const results = buildChecklist({
      apac: stack({ aws_eks_cluster: { a: {}, b: {} }, aws_db_instance: { p: {} } }),
      emea: stack({ aws_eks_cluster: { c: {} } }),
    });
    const byId = Object.fromEntries(results.map((r) => [r.id, r]));
    expect(byId.kubernetes_clusters).toEqual({
      section: 'compute',
      id: 'kubernetes_clusters',
      done: true,
      detail: 'EKS clusters: 3 aws_eks_cluster (apac, emea)',
    });
    expect(byId.primary_databases.done).toBe(true);
    expect(byId.read_replicas).toMatchObject({ done: false, detail: 'missing: aws_db_instance' }); // a primary is not a replica
    expect(byId.serverless_functions).toMatchObject({
      done: false,
      detail: 'missing: aws_lambda_function or google_cloudfunctions2_function',
    });
  });

  it('needs every resource type of an alternative: backups are a vault and a plan', () => {
    const vaultOnly = buildChecklist({ apac: stack({ aws_backup_vault: { v: {} } }) }).find((r) => r.id === 'backup_systems')!;
    expect(vaultOnly).toMatchObject({ done: false, detail: 'missing: aws_backup_vault + aws_backup_plan' });
    const both = buildChecklist({ apac: stack({ aws_backup_vault: { v: {} }, aws_backup_plan: { p: {} } }) }).find(
      (r) => r.id === 'backup_systems',
    )!;
    expect(both.done).toBe(true);
  });

  it('counts only NetworkPolicy manifests as network policies, and generated files for monitoring', () => {
    const onlyNamespaces = buildChecklist({
      w: stack({ kubernetes_manifest: { n: { manifest: { kind: 'Namespace' } } }, aws_security_group: { g: {} } }),
    }).find((r) => r.id === 'network_policies')!;
    expect(onlyNamespaces.done).toBe(false);
    const results = buildChecklist({}, ['monitoring/prometheus.yml']);
    expect(results.find((r) => r.id === 'metrics_collection')!.done).toBe(true);
    expect(results.find((r) => r.id === 'dashboards')!.done).toBe(false);
    expect(results.find((r) => r.id === 'alerting_rules')!.done).toBe(false);
    // The rule file synth writes counts (before: the checklist looked for a file of another name).
    const rules = buildChecklist({}, ['monitoring/platform-rules.yml']).find((r) => r.id === 'alerting_rules')!;
    expect(rules.done).toBe(true);
  });

  it('renders every item of the design, ticked or not, and a Missing section', () => {
    const md = renderChecklistMarkdown(buildChecklist({ apac: stack({ aws_kms_key: { k: {} } }) }));
    expect(md).toContain('- [x] encryption_keys — KMS keys: 1 aws_kms_key (apac)');
    expect(md).toContain('- [ ] audit_logging — missing: aws_cloudtrail');
    expect(md).toContain('## Missing\n\n- networking.global_load_balancer:');
    const items = CHECKLIST.flatMap((s) => s.items).length;
    expect(items).toBe(20);
    expect(md.match(/^- \[[x ]\] /gm)).toHaveLength(items);
  });
});
