/** The Prometheus scrape config: every compute region's gateway, and the CloudWatch exporter. */
import type { RegionsConfig } from '../../config';
import { gatewayHostOf, gatewayRegions } from '../../edge/hostnames';
import { CLOUDWATCH_JOB, DEFAULT_CLOUDWATCH_EXPORTER_TARGET, GATEWAY_JOB, GATEWAY_REGION_LABEL } from './metric-sources';

/** File name of the alert rules, next to the scrape config. */
export const RULES_FILE = 'platform-rules.yml';

/** Prometheus durations: whole minutes as "Nm", else seconds as "Ns". */
export const duration = (seconds: number): string => (seconds % 60 === 0 ? `${seconds / 60}m` : `${seconds}s`);

export interface ScrapeConfigOptions {
  /** host:port of the CloudWatch exporter (YACE). @default "localhost:5000" */
  readonly cloudwatchExporterTarget?: string;
}

/** The scrape config as a plain object (rendered as YAML). */
export function buildScrapeConfig(config: RegionsConfig, options: ScrapeConfigOptions = {}): Record<string, unknown> {
  const a = config.alerts;
  return {
    global: {
      scrape_interval: duration(a.scrapeIntervalSeconds),
      evaluation_interval: duration(a.scrapeIntervalSeconds),
      external_labels: { platform: config.project.name },
    },
    rule_files: [RULES_FILE],
    scrape_configs: [
      {
        job_name: GATEWAY_JOB,
        metrics_path: '/metrics',
        scrape_interval: duration(a.gatewayScrapeIntervalSeconds),
        static_configs: gatewayRegions(config).map((r) => ({
          targets: [`${gatewayHostOf(config, r.id)}:${a.metricsPort}`],
          labels: { [GATEWAY_REGION_LABEL]: r.id, residency_zone: r.residencyZone, continent: r.continent },
        })),
      },
      {
        job_name: CLOUDWATCH_JOB,
        // CloudWatch has one-minute resolution; YACE polls it on its own schedule.
        scrape_interval: '1m',
        static_configs: [{ targets: [options.cloudwatchExporterTarget ?? DEFAULT_CLOUDWATCH_EXPORTER_TARGET] }],
      },
    ],
  };
}
