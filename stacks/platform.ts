import type { App } from 'cdktf';
import { CompliancePack } from '../lib/compliance';
import type { RegionsConfig } from '../lib/config';
import { buildRoutingTable } from '../lib/routing-table';
import type { StateBackendSettings } from '../lib/state-backend';
import { ContinentStack } from './continent-stack';
import { GlobalStack } from './global-stack';
import { WorkloadStack } from './workload-stack';
import { remoteWritePortOf } from '../lib/reports/monitoring/prometheus';

export interface PlatformOptions {
  /** Offline plan mode for the AWS stacks. @default false */
  readonly offline?: boolean;
  /** State backend of every stack. @default local */
  readonly stateBackend?: StateBackendSettings;
  /** Run the compliance rule pack at synth (a violation fails synth). @default true */
  readonly compliance?: boolean;
  /** First deploy of the edge: load balancers without HTTPS listeners until the global stack has validated their certificates. @default false */
  readonly edgeBootstrap?: boolean;
}

/** Stack names: one per continent (lower case) and `global`. */
export const stackNameOf = (continent: string): string => continent.toLowerCase();
/** Name of a continent's workload stack (Kubernetes objects), e.g. `apac-workloads`. */
export const workloadStackNameOf = (continent: string): string => `${stackNameOf(continent)}-workloads`;

/** Adds every stack of the platform to the app; returns them with the routing table they publish. */
export function buildPlatform(app: App, config: RegionsConfig, options: PlatformOptions = {}) {
  const routingTable = buildRoutingTable(config);
  const routingTableJson = `${JSON.stringify(routingTable, null, 2)}\n`;
  const continents = config.continents.map(
    (c) =>
      new ContinentStack(app, stackNameOf(c.id), {
        config,
        continent: c.id,
        routingTableJson,
        offline: options.offline,
        stateBackend: options.stateBackend,
        edgeBootstrap: options.edgeBootstrap,
      }),
  );
  // phase 3 (services): one workload stack per continent with compute, after its continent stack
  const workloads = continents
    .filter((c) => c.regions.some((r) => r.cluster))
    .map((c) => {
      const stack = new WorkloadStack(app, workloadStackNameOf(c.node.id), {
        continent: config.continents.find((x) => stackNameOf(x.id) === c.node.id)!.id,
        regions: c.regions,
        metricsPort: config.alerts.metricsPort,
        remoteWritePort: remoteWritePortOf(config),
        alertmanagers: config.alerts.alertmanagers,
        stateBackend: options.stateBackend,
      });
      stack.addDependency(c);
      return stack;
    });
  // The global stack reads each region's load-balancer name and certificate-validation record from
  // the continent stacks: cdktf cross-stack references (outputs there, remote state here).
  const regionalEntries = Object.fromEntries(
    continents.flatMap((stack) =>
      [...stack.ingresses].map(([regionId, ingress]) => [
        regionId,
        {
          regionId: ingress.regionId,
          gatewayHost: ingress.gatewayHost,
          loadBalancerDnsName: ingress.loadBalancerDnsName,
          certificateValidationRecord: ingress.certificateValidationRecord,
        },
      ]),
    ),
  );
  const global = new GlobalStack(app, 'global', { config, stateBackend: options.stateBackend, regionalEntries });
  // phase 4 (applications): the global edge opens traffic only after every continent's services
  for (const w of workloads) global.addDependency(w);
  // Offline mode's credentials are a placeholder TSLJ-SEC-1 knows: nothing is suppressed for them.
  const compliance = options.compliance === false ? undefined : CompliancePack.applyTo(app, { config });
  return { continents, workloads, global, routingTable, routingTableJson, compliance };
}
