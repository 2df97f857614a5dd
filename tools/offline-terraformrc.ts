/**
 * `npm run -s offline:terraformrc` — prints the path of a Terraform CLI config for offline plans.
 * Use it so that a failure stops the shell (an `export X="$(…)"` would hide the exit status and
 * set an empty value, and the next Terraform command would go to the network):
 *
 *   TF_CLI_CONFIG_FILE="$(npm run -s offline:terraformrc)" && export TF_CLI_CONFIG_FILE CHECKPOINT_DISABLE=1
 *
 * or let `npm run offline:diff -- <stack>` do it all. Without a mirror: a message on stderr,
 * nothing on stdout, exit 2.
 */
import { resolve } from 'node:path';
import { findMirror, writeOfflineCliConfig, MIRROR_ENV } from './terraform-mirror';

const lookup = findMirror();
if (!lookup.found) {
  process.stderr.write(
    `offline:terraformrc: no provider mirror found: ${lookup.why}.\nSet ${MIRROR_ENV} to a directory that holds registry.terraform.io/hashicorp/aws/5.100.0/<os_arch>/.\n`,
  );
  process.exit(2);
}
process.stdout.write(`${writeOfflineCliConfig(resolve('.offline'), lookup.path)}\n`);
