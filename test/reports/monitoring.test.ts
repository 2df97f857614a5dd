/**
 * Monitoring as code: structure of the generated files, and real promtool checks — `check config`,
 * `check rules`, and `test rules` unit tests that prove each alert fires on the right series and
 * stays quiet on healthy ones (including the cases the design's unaggregated expressions got wrong).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { GATEWAY_METRICS } from '../../runtime/metric-names';
import {
  agentConfigFile,
  buildAgentConfig,
  buildAlertRules,
  buildDashboard,
  buildMonitoringFiles,
  buildScrapeConfig,
  MONITORING_FILES,
  remoteWritePortOf,
  REPLICA_LAG_SERIES,
  watchedReplicas,
  yaceMetricName,
} from '../../lib/reports';
import { validConfig } from '../helpers/platform';
import { hasCommand, requireTool } from '../helpers/tools';

const files = buildMonitoringFiles(validConfig);
/** The read replicas of the shipped config, as the data tier names them. */
const replicas = watchedReplicas(validConfig);
const lagSeries = (r: { region: string; instance: string }) =>
  `${REPLICA_LAG_SERIES.name}{job="cloudwatch",region="${r.region}",dimension_DBInstanceIdentifier="${r.instance}"}`;
const replicaIn = (region: string) => replicas.find((r) => r.region === region)!;
const dir = mkdtempSync(join(tmpdir(), 'tslj-monitoring-'));
for (const [name, content] of files) writeFileSync(join(dir, name), content);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const promtool = (...args: string[]) => {
  const r = spawnSync('promtool', args, { cwd: dir, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
};

describe('monitoring files: structure', () => {
  it("central config: the rules and the CloudWatch exporter; the gateways' series arrive from the regions' agents", () => {
    const central = buildScrapeConfig(validConfig) as { rule_files: string[]; scrape_configs: { job_name: string }[] };
    expect(central.rule_files).toEqual([MONITORING_FILES.rules]);
    expect(central.scrape_configs.map((j) => j.job_name)).toEqual(['cloudwatch']);
    expect(parse(files.get(MONITORING_FILES.scrapeConfig)!)).toEqual(central);
  });

  it('central config: the alerts that fire are sent to the Alertmanagers of `alerts.alertmanagers` (before: to no one)', () => {
    // the default: the Service "alertmanager" in the central Prometheus's namespace
    expect(parse(files.get(MONITORING_FILES.scrapeConfig)!).alerting).toEqual({
      alertmanagers: [{ static_configs: [{ targets: ['alertmanager:9093'] }] }],
    });
    const ha = ['am-0.alertmanager.monitoring.svc.cluster.local:9093', 'am-1.alertmanager.monitoring.svc.cluster.local:9093'];
    const custom = buildScrapeConfig({ ...validConfig, alerts: { ...validConfig.alerts, alertmanagers: ha } }) as { alerting: unknown };
    expect(custom.alerting).toEqual({ alertmanagers: [{ static_configs: [{ targets: ha }] }] });
  });

  it("one agent per compute region: its gateway pods by the metrics Service's DNS name, on the admin port, labelled with the region", () => {
    const compute = validConfig.regions.filter((r) => r.services.includes('compute')).map((r) => r.id);
    expect([...files.keys()].filter((f) => f.startsWith('prometheus-agent-'))).toEqual(compute.map((r) => agentConfigFile(r)));
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const agent = buildAgentConfig(validConfig, 'eu-west-2') as any;
    expect(agent.global.external_labels).toEqual({
      platform: 'taishanglaojun',
      gateway_region: 'eu-west-2',
      residency_zone: 'emea',
      continent: 'EMEA',
    });
    expect(agent.scrape_configs).toHaveLength(1);
    const job = agent.scrape_configs[0];
    expect(job.job_name).toBe('gateway');
    expect(job.dns_sd_configs).toEqual([
      { names: ['gateway-metrics.api-gateway.svc.cluster.local'], type: 'A', port: 9090, refresh_interval: '30s' },
    ]);
    expect(agent.remote_write).toEqual([
      {
        url: 'https://prometheus.taishanglaojun.com/api/v1/write',
        authorization: { type: 'Bearer', credentials_file: '/etc/prometheus/remote-write/token' },
      },
    ]);
    expect(remoteWritePortOf(validConfig)).toBe(443);
    expect(parse(files.get(agentConfigFile('eu-west-2'))!)).toEqual(agent);
    // the config's port and receiver are used
    const custom = {
      ...validConfig,
      alerts: { ...validConfig.alerts, metricsPort: 9191, remoteWriteUrl: 'https://metrics.example.net/push' },
    };
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const customAgent = buildAgentConfig(custom, 'eu-west-2') as any;
    expect(customAgent.scrape_configs[0].dns_sd_configs[0].port).toBe(9191);
    expect(customAgent.remote_write[0].url).toBe('https://metrics.example.net/push');
    expect(
      remoteWritePortOf({ ...validConfig, alerts: { ...validConfig.alerts, remoteWriteUrl: 'https://m.example.net:9443/push' } }),
    ).toBe(9443);
    // a region that runs no gateway has no agent
    expect(() => buildAgentConfig(validConfig, 'eu-nowhere-1')).toThrow(
      `monitoring: region "eu-nowhere-1" runs no gateway; allowed: ${compute.join(', ')}`,
    );
  });

  it("the CloudWatch exporter's config (YACE) asks for the replica lag, statistic Maximum, in every storage region", () => {
    const yace = parse(files.get(MONITORING_FILES.cloudwatchExporter)!);
    expect(yace).toEqual({
      apiVersion: 'v1alpha1',
      discovery: {
        jobs: [
          {
            type: 'AWS/RDS',
            regions: validConfig.regions.filter((r) => r.services.includes('storage')).map((r) => r.id),
            period: 60,
            length: 300,
            metrics: [{ name: 'ReplicaLag', statistics: ['Maximum'] }],
          },
        ],
      },
    });
  });

  it('has the nine alerts, with the config thresholds and durations', () => {
    const rules = buildAlertRules(validConfig).groups.flatMap((g) => g.rules);
    expect(rules.map((r) => [r.alert, r.for, r.labels.severity])).toEqual([
      ['RegionDown', '1m', 'critical'],
      ['RegionUnreported', '1m', 'critical'],
      ['HighLatency', '2m', 'warning'],
      ['HighErrorRate', '1m', 'critical'],
      ['RegionOutOfTraffic', '1m', 'critical'],
      ['ZoneRefusing', '1m', 'critical'],
      ['UnlocatedClients', '5m', 'critical'],
      ['ReplicationLag', '5m', 'warning'],
      ['ReplicationLagUnreported', '5m', 'warning'],
    ]);
    expect(rules[2].expr).toMatch(
      /^histogram_quantile\(0\.95, sum by \(le, region\) \(rate\(http_request_duration_seconds_bucket\{.*\}\[5m\]\)\)\) > 0\.5 and sum by \(region\) \(rate\(http_requests_total\{.*\}\[5m\]\)\) >= 0\.1$/,
    );
    expect(rules[7].expr).toMatch(/> 30$/);
  });

  it('ReplicationLagUnreported watches each replica the data tier creates, by its region and RDS identifier (before: all or none)', () => {
    expect(replicas).toEqual([
      { region: 'ap-southeast-1', instance: 'taishanglaojun-pg-ap-east-1-ap-southeast-1' },
      { region: 'ap-northeast-1', instance: 'taishanglaojun-pg-ap-east-1-ap-northeast-1' },
      { region: 'ap-south-1', instance: 'taishanglaojun-pg-ap-east-1-ap-south-1' },
      { region: 'eu-central-1', instance: 'taishanglaojun-pg-eu-west-1-eu-central-1' },
      { region: 'eu-west-2', instance: 'taishanglaojun-pg-eu-west-1-eu-west-2' },
      { region: 'us-west-2', instance: 'taishanglaojun-pg-us-east-1-us-west-2' },
      { region: 'ca-central-1', instance: 'taishanglaojun-pg-us-east-1-ca-central-1' },
    ]);
    const rule = buildAlertRules(validConfig)
      .groups.flatMap((g) => g.rules)
      .find((r) => r.alert === 'ReplicationLagUnreported')!;
    expect(rule.expr.split(' or ')).toEqual([
      ...replicas.map((r) => `absent_over_time(${lagSeries(r).replace('job="cloudwatch",', '')}[15m])`),
      'up{job="cloudwatch"} == 0',
    ]);
  });

  it('a config without read replicas has no replication alerts (ReplicationLagUnreported would fire for ever: no lag series)', () => {
    const single = { ...validConfig, shards: validConfig.shards.map((s) => ({ ...s, replicaRegions: [] })) };
    const alerts = buildAlertRules(single).groups.flatMap((g) => g.rules.map((r) => r.alert));
    expect(alerts).not.toContain('ReplicationLagUnreported');
    expect(alerts).not.toContain('ReplicationLag');
    expect(alerts).toContain('RegionDown');
    expect(buildAlertRules(validConfig).groups.map((g) => g.name)).toContain('data-replication');
  });

  it('RegionUnreported says how long the region has been silent when it fires: the absent window plus its `for`', () => {
    const summary = (regionDownForSeconds: number) =>
      buildAlertRules({ ...validConfig, alerts: { ...validConfig.alerts, regionDownForSeconds } })
        .groups.flatMap((g) => g.rules)
        .find((r) => r.alert === 'RegionUnreported')!.annotations.summary;
    expect(summary(60)).toMatch(/ has reported for 6 minutes: /);
    expect(summary(120)).toMatch(/ has reported for 7 minutes: /);
    expect(summary(90)).toMatch(/ has reported for 6 minutes 30 seconds: /);
  });

  it('uses only metric names the gateway exports (runtime/metric-names.ts), up, and the replica-lag series', () => {
    const known = new Set([
      ...GATEWAY_METRICS.flatMap((m) => (m.type === 'histogram' ? [`${m.name}_bucket`] : [m.name])),
      'up',
      REPLICA_LAG_SERIES.name,
    ]);
    const exprs = [
      ...buildAlertRules(validConfig).groups.flatMap((g) => g.rules.map((r) => r.expr)),
      ...buildDashboard(validConfig).panels.flatMap((p) => p.targets.map((t) => t.expr)),
    ];
    for (const expr of exprs) {
      const selectors = expr.replace(/\b(by|ignoring|without|on)\s*\([^)]*\)/g, '');
      const names = [...selectors.matchAll(/([a-z_][a-z0-9_]*)\{/g), ...selectors.matchAll(/\(([a-z_][a-z0-9_]*)\)/g)].map((m) => m[1]);
      expect(names.length).toBeGreaterThan(0);
      for (const n of names) expect(known).toContain(n);
    }
  });

  it('names the CloudWatch replica lag as the exporter (YACE) does', () => {
    expect(yaceMetricName('AWS/RDS', 'ReplicaLag', 'Average')).toBe('aws_rds_replica_lag_average');
    expect(REPLICA_LAG_SERIES).toEqual({
      name: 'aws_rds_replica_lag_maximum',
      instanceLabel: 'dimension_DBInstanceIdentifier',
      regionLabel: 'region',
    });
  });

  it('dashboard: the five panels of the design and the error rate the critical alert reads, each with a Prometheus query and the data-source variable', () => {
    const d = JSON.parse(files.get(MONITORING_FILES.dashboard)!);
    expect(d.panels.map((p: { title: string }) => p.title)).toEqual([
      'Request rate by country',
      'p95 latency by region',
      'Error rate by region',
      'Availability by region (1 h)',
      'Replication lag',
      'Traffic share per region',
    ]);
    for (const p of d.panels) {
      expect(p.datasource).toEqual({ type: 'prometheus', uid: '${datasource}' });
      expect(p.targets.length).toBeGreaterThan(0);
      for (const t of p.targets) expect(t.expr).toMatch(/\S/);
    }
    expect(new Set(d.panels.map((p: { id: number }) => p.id)).size).toBe(d.panels.length);
    expect(d.templating.list[0]).toMatchObject({ name: 'datasource', type: 'datasource', query: 'prometheus' });
  });
});

const ready = requireTool('promtool', hasCommand('promtool', ['--version']), 'promtool is not on PATH (Debian package "prometheus")');

(ready ? describe : describe.skip)('monitoring files: promtool', () => {
  it('promtool check config accepts the scrape config (and the rule file it names) and every agent config', () => {
    const r = promtool('check', 'config', MONITORING_FILES.scrapeConfig);
    expect(r.out).toMatch(/SUCCESS: prometheus.yml is valid prometheus config file syntax/);
    expect(r.code).toBe(0);
    // … including its alerting section, which promtool checks too: a target that is not host:port is refused
    expect(parse(files.get(MONITORING_FILES.scrapeConfig)!).alerting.alertmanagers[0].static_configs[0].targets).toEqual([
      'alertmanager:9093',
    ]);
    const broken = files.get(MONITORING_FILES.scrapeConfig)!.replace('- alertmanager:9093', '- http://alertmanager:9093/');
    expect(broken).not.toBe(files.get(MONITORING_FILES.scrapeConfig));
    writeFileSync(join(dir, 'broken-alerting.yml'), broken);
    const b = promtool('check', 'config', 'broken-alerting.yml');
    expect(b.code).not.toBe(0);
    expect(b.out).toContain('"http://alertmanager:9093/" is not a valid hostname');
    const agents = [...files.keys()].filter((f) => f.startsWith('prometheus-agent-'));
    expect(agents.length).toBeGreaterThan(0);
    for (const agent of agents) {
      const a = promtool('check', 'config', agent);
      expect(a.out).toContain(`SUCCESS: ${agent} is valid prometheus config file syntax`);
      expect(a.code).toBe(0);
    }
  });

  it('promtool check rules accepts the alert rules', () => {
    const r = promtool('check', 'rules', MONITORING_FILES.rules);
    expect(r.out).toMatch(/SUCCESS: 9 rules found/);
    expect(r.code).toBe(0);
  });

  it("every dashboard query parses (checked as recording rules), and the check fails on a query that doesn't", () => {
    const exprs = buildDashboard(validConfig).panels.flatMap((p) =>
      p.targets.map((t) => ({ record: `dashboard:panel_${p.id}_${t.refId}`, expr: t.expr })),
    );
    writeFileSync(join(dir, 'dashboard-queries.yml'), stringify({ groups: [{ name: 'dashboard', rules: exprs }] }));
    const ok = promtool('check', 'rules', 'dashboard-queries.yml');
    expect(ok.out).toMatch(new RegExp(`SUCCESS: ${exprs.length} rules found`));
    expect(ok.code).toBe(0);
    // The design's latency panel query is not PromQL.
    const design = 'histogram_quantile(0.95, rate(http_request_duration_seconds_bucket[5m])) by (region)';
    writeFileSync(
      join(dir, 'design-query.yml'),
      stringify({ groups: [{ name: 'design', rules: [{ record: 'design:p95', expr: design }] }] }),
    );
    expect(promtool('check', 'rules', 'design-query.yml').code).not.toBe(0);
  });

  /** Expected annotations: the rule's summary with its `{{ $labels.x }}` filled in. */
  const summaryOf = (alert: string, labels: Record<string, string>) => {
    const rule = buildAlertRules(validConfig)
      .groups.flatMap((g) => g.rules)
      .find((r) => r.alert === alert)!;
    return { summary: rule.annotations.summary.replace(/\{\{ \$labels\.([a-zA-Z_]+) \}\}/g, (_m, k: string) => labels[k]) };
  };
  const expected = (alert: string, severity: string, labels: Record<string, string>) => ({
    exp_labels: { ...labels, severity },
    exp_annotations: summaryOf(alert, labels),
  });
  /** ReplicationLagUnreported for one replica whose lag is missing. */
  const lagUnreported = (r: { region: string; instance: string }) => ({
    exp_labels: { severity: 'warning', region: r.region, dimension_DBInstanceIdentifier: r.instance },
    exp_annotations: {
      summary: `No lag of replica ${r.instance} in ${r.region} has arrived from CloudWatch for 20 minutes: replication is unwatched`, // 15 m window + 5 m `for`
    },
  });
  const bucket = (labels: string, perMinute: Record<string, number>) =>
    Object.entries(perMinute).map(([le, n]) => ({
      series: `http_request_duration_seconds_bucket{job="gateway",${labels},le="${le}"}`,
      values: `0+${n}x20`,
    }));

  const tests = {
    rule_files: [MONITORING_FILES.rules],
    evaluation_interval: '1m',
    tests: [
      {
        interval: '1m',
        input_series: [
          { series: 'up{job="gateway",gateway_region="eu-west-1",instance="eu-west-1.gateway.taishanglaojun.com:9090"}', values: '0x10' },
          {
            series: 'up{job="gateway",gateway_region="eu-central-1",instance="eu-central-1.gateway.taishanglaojun.com:9090"}',
            values: '1x10',
          },
          // A flap shorter than the 1m `for` does not fire.
          {
            series: 'up{job="gateway",gateway_region="eu-west-2",instance="eu-west-2.gateway.taishanglaojun.com:9090"}',
            values: '1 0 1x8',
          },
          // us-east-1: most requests between 0.5 and 1 s → p95 ≈ 0.97 s.
          ...bucket('region="us-east-1",instance="a"', { '0.1': 10, '0.5': 20, '1': 100, '+Inf': 100 }),
          { series: 'http_requests_total{job="gateway",region="us-east-1",status="200",country="US",instance="a"}', values: '0+100x20' },
          // ca-central-1: one request of the window took 2 s (p95 "2 s"), below the traffic floor → quiet
          // (QA, stop 30: HighLatency had no floor and fired for 5 minutes on it).
          ...['0.5', '1'].map((le) => ({
            series: `http_request_duration_seconds_bucket{job="gateway",region="ca-central-1",instance="a",le="${le}"}`,
            values: '0x20',
          })),
          ...['2.5', '+Inf'].map((le) => ({
            series: `http_request_duration_seconds_bucket{job="gateway",region="ca-central-1",instance="a",le="${le}"}`,
            values: '0 1x19',
          })),
          // eu-west-1 through two gateways: 100 fast on one, 4 slow on the other → p95 of the region is fast
          // (the design's per-series quantile fired on the second gateway alone).
          ...bucket('region="eu-west-1",instance="a"', { '0.1': 100, '0.5': 100, '1': 100, '+Inf': 100 }),
          ...bucket('region="eu-west-1",instance="b"', { '0.1': 0, '0.5': 0, '1': 4, '+Inf': 4 }),
          // eu-west-1 answers 10 % 5xx → fires.
          { series: 'http_requests_total{job="gateway",region="eu-central-1",status="200",country="DE",instance="a"}', values: '0+900x20' },
          { series: 'http_requests_total{job="gateway",region="eu-central-1",status="503",country="DE",instance="a"}', values: '0+100x20' },
          // us-west-2: 20 % 5xx on one small gateway, 0.2 % overall → quiet.
          { series: 'http_requests_total{job="gateway",region="us-west-2",status="200",country="MX",instance="a"}', values: '0+990x20' },
          { series: 'http_requests_total{job="gateway",region="us-west-2",status="200",country="MX",instance="b"}', values: '0+8x20' },
          { series: 'http_requests_total{job="gateway",region="us-west-2",status="500",country="MX",instance="b"}', values: '0+2x20' },
          // Refusals (region "none") are not a region's error rate.
          { series: 'http_requests_total{job="gateway",region="none",status="503",country="DE",instance="a"}', values: '0+50x20' },
          // Region up per gateway: eu-central-1 out on both gateways (fires), us-east-1 out on one only
          // (quiet: the other still sends it traffic), eu-west-2 out for less than the 1m `for` (quiet).
          { series: 'gateway_region_up{job="gateway",region="eu-central-1",zone="emea",instance="a"}', values: '1 0x19' },
          { series: 'gateway_region_up{job="gateway",region="eu-central-1",zone="emea",instance="b"}', values: '1 0x19' },
          { series: 'gateway_region_up{job="gateway",region="us-east-1",zone="na",instance="a"}', values: '0x20' },
          { series: 'gateway_region_up{job="gateway",region="us-east-1",zone="na",instance="b"}', values: '1x20' },
          { series: 'gateway_region_up{job="gateway",region="eu-west-2",zone="emea",instance="a"}', values: '1 0 1x18' },
          // ca-central-1: its one request of the window failed (100 % 5xx) but below the traffic floor → quiet.
          { series: 'http_requests_total{job="gateway",region="ca-central-1",status="500",country="CA",instance="a"}', values: '0 1x19' },
          // The CloudWatch exporter answers (ReplicationLagUnreported quiet).
          { series: 'up{job="cloudwatch",instance="localhost:5000"}', values: '1x20' },
          // Replica lag, every replica reporting (ReplicationLagUnreported quiet): eu-central-1's 45 s behind
          // for 20 min (fires), us-west-2's 45 s for 3 min only (quiet), the others 5 s (quiet).
          ...replicas.map((r) => ({
            series: lagSeries(r),
            values: r.region === 'eu-central-1' ? '45x20' : r.region === 'us-west-2' ? '45 45 45 5x17' : '5x20',
          })),
        ],
        alert_rule_test: [
          { eval_time: '0m', alertname: 'RegionDown', exp_alerts: [] },
          {
            eval_time: '3m',
            alertname: 'RegionDown',
            exp_alerts: [
              expected('RegionDown', 'critical', {
                job: 'gateway',
                gateway_region: 'eu-west-1',
                instance: 'eu-west-1.gateway.taishanglaojun.com:9090',
              }),
            ],
          },
          // The compute regions of which no `up` series arrives at all: each fires, those that report do not.
          {
            eval_time: '10m',
            alertname: 'RegionUnreported',
            exp_alerts: validConfig.regions
              .filter((r) => r.services.includes('compute') && !['eu-west-1', 'eu-central-1', 'eu-west-2'].includes(r.id))
              .map((r) => expected('RegionUnreported', 'critical', { job: 'gateway', gateway_region: r.id })),
          },
          { eval_time: '10m', alertname: 'ReplicationLagUnreported', exp_alerts: [] },
          { eval_time: '10m', alertname: 'HighLatency', exp_alerts: [expected('HighLatency', 'warning', { region: 'us-east-1' })] },
          { eval_time: '10m', alertname: 'HighErrorRate', exp_alerts: [expected('HighErrorRate', 'critical', { region: 'eu-central-1' })] },
          { eval_time: '1m', alertname: 'RegionOutOfTraffic', exp_alerts: [] },
          {
            eval_time: '10m',
            alertname: 'RegionOutOfTraffic',
            exp_alerts: [expected('RegionOutOfTraffic', 'critical', { region: 'eu-central-1', zone: 'emea' })],
          },
          {
            eval_time: '10m',
            alertname: 'ReplicationLag',
            exp_alerts: [
              expected('ReplicationLag', 'warning', {
                region: 'eu-central-1',
                dimension_DBInstanceIdentifier: replicaIn('eu-central-1').instance,
              }),
            ],
          },
          { eval_time: '4m', alertname: 'ReplicationLag', exp_alerts: [] },
        ],
      },
      {
        // Unlocated clients: 1 % of the requests (a few such clients, quiet), then 60 % (every client
        // unlocated: a wrong trusted-proxy range or geo database) from minute 10 (fires).
        interval: '1m',
        input_series: [
          // eu-west-1's gateways: 1 % unlocated, then 60 %; us-east-1's: nine times the traffic, none unlocated
          // (summed over every region, eu-west-1's 60 % would be about 6 %: under the threshold).
          {
            series:
              'http_requests_total{job="gateway",gateway_region="eu-west-1",region="eu-west-1",status="200",country="DE",instance="a"}',
            values: '0+99x10 1089+40x20',
          },
          {
            series:
              'http_requests_total{job="gateway",gateway_region="eu-west-1",region="none",status="503",country="unknown",instance="a"}',
            values: '0+1x10 11+60x20',
          },
          {
            series: 'gateway_refusals_total{job="gateway",gateway_region="eu-west-1",zone="unknown",instance="a"}',
            values: '0+1x10 11+60x20',
          },
          {
            series:
              'http_requests_total{job="gateway",gateway_region="us-east-1",region="us-east-1",status="200",country="US",instance="b"}',
            values: '0+900x30',
          },
        ],
        alert_rule_test: [
          { eval_time: '9m', alertname: 'UnlocatedClients', exp_alerts: [] },
          {
            eval_time: '25m',
            alertname: 'UnlocatedClients',
            exp_alerts: [expected('UnlocatedClients', 'critical', { gateway_region: 'eu-west-1' })],
          },
        ],
      },
      {
        // No replica lag arrives and the exporter is down: the exporter and every replica are named.
        interval: '1m',
        input_series: [{ series: 'up{job="cloudwatch",instance="localhost:5000"}', values: '0x30' }],
        alert_rule_test: [
          { eval_time: '2m', alertname: 'ReplicationLagUnreported', exp_alerts: [] },
          {
            eval_time: '20m',
            alertname: 'ReplicationLagUnreported',
            exp_alerts: [
              {
                exp_labels: { severity: 'warning', job: 'cloudwatch', instance: 'localhost:5000' },
                exp_annotations: { summary: 'The CloudWatch exporter localhost:5000 cannot be scraped: replication is unwatched' },
              },
              ...replicas.map(lagUnreported),
            ],
          },
        ],
      },
      {
        // One replica's lag stops arriving (from minute 5) while the others keep reporting: that one
        // fires, named (before: absent_over_time over every replica's series stayed quiet).
        interval: '1m',
        input_series: [
          { series: 'up{job="cloudwatch",instance="localhost:5000"}', values: '1x60' },
          ...replicas.map((r) => ({ series: lagSeries(r), values: r.region === 'eu-west-2' ? '2x5 _x55' : '2x60' })),
        ],
        alert_rule_test: [
          // every replica reporting, then eu-west-2 silent for less than 15 min + 5 min: quiet
          { eval_time: '5m', alertname: 'ReplicationLagUnreported', exp_alerts: [] },
          { eval_time: '24m', alertname: 'ReplicationLagUnreported', exp_alerts: [] },
          { eval_time: '30m', alertname: 'ReplicationLagUnreported', exp_alerts: [lagUnreported(replicaIn('eu-west-2'))] },
          { eval_time: '60m', alertname: 'ReplicationLagUnreported', exp_alerts: [lagUnreported(replicaIn('eu-west-2'))] },
        ],
      },
    ],
  };

  it('promtool test rules: each alert fires on the right series and stays quiet on healthy ones', () => {
    writeFileSync(join(dir, 'alerts.test.yml'), stringify(tests));
    const r = promtool('test', 'rules', 'alerts.test.yml');
    expect(r.out).toMatch(/SUCCESS/);
    expect(r.code).toBe(0);
  });

  it('ZoneRefusing: refusals that keep coming for its `for` fire; a single refusal never does (before: it paged for 4 minutes)', () => {
    const zoneRefusing = (zone: string) => expected('ZoneRefusing', 'critical', { zone });
    const refusals = (zone: string, values: string) => ({
      series: `gateway_refusals_total{job="gateway",zone="${zone}",instance="a"}`,
      values,
    });
    const quietAt = (...times: string[]) => times.map((t) => ({ eval_time: t, alertname: 'ZoneRefusing', exp_alerts: [] }));
    const refusalTests = {
      rule_files: [MONITORING_FILES.rules],
      // as the central Prometheus evaluates, over series sampled as the agents scrape the gateways (15 s, 10 s)
      evaluation_interval: `${validConfig.alerts.scrapeIntervalSeconds}s`,
      tests: [
        {
          interval: `${validConfig.alerts.gatewayScrapeIntervalSeconds}s`,
          input_series: [
            // emea: 5 refusals per scrape from 2m10s to 12m10s, then none (fires from about 1 minute in, then resolves)
            refusals('emea', '0x12 5+5x60 305x200'),
            // na: ONE refused request at 20m10s in an hour (quiet throughout)
            refusals('na', '1x120 2x240'),
            // apac: a flat counter (quiet); zone "unknown": the client's case, not an outage (quiet)
            refusals('apac', '7x360'),
            refusals('unknown', '0+30x360'),
          ],
          alert_rule_test: [
            ...quietAt('1m', '2m45s'),
            { eval_time: '3m30s', alertname: 'ZoneRefusing', exp_alerts: [zoneRefusing('emea')] },
            { eval_time: '10m', alertname: 'ZoneRefusing', exp_alerts: [zoneRefusing('emea')] },
            // the stream stopped at 12m10s: resolved a window later
            ...quietAt('14m'),
            // the single na refusal: quiet right after it and for the minutes the 5-minute rate stayed above 0
            ...quietAt('20m15s', '20m30s', '20m45s', '21m', '21m15s', '21m30s', '22m', '23m', '25m', '26m', '40m', '59m'),
          ],
        },
        {
          // QA's reproduction: one refusal (1 → 2) in an hour, sampled every 15 s
          interval: '15s',
          input_series: [refusals('emea', '1x20 2x220')],
          alert_rule_test: quietAt('6m', '7m', '8m', '9m'),
        },
      ],
    };
    writeFileSync(join(dir, 'refusals.test.yml'), stringify(refusalTests));
    const r = promtool('test', 'rules', 'refusals.test.yml');
    expect(r.out).toMatch(/SUCCESS/);
    expect(r.code).toBe(0);
  });

  it('ZoneRefusing: its window is four gateway scrapes, and its `for` never shorter than the window (one refusal could fire)', () => {
    const rule = (alerts: Partial<typeof validConfig.alerts>) =>
      buildAlertRules({ ...validConfig, alerts: { ...validConfig.alerts, ...alerts } })
        .groups.flatMap((g) => g.rules)
        .find((x) => x.alert === 'ZoneRefusing')!;
    expect(rule({}).expr).toBe('sum by (zone) (rate(gateway_refusals_total{job="gateway",zone!="unknown"}[40s])) > 0');
    expect(rule({}).for).toBe('1m');
    expect(rule({}).labels).toEqual({ severity: 'critical' });
    expect(rule({ gatewayScrapeIntervalSeconds: 30 })).toMatchObject({ expr: expect.stringContaining('[2m]'), for: '2m' });
    expect(rule({ errorRateForSeconds: 180 }).for).toBe('3m');
  });

  it('ReplicationLagUnreported with two replicas: both reporting is quiet, one silent fires naming it (the other still reporting)', () => {
    // only the emea database keeps read replicas: eu-central-1 and eu-west-2
    const twoReplicas = {
      ...validConfig,
      shards: validConfig.shards.map((sh) => (sh.residencyZone === 'emea' ? sh : { ...sh, replicaRegions: [] })),
    };
    const two = watchedReplicas(twoReplicas);
    expect(two.map((r) => r.region)).toEqual(['eu-central-1', 'eu-west-2']);
    writeFileSync(join(dir, 'two-replicas-rules.yml'), stringify(buildAlertRules(twoReplicas), { lineWidth: 0 }));
    const exporterUp = { series: 'up{job="cloudwatch",instance="localhost:5000"}', values: '1x60' };
    const twoTests = {
      rule_files: ['two-replicas-rules.yml'],
      evaluation_interval: '1m',
      tests: [
        {
          interval: '1m',
          input_series: [exporterUp, ...two.map((r) => ({ series: lagSeries(r), values: '2x60' }))],
          alert_rule_test: [{ eval_time: '60m', alertname: 'ReplicationLagUnreported', exp_alerts: [] }],
        },
        {
          interval: '1m',
          input_series: [exporterUp, { series: lagSeries(two[0]), values: '2x5 _x55' }, { series: lagSeries(two[1]), values: '2x60' }],
          alert_rule_test: [{ eval_time: '50m', alertname: 'ReplicationLagUnreported', exp_alerts: [lagUnreported(two[0])] }],
        },
      ],
    };
    writeFileSync(join(dir, 'two-replicas.test.yml'), stringify(twoTests));
    const r = promtool('test', 'rules', 'two-replicas.test.yml');
    expect(r.out).toMatch(/SUCCESS/);
    expect(r.code).toBe(0);
  });

  it("the design's unaggregated expressions misfire on the same series (why they were fixed)", () => {
    const design = {
      groups: [
        {
          name: 'design',
          rules: [
            {
              alert: 'DesignHighLatency',
              expr: 'histogram_quantile(0.95, rate(http_request_duration_seconds_bucket[5m])) > 0.5',
              for: '2m',
            },
            {
              alert: 'DesignHighErrorRate',
              expr: 'rate(http_requests_total{status=~"5.."}[5m]) / rate(http_requests_total[5m]) > 0.05',
              for: '1m',
            },
          ],
        },
      ],
    };
    writeFileSync(join(dir, 'design-rules.yml'), stringify(design));
    const series = tests.tests[0].input_series;
    const designTests = {
      rule_files: ['design-rules.yml'],
      evaluation_interval: '1m',
      tests: [
        {
          interval: '1m',
          input_series: series,
          alert_rule_test: [
            {
              // fires for the one gateway with 4 slow requests, although eu-west-1's p95 is fast
              eval_time: '10m',
              alertname: 'DesignHighLatency',
              exp_alerts: [
                { exp_labels: { job: 'gateway', region: 'eu-west-1', instance: 'b' } },
                { exp_labels: { job: 'gateway', region: 'us-east-1', instance: 'a' } },
              ],
            },
            {
              // every 5xx series divided by itself: fires for us-west-2 (0.2 % of its requests) and for refusals
              eval_time: '10m',
              alertname: 'DesignHighErrorRate',
              exp_alerts: [
                { exp_labels: { job: 'gateway', region: 'eu-central-1', status: '503', country: 'DE', instance: 'a' } },
                { exp_labels: { job: 'gateway', region: 'none', status: '503', country: 'DE', instance: 'a' } },
                { exp_labels: { job: 'gateway', region: 'us-west-2', status: '500', country: 'MX', instance: 'b' } },
              ],
            },
          ],
        },
      ],
    };
    writeFileSync(join(dir, 'design.test.yml'), stringify(designTests));
    const r = promtool('test', 'rules', 'design.test.yml');
    expect(r.out).toMatch(/SUCCESS/);
    expect(r.code).toBe(0);
  });

  it('promtool test rules fails when an expectation is wrong (the test can fail)', () => {
    const wrong = structuredClone(tests);
    wrong.tests[0].alert_rule_test[2].exp_alerts = [expected('HighLatency', 'warning', { region: 'eu-west-1' })];
    writeFileSync(join(dir, 'wrong.test.yml'), stringify(wrong));
    const r = promtool('test', 'rules', 'wrong.test.yml');
    expect(r.code).not.toBe(0);
    expect(r.out).toMatch(/FAILED/);
  });
});
