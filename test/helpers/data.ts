import { Testing, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import type { RegionSpec } from '../../lib/config';
import { Region } from '../../lib/region';
import { specOf } from './platform';

export const ACCOUNT = '111122223333';

/**
 * Builds real Regions (by id, optionally with a changed spec) in one stack, lets `build` add data
 * constructs, and synthesizes. Throws what `build` throws (synth errors are tested through it).
 */
export function synthData(
  regionIds: readonly string[],
  build: (stack: Construct, regions: Region[]) => void,
  specs: Partial<Record<string, Partial<RegionSpec>>> = {},
) {
  const app = Testing.app();
  const stack = new TerraformStack(app, 'test');
  const regions = regionIds.map(
    (id) => new Region(stack, id, { spec: { ...specOf(id), ...specs[id] }, projectName: 'taishanglaojun', accountId: ACCOUNT }),
  );
  build(stack, regions);
  const json = Testing.synth(stack);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return { json, tf: JSON.parse(json) as any, regions };
}

/** The Terraform reference to a region's KMS key ARN, as it appears in synthesized JSON. */
export const keyArnOf = (regionId: string) => expect.stringMatching(new RegExp(`^\\$\\{aws_kms_key\\.${regionId}_Key_[A-F0-9]+\\.arn\\}$`));
