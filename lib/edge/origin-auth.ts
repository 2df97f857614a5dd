import { TerraformStack, TerraformVariable, Token } from 'cdktf';
import type { IConstruct } from 'constructs';
import { ORIGIN_AUTH_HEADER } from '../../runtime/origin-auth';

export { ORIGIN_AUTH_HEADER };

/**
 * Origin authentication: the proof that a request passed the global edge (Cloudflare), so that
 * nothing behind it can be reached around it and the gateway may believe `CF-Connecting-IP`.
 *
 * Cloudflare sets {@link ORIGIN_AUTH_HEADER} to a shared secret on every request of the zone (and
 * its load-balancer monitor sends it); Cloud Armor denies a request to the global load balancer
 * without it, and each region's load balancer answers 403 to one without it. The secret is a
 * Terraform variable of each stack that needs it, {@link ORIGIN_SECRET_VARIABLE} (sensitive; one
 * value for every stack: `TF_VAR_edge_origin_secret` from the CI's secret store), never a literal
 * of the config, which lives in git.
 */
export const ORIGIN_SECRET_VARIABLE = 'edge_origin_secret';

/**
 * 32-128 lower-case letters and digits (e.g. `openssl rand -hex 32`): the load balancer compares
 * header values case-insensitively and takes `*` and `?` as wildcards, Cloud Armor's expression
 * quotes it, so nothing else is allowed.
 */
export const ORIGIN_SECRET_PATTERN = /^[a-z0-9]{32,128}$/;
const ORIGIN_SECRET_ALLOWED = '32-128 lower-case letters and digits (e.g. the output of `openssl rand -hex 32`), or a token';

/** The stack's origin-secret variable, declared on first use (no default: a secret comes from the secret store). */
export function originSecretVariable(scope: IConstruct): TerraformVariable {
  const stack = TerraformStack.of(scope);
  const existing = stack.node.tryFindChild(ORIGIN_SECRET_VARIABLE);
  if (existing instanceof TerraformVariable) return existing;
  return new TerraformVariable(stack, ORIGIN_SECRET_VARIABLE, {
    type: 'string',
    sensitive: true,
    nullable: false,
    description: `Shared secret the edge (Cloudflare) sends in ${ORIGIN_AUTH_HEADER}; Cloud Armor and the regional load balancers refuse requests without it. 32-128 lower-case letters and digits (openssl rand -hex 32); the same value in every stack`,
    validation: [
      {
        condition: '${can(regex("^[a-z0-9]{32,128}$", var.edge_origin_secret))}',
        errorMessage: 'edge_origin_secret must be 32-128 lower-case letters and digits (openssl rand -hex 32).',
      },
    ],
  });
}

/**
 * The origin secret a construct uses: `given` when set (checked unless a token), else the stack's
 * variable. Undefined when origin authentication is off.
 */
export function originSecretOf(scope: IConstruct, enabled: boolean | undefined, given: string | undefined): string | undefined {
  if (enabled !== undefined && typeof enabled !== 'boolean') {
    throw new Error(`${scope.node.path}: originAuthentication: ${JSON.stringify(enabled)} is not allowed; allowed: true or false`);
  }
  if (enabled === false) {
    if (given !== undefined)
      throw new Error(`${scope.node.path}: originSecret is given but originAuthentication is false; allowed: one of the two`);
    return undefined;
  }
  if (given === undefined) return originSecretVariable(scope).stringValue;
  if (typeof given !== 'string' || (!Token.isUnresolved(given) && !ORIGIN_SECRET_PATTERN.test(given))) {
    const shown = typeof given === 'string' ? `a ${given.length}-character value that is not` : JSON.stringify(given) + ' is not';
    throw new Error(`${scope.node.path}: originSecret: ${shown} allowed; allowed: ${ORIGIN_SECRET_ALLOWED}`);
  }
  return given;
}
