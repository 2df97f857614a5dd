import type { App } from 'cdktf';
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
  return { continents, global, routingTable, routingTableJson };
}
