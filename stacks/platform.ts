import type { App } from 'cdktf';
import { CompliancePack, suppressRule } from '../lib/compliance';
import type { RegionsConfig } from '../lib/config';
import { buildRoutingTable } from '../lib/routing-table';
import type { StateBackendSettings } from '../lib/state-backend';
import { ContinentStack } from './continent-stack';
import { GlobalStack } from './global-stack';

export interface PlatformOptions {
  /** Offline plan mode for the AWS stacks. @default false */
  readonly offline?: boolean;
  /** State backend of every stack. @default local */
  readonly stateBackend?: StateBackendSettings;
  /** Run the compliance rule pack at synth (a violation fails synth). @default true */
  readonly compliance?: boolean;
}

/** Stack names: one per continent (lower case) and `global`. */
export const stackNameOf = (continent: string): string => continent.toLowerCase();

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
      }),
  );
  const global = new GlobalStack(app, 'global', { config, stateBackend: options.stateBackend });
  if (options.offline) {
    for (const region of continents.flatMap((c) => c.regions))
      suppressRule(
        region.provider,
        'TSLJ-SEC-1',
        'offline review mode (TAISHANGLAOJUN_OFFLINE=1): the provider carries fake static credentials that authenticate nothing; deploys never use offline mode',
      );
  }
  const compliance = options.compliance === false ? undefined : CompliancePack.applyTo(app, { config });
  return { continents, global, routingTable, routingTableJson, compliance };
}
