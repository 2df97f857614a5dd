/** The Grafana dashboard: requests by country, p95 latency, error rate, availability, replication lag, traffic share. */
import type { RegionsConfig } from '../../config';
import { METRIC_LABELS } from '../../../runtime/metric-names';
import {
  availabilityByRegion,
  errorRatioByRegion,
  p95LatencyByRegion,
  regionTakingTraffic,
  replicaLag,
  requestRateByCountry,
  trafficShareByRegion,
} from './expressions';
import { GATEWAY_REGION_LABEL, REPLICA_LAG_SERIES } from './metric-sources';
import { percent } from './prometheus';

/** A panel's query. */
export interface DashboardTarget {
  readonly refId: string;
  readonly expr: string;
  readonly legendFormat: string;
  readonly instant?: boolean;
  readonly format?: 'table' | 'time_series';
}

/** One Grafana panel (the fields this generator sets). */
export interface DashboardPanel {
  readonly id: number;
  readonly type: string;
  readonly title: string;
  readonly description: string;
  readonly gridPos: { readonly x: number; readonly y: number; readonly w: number; readonly h: number };
  readonly datasource: { readonly type: 'prometheus'; readonly uid: string };
  readonly targets: readonly DashboardTarget[];
  readonly fieldConfig: { readonly defaults: Record<string, unknown>; readonly overrides: readonly unknown[] };
  readonly options?: Record<string, unknown>;
}

const DATASOURCE = { type: 'prometheus' as const, uid: '${datasource}' };
const legend = (name: string) => `{{ ${name} }}`;

/**
 * Field config of a time series panel in `unit` whose threshold (the alert's) turns it red, drawn as
 * a dashed line (a threshold without `thresholdsStyle` colours nothing in a time series panel).
 */
function turningRedAt(alertAt: number, unit: 's' | 'percentunit') {
  return {
    defaults: {
      unit,
      custom: { thresholdsStyle: { mode: 'dashed' } },
      thresholds: {
        mode: 'absolute',
        steps: [
          { color: 'green', value: null },
          { color: 'red', value: alertAt },
        ],
      },
    },
    overrides: [],
  };
}

export function buildDashboard(config: RegionsConfig): Record<string, unknown> & { panels: DashboardPanel[] } {
  const R = METRIC_LABELS.region;
  const spec: Omit<DashboardPanel, 'id' | 'datasource' | 'gridPos'>[] = [
    {
      type: 'geomap',
      title: 'Request rate by country',
      description: 'Requests per second answered by the gateways, by client country (IP lookup).',
      targets: [{ refId: 'A', expr: requestRateByCountry(), legendFormat: legend(METRIC_LABELS.country), instant: true, format: 'table' }],
      fieldConfig: { defaults: { unit: 'reqps' }, overrides: [] },
      options: {
        view: { id: 'zero', lat: 20, lon: 0, zoom: 1 },
        layers: [
          {
            type: 'markers',
            name: 'requests',
            location: { mode: 'lookup', lookup: METRIC_LABELS.country, gazetteer: 'public/gazetteer/countries.json' },
            config: { size: { field: 'Value', min: 2, max: 30 } },
          },
        ],
      },
    },
    {
      type: 'timeseries',
      title: 'p95 latency by region',
      description: `95th percentile of the request duration per serving region, over every gateway; alert above ${config.alerts.latencyP95Seconds} s.`,
      targets: [{ refId: 'A', expr: p95LatencyByRegion(), legendFormat: `${legend(R)} p95` }],
      fieldConfig: turningRedAt(config.alerts.latencyP95Seconds, 's'),
    },
    {
      type: 'timeseries',
      title: 'Error rate by region',
      description: `Share of the requests each region served that failed with 5xx, over every gateway (HighErrorRate's ratio); alert above ${percent(config.alerts.errorRate)} %.`,
      targets: [{ refId: 'A', expr: errorRatioByRegion(), legendFormat: legend(R) }],
      fieldConfig: turningRedAt(config.alerts.errorRate, 'percentunit'),
    },
    {
      type: 'stat',
      title: 'Availability by region (1 h)',
      description:
        "Share of successful scrapes of each region's gateway over the last hour, and the share of gateways whose failover lets the region take traffic (0: none, as RegionOutOfTraffic alerts).",
      targets: [
        { refId: 'A', expr: availabilityByRegion(), legendFormat: legend(GATEWAY_REGION_LABEL) },
        { refId: 'B', expr: regionTakingTraffic(), legendFormat: `${legend(R)} share of gateways sending traffic` },
      ],
      fieldConfig: { defaults: { unit: 'percentunit', min: 0, max: 1 }, overrides: [] },
    },
    {
      type: 'timeseries',
      title: 'Replication lag',
      description: `Replica lag behind the primary (CloudWatch ReplicaLag via the exporter as ${REPLICA_LAG_SERIES.name}); alert above ${config.database.replicaLagThresholdSeconds} s.`,
      targets: [
        {
          refId: 'A',
          expr: replicaLag(),
          legendFormat: `${legend(REPLICA_LAG_SERIES.instanceLabel)} (${legend(REPLICA_LAG_SERIES.regionLabel)})`,
        },
      ],
      fieldConfig: turningRedAt(config.database.replicaLagThresholdSeconds, 's'),
    },
    {
      type: 'timeseries',
      title: 'Traffic share per region',
      description: 'Share of all served requests that each region served.',
      targets: [{ refId: 'A', expr: trafficShareByRegion(), legendFormat: legend(R) }],
      fieldConfig: { defaults: { unit: 'percentunit', min: 0, max: 1, custom: { stacking: { mode: 'normal' } } }, overrides: [] },
    },
  ];
  const panels: DashboardPanel[] = spec.map((p, i) => ({
    id: i + 1,
    datasource: DATASOURCE,
    gridPos: { x: (i % 2) * 12, y: Math.floor(i / 2) * 8, w: 12, h: 8 },
    ...p,
  }));
  return {
    uid: `${config.project.name}-global`,
    title: `${config.project.name} global platform`,
    tags: [config.project.name, 'generated'],
    description: 'Generated by synth from regions.config.ts; do not edit by hand.',
    schemaVersion: 39,
    editable: false,
    time: { from: 'now-6h', to: 'now' },
    refresh: '30s',
    templating: { list: [{ name: 'datasource', type: 'datasource', query: 'prometheus', label: 'Prometheus' }] },
    panels,
  };
}
