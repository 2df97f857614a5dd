import { Token } from 'cdktf';
import type { IConstruct } from 'constructs';
import { formatValue } from '../../runtime/problem';

/**
 * The checks constructs run on their props, with one message shape:
 * `<node path>: <field> <value> is not allowed; allowed: <what>`. Values are printed by the
 * problem model's formatter (NaN stays `NaN`, long values are cut), never as a token's encoding.
 */

/** Throws the construct's error for `field`. */
export function propError(scope: IConstruct, field: string, value: unknown, allowed: string): never {
  throw new Error(`${scope.node.path}: ${field} ${formatValue(value)} is not allowed; allowed: ${allowed}`);
}

/**
 * Refuses a token for a prop the construct computes with at synth (sizes, names of construct ids):
 * `<node path>: <field> is a token; allowed: <what> (<why>)`.
 */
export function requireLiteral(scope: IConstruct, field: string, value: unknown, allowed: string, why: string): void {
  if (Token.isUnresolved(value)) throw new Error(`${scope.node.path}: ${field} is a token; allowed: ${allowed} (${why})`);
}

/** AWS account id: twelve digits. */
export const ACCOUNT_ID = { pattern: /^\d{12}$/, allowed: 'a 12-digit AWS account id, or a token' } as const;

/** EKS cluster name: 1-100 letters, digits, "-" and "_", starting with a letter or digit. */
export const EKS_CLUSTER_NAME = {
  pattern: /^[0-9A-Za-z][A-Za-z0-9\-_]{0,99}$/,
  allowed: '1-100 letters, digits, "-" and "_", starting with a letter or digit',
} as const;
