/**
 * `npm run -s offline:terraformrc` — prints the path of a Terraform CLI config for offline plans.
 * Use: export TF_CLI_CONFIG_FILE="$(npm run -s offline:terraformrc)"
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
