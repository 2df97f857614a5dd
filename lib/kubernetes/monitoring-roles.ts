/**
 * The monitoring roles of a cluster's `monitoring` namespace (lib/reports/monitoring describes the
 * topology): the region's Prometheus agent in every compute cluster, and the central Prometheus,
 * its Alertmanagers and Grafana in the cluster that runs them. Each role is its own pods, selected
 * by its own label, so that each network policy opens only the ports that role needs (one policy
 * over every pod of the namespace opened the agent's egress to all of them and blocked the central
 * Prometheus's remote-write receiver and its alerts).
 *
 * Nothing in this repository deploys these pods: the platform team gives each role's pods its label
 * (`app.kubernetes.io/name`, as the gateway's pods carry `gateway`); an unlabelled pod in
 * `monitoring` gets default deny only. The YACE CloudWatch exporter runs next to the central
 * Prometheus in its pod (`localhost:5000`, the scrape config's default), so it has no label of its own.
 */

/** The pod labels of the monitoring roles; one per role, none a subset of another's. */
export const MONITORING_POD_LABELS = {
  /** The region's Prometheus agent (`prometheus-agent-<region>.yml`, `--enable-feature=agent`). */
  agent: { 'app.kubernetes.io/name': 'prometheus-agent' },
  /** The central Prometheus (`prometheus.yml`, `--web.enable-remote-write-receiver`), YACE in its pod. */
  prometheus: { 'app.kubernetes.io/name': 'prometheus' },
  /** The Alertmanagers the central Prometheus sends to (`alerts.alertmanagers`, the Service `alertmanager` by default). */
  alertmanager: { 'app.kubernetes.io/name': 'alertmanager' },
  /** Grafana, showing `grafana-dashboard.json` with the central Prometheus as its data source. */
  grafana: { 'app.kubernetes.io/name': 'grafana' },
} as const;

/** The ports the monitoring roles listen on (each program's default). */
export const MONITORING_PORTS = {
  /** The central Prometheus's web port: its remote-write receiver and query API (`--web.listen-address`). */
  prometheus: 9090,
  /** Alertmanager's API, where Prometheus sends alerts (the config's default target `alertmanager:9093`). */
  alertmanager: 9093,
  /** Alertmanager's cluster port (`--cluster.listen-address`), TCP and UDP between the members of an HA cluster. */
  alertmanagerCluster: 9094,
  /** Grafana's HTTP port. */
  grafana: 3000,
} as const;

/** Where an Alertmanager target of the central Prometheus is: pods of a namespace of the cluster, or an address range. */
export type AlertmanagerPlace = { readonly namespace: string; readonly port: number } | { readonly cidr: string; readonly port: number };

/** What an Alertmanager target may be (the config's `alerts.alertmanagers` rule). */
export const ALERTMANAGER_TARGET_ALLOWED =
  'host:port of an Alertmanager, such as "alertmanager:9093" (a lower-case DNS name or IPv4 address, then a port 1-65535)';

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
const HOST = new RegExp(`^${LABEL}(?:\\.${LABEL})*$`);
/** `<service>.<namespace>.svc` or `<service>.<namespace>.svc.cluster.local`: a Service of the cluster. */
const SERVICE_NAME = new RegExp(`^${LABEL}\\.(${LABEL})\\.svc(?:\\.cluster\\.local)?$`);

/**
 * Where an `alerts.alertmanagers` target (`host:port`) sends the central Prometheus, which runs in
 * `ownNamespace`: a one-label name or `<service>.<ownNamespace>` is a Service of that namespace (the
 * config's default, `alertmanager:9093`), `<service>.<namespace>.svc[.cluster.local]` a Service of
 * that namespace, an IPv4 address that address (/32), any other name a host outside the cluster
 * whose address synth cannot know (0.0.0.0/0, on the target's port only). Returns the reason
 * instead when the text is not `host:port`.
 */
export function alertmanagerPlace(target: string, ownNamespace: string): AlertmanagerPlace | { error: string } {
  const at = typeof target === 'string' ? target.lastIndexOf(':') : -1;
  const host = at > 0 ? target.slice(0, at) : '';
  const portText = at > 0 ? target.slice(at + 1) : '';
  const port = /^[1-9]\d{0,4}$/.test(portText) ? Number(portText) : NaN;
  if (!(port <= 65535) || !HOST.test(host)) return { error: `must be ${ALERTMANAGER_TARGET_ALLOWED}` };
  if (IPV4.test(host)) return { cidr: `${host}/32`, port };
  if (!host.includes('.') || host === `${host.split('.')[0]}.${ownNamespace}`) return { namespace: ownNamespace, port };
  const service = SERVICE_NAME.exec(host);
  if (service) return { namespace: service[1], port };
  return { cidr: '0.0.0.0/0', port };
}
