/**
 * The Prometheus configs. Each compute region's cluster runs a Prometheus agent (namespace
 * `monitoring`) that finds the gateway pods by the DNS name of a headless Service over them
 * (`gateway-metrics.api-gateway.svc.cluster.local`, one A record per ready pod), scrapes their admin port
 * (`alerts.metricsPort`, which the load balancer does not expose and the network policy opens to
 * `monitoring` only) pod by pod, and remote-writes to the central Prometheus with the region as an
 * external label. The central Prometheus receives them (`--web.enable-remote-write-receiver`), scrapes
 * the CloudWatch exporter, evaluates the alert rules over every region, and sends the alerts that
 * fire to the Alertmanagers of `alerts.alertmanagers` (default `alertmanager:9093`: the Service
 * `alertmanager` in the central Prometheus's own namespace), which route them to people. The pods of
 * each role carry the labels of `MONITORING_POD_LABELS` (lib/kubernetes/monitoring-roles.ts), by which
 * the network policies open each one only what it needs.
 */
import type { RegionsConfig } from '../../config';
import { gatewayRegions } from '../../edge/hostnames';
import { gatewayMetricsDnsName } from '../../kubernetes/network-policies';
import { CLOUDWATCH_JOB, DEFAULT_CLOUDWATCH_EXPORTER_TARGET, GATEWAY_JOB, GATEWAY_REGION_LABEL } from './metric-sources';

/** File name of the alert rules, next to the scrape config. */
export const RULES_FILE = 'platform-rules.yml';

/** Prometheus durations: whole minutes as "Nm", else seconds as "Ns". */
export const duration = (seconds: number): string => (seconds % 60 === 0 ? `${seconds / 60}m` : `${seconds}s`);

/** A fraction as a percentage for a summary or description: 0.07 is "7" (not "7.000000000000001"), 1e-9 "0.0000001". */
export const percent = (fraction: number): string =>
  (fraction * 100).toLocaleString('en-US', { maximumSignificantDigits: 12, useGrouping: false });

export interface ScrapeConfigOptions {
  /** host:port of the CloudWatch exporter (YACE). @default "localhost:5000" */
  readonly cloudwatchExporterTarget?: string;
}

/**
 * Where each agent reads the bearer token it presents to the central Prometheus's receiver (mount a
 * Kubernetes Secret there): a receiver that accepts writes from anyone would let anyone write a
 * healthy `up` over a dead region.
 */
export const REMOTE_WRITE_TOKEN_FILE = '/etc/prometheus/remote-write/token';

/** The port the agents write to: the remote-write URL's, else 443 (the network policy opens it). */
export function remoteWritePortOf(config: RegionsConfig): number {
  const port = /^https:\/\/[^/:]+:(\d+)\//.exec(remoteWriteUrlOf(config))?.[1];
  return port === undefined ? 443 : Number(port);
}

/** Where the regions' agents write: `alerts.remoteWriteUrl`, else `https://prometheus.<project.domain>/api/v1/write`. */
export function remoteWriteUrlOf(config: RegionsConfig): string {
  return config.alerts.remoteWriteUrl ?? `https://prometheus.${config.project.domain}/api/v1/write`;
}

/**
 * The central Prometheus's config as a plain object (rendered as YAML): rules, where their alerts go
 * (`alerts.alertmanagers`: without an `alerting` section Prometheus evaluates every rule and
 * delivers nothing), and the CloudWatch exporter.
 */
export function buildScrapeConfig(config: RegionsConfig, options: ScrapeConfigOptions = {}): Record<string, unknown> {
  const a = config.alerts;
  return {
    global: {
      scrape_interval: duration(a.scrapeIntervalSeconds),
      evaluation_interval: duration(a.scrapeIntervalSeconds),
      external_labels: { platform: config.project.name },
    },
    rule_files: [RULES_FILE],
    // Every Alertmanager gets every alert (an HA cluster deduplicates them between its members).
    alerting: { alertmanagers: [{ static_configs: [{ targets: [...a.alertmanagers] }] }] },
    // The gateways' series arrive by remote write from each region's agent (prometheus-agent-<region>.yml).
    scrape_configs: [
      {
        job_name: CLOUDWATCH_JOB,
        // CloudWatch has one-minute resolution; YACE polls it on its own schedule.
        scrape_interval: '1m',
        static_configs: [{ targets: [options.cloudwatchExporterTarget ?? DEFAULT_CLOUDWATCH_EXPORTER_TARGET] }],
      },
    ],
  };
}

/** File name of a region's agent config. */
export const agentConfigFile = (regionId: string): string => `prometheus-agent-${regionId}.yml`;

/**
 * The Prometheus agent config of one compute region (run with `--enable-feature=agent`): every
 * gateway pod of the cluster, scraped on its admin port, each series labelled with the region
 * (`gateway_region`), its residency zone and continent, written to the central Prometheus.
 */
export function buildAgentConfig(config: RegionsConfig, regionId: string): Record<string, unknown> {
  const region = gatewayRegions(config).find((r) => r.id === regionId);
  if (region === undefined)
    throw new Error(
      `monitoring: region "${regionId}" runs no gateway; allowed: ${gatewayRegions(config)
        .map((r) => r.id)
        .join(', ')}`,
    );
  const a = config.alerts;
  return {
    global: {
      scrape_interval: duration(a.gatewayScrapeIntervalSeconds),
      external_labels: {
        platform: config.project.name,
        [GATEWAY_REGION_LABEL]: region.id,
        residency_zone: region.residencyZone,
        continent: region.continent,
      },
    },
    scrape_configs: [
      {
        job_name: GATEWAY_JOB,
        metrics_path: '/metrics',
        // every ready gateway pod, by the headless metrics Service's DNS name, on its admin port
        dns_sd_configs: [{ names: [gatewayMetricsDnsName()], type: 'A', port: a.metricsPort, refresh_interval: '30s' }],
      },
    ],
    remote_write: [{ url: remoteWriteUrlOf(config), authorization: { type: 'Bearer', credentials_file: REMOTE_WRITE_TOKEN_FILE } }],
  };
}
