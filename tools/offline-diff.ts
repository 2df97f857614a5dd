/**
 * `npm run offline:diff -- <stack> [cdktf diff options]` — the real `terraform plan` of an AWS stack
 * with no cloud account, in one command that fails visibly:
 *
 * - the provider comes from the local mirror (TAISHANGLAOJUN_TF_MIRROR or the Terraform CLI config);
 *   no mirror, no run (exit 2), never a silent fall-through to the network;
 * - the stacks are written to cdktf.offline.out/ (TAISHANGLAOJUN_OFFLINE_OUTDIR to change it), never
 *   to cdktf.out/, because they carry fake credentials and skip flags and must never be deployed;
 * - CHECKPOINT_DISABLE=1, so neither cdktf nor Terraform calls its telemetry endpoint.
 */
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { OFFLINE_ENV, OFFLINE_OUTDIR, PLAN_ONLY_ORIGIN_SECRET } from '../lib/offline';
import { findMirror, MIRROR_ENV, writeOfflineCliConfig, AWS_PROVIDER } from './terraform-mirror';

const OFFLINE_STACKS = ['apac', 'emea', 'na'];
const fail = (message: string): never => {
  process.stderr.write(`offline:diff: ${message}\n`);
  process.exit(2);
};

const [stack, ...rest] = process.argv.slice(2);
if (stack === undefined || stack.startsWith('-'))
  fail(`name the stack to plan: npm run offline:diff -- <stack>; allowed: ${OFFLINE_STACKS.join(', ')}`);
if (stack === 'global')
  fail('the global stack (Google, Cloudflare) has no provider mirror and cannot be planned offline; allowed: apac, emea, na');
if (!OFFLINE_STACKS.includes(stack!)) fail(`"${stack}" is not an AWS stack; allowed: ${OFFLINE_STACKS.join(', ')}`);
if (rest.some((a) => a === '--output' || a === '-o' || a.startsWith('--output=')))
  fail(
    `--output is set by this command (${OFFLINE_OUTDIR}/, or TAISHANGLAOJUN_OFFLINE_OUTDIR), so that offline stacks never land in cdktf.out/`,
  );

const lookup = findMirror();
if (!lookup.found)
  fail(
    `no provider mirror found: ${lookup.why}.\nSet ${MIRROR_ENV} to a directory that holds ${AWS_PROVIDER.source}/${AWS_PROVIDER.version}/<os_arch>/.`,
  );
const mirror = lookup.found ? lookup.path : '';
const outdir = resolve(process.env.TAISHANGLAOJUN_OFFLINE_OUTDIR || OFFLINE_OUTDIR);
if (outdir === resolve('cdktf.out')) fail('TAISHANGLAOJUN_OFFLINE_OUTDIR must not be cdktf.out, the output that is deployed');
const cliConfig = writeOfflineCliConfig(resolve('.offline'), mirror);
process.stderr.write(`offline:diff: ${stack} planned offline: provider from ${mirror}, stacks in ${outdir} (never deploy these)\n`);

const cdktf = join(__dirname, '..', 'node_modules', '.bin', 'cdktf');
const r = spawnSync(cdktf, ['diff', stack!, '--skip-provider-lock', '--output', outdir, ...rest], {
  stdio: 'inherit',
  env: {
    ...process.env,
    [OFFLINE_ENV]: '1',
    TF_CLI_CONFIG_FILE: cliConfig,
    CHECKPOINT_DISABLE: '1',
    TF_IN_AUTOMATION: '1', // no "run terraform apply" suggestion after the plan
    // The edge's origin secret: a plan-only value unless one is given (these stacks never deploy).
    TF_VAR_edge_origin_secret: process.env.TF_VAR_edge_origin_secret || PLAN_ONLY_ORIGIN_SECRET,
  },
});
if (r.error) fail(`cannot run ${cdktf}: ${r.error.message}`);
process.exit(r.status ?? 1);
