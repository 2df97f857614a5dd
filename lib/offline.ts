/**
 * Offline review mode: lets `cdktf diff` run a real `terraform plan` with no cloud credentials.
 *
 * Turned on by the environment variable {@link OFFLINE_ENV} (`TAISHANGLAOJUN_OFFLINE=1`). The AWS
 * provider blocks then carry fake static credentials and the provider's skip flags, so the plan
 * never calls an AWS API, and the account id defaults to {@link OFFLINE_ACCOUNT_ID}. Never set it
 * when deploying: CI's deploy job uses real credentials and `TF_VAR_aws_account_id`.
 */
import { resolve } from 'node:path';
import type { AwsProviderConfig } from '@cdktf/provider-aws/lib/provider';

/** The environment variable that turns offline mode on. */
export const OFFLINE_ENV = 'TAISHANGLAOJUN_OFFLINE';
/** Account id used in offline plans (AWS's documented example account). */
export const OFFLINE_ACCOUNT_ID = '123456789012';

/** True when the environment asks for offline mode ("1" or "true"); any other value is an error. */
export function offlineModeFromEnv(env: NodeJS.ProcessEnv = process.env): boolean {
  const value = env[OFFLINE_ENV];
  if (value === undefined || value === '' || value === '0' || value === 'false') return false;
  if (value === '1' || value === 'true') return true;
  throw new Error(`${OFFLINE_ENV}="${value}" is not allowed; allowed: 1, true, 0, false or unset`);
}

/**
 * The static credentials of offline mode: a public placeholder that authenticates nothing. The
 * compliance pack's TSLJ-SEC-1 knows it is no secret (and flags any other literal on the provider).
 */
export const OFFLINE_PLACEHOLDER_CREDENTIAL = 'offline-plan-no-credentials';

/** Provider settings that keep the AWS provider from calling any API (plan only). */
export function offlineProviderSettings(): Partial<AwsProviderConfig> {
  return {
    accessKey: OFFLINE_PLACEHOLDER_CREDENTIAL,
    secretKey: OFFLINE_PLACEHOLDER_CREDENTIAL,
    skipCredentialsValidation: true,
    skipRequestingAccountId: true,
    skipMetadataApiCheck: 'true',
    skipRegionValidation: true,
  };
}

/** Where offline review writes its stacks: never `cdktf.out`, the output that is deployed. */
export const OFFLINE_OUTDIR = 'cdktf.offline.out';

/**
 * Refuses to write offline stacks (fake credentials, skip flags) into the real output directory
 * (`cdktf.out` of the working directory), where a later `cdktf deploy --skip-synth` or a CI
 * artifact upload would take them for the real ones.
 * @throws Error naming both directories and the command to use instead
 */
export function assertOfflineOutdir(outdir: string, offline: boolean, cwd: string = process.cwd()): void {
  if (offline && resolve(cwd, outdir) === resolve(cwd, 'cdktf.out'))
    throw new Error(
      `${OFFLINE_ENV}=1 writes stacks with fake credentials that must never be deployed, so not into cdktf.out; ` +
        `run \`npm run offline:diff -- <stack>\` (writes ${OFFLINE_OUTDIR}/) or give the cdktf CLI --output ${OFFLINE_OUTDIR}`,
    );
}

/**
 * A value for plans that never deploy (offline plans, tests): passed as `TF_VAR_edge_origin_secret`
 * by tools/offline-diff.ts and the tests, never a default of the variable `edge_origin_secret` (lib/edge/origin-auth.ts) (a literal secret in the
 * JSON: TSLJ-SEC-1).
 */
export const PLAN_ONLY_ORIGIN_SECRET = 'planonly0never0deployed0origin0secret0000';
