import { Testing, TerraformStack } from 'cdktf';
import config from '../../regions.config';
import { validateRegionsConfig, type RegionSpec } from '../../lib/config';
import { Region, type RegionProps } from '../../lib/region';
import { buildRoutingTable } from '../../lib/routing-table';

export const validConfig = validateRegionsConfig(config);
/** The shipped config's routing table as the JSON a Region publishes (a Region refuses text that is not a valid table). */
export const validRoutingTableJson = `${JSON.stringify(buildRoutingTable(validConfig), null, 2)}\n`;
export const specOf = (id: string): RegionSpec => validConfig.regions.find((r) => r.id === id)!;

/** Synthesizes one Region in its own stack; returns the stack JSON string and parsed object. */
export function synthRegion(id: string, extra: Partial<RegionProps> = {}) {
  const app = Testing.app();
  const stack = new TerraformStack(app, 'test');
  const region = new Region(stack, id, { spec: specOf(id), projectName: 'taishanglaojun', accountId: '111122223333', ...extra });
  const json = Testing.synth(stack);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return { json, tf: JSON.parse(json) as any, region, stack };
}

/** All resources of one Terraform type in a synthesized stack. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const resourcesOf = (tf: any, type: string): any[] => Object.values(tf.resource?.[type] ?? {});
