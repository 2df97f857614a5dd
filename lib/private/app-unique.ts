/**
 * Physical names that must be unique beyond one stack. Two constructs of an app that would create
 * resources with the same AWS or Google name (an S3 bucket, a load balancer, an IAM role, a
 * repository …) pass `terraform validate` and `plan` and fail only at apply, or worse, the second
 * stack adopts nothing and fights the first over one resource. Each construct claims the key its
 * names derive from; a second claim of a key anywhere in the app fails synth, naming both paths.
 */
import { Token } from 'cdktf';
import type { IConstruct } from 'constructs';

interface Claim {
  readonly scope: IConstruct;
  readonly account: string | undefined;
}

const claims = new WeakMap<IConstruct, Map<string, Claim[]>>();

/** Whether two claims may be in one account: equal account ids, or either unknown (a token, or none given). */
const sameAccount = (a: string | undefined, b: string | undefined): boolean =>
  a === undefined || b === undefined || Token.isUnresolved(a) || Token.isUnresolved(b) || a === b;

/**
 * Claims `key` (the parts the construct's physical names are made of) for `scope` in its app, and
 * adds a validation that fails when another construct claimed the same key. `what` describes the
 * names ("the names of Region eu-west-1 of project acme in account 111122223333"), `allowed` the rule.
 * A token in a key counts as its own value: the same token string is the same name (two constructs
 * on one cluster get the same `clusterName` token); two different tokens are taken as different.
 * `account` (the AWS account id, or a token) tells claims apart that are certainly in different
 * accounts; an unknown one may be the same account.
 */
export function claimAppUnique(
  scope: IConstruct,
  kind: string,
  key: readonly unknown[],
  what: string,
  allowed: string,
  account?: string,
): void {
  if (key.some((part) => typeof part !== 'string')) return;
  const root = scope.node.root;
  let byKey = claims.get(root);
  if (byKey === undefined) claims.set(root, (byKey = new Map()));
  const id = `${kind}\0${key.join('\0')}`;
  const holders = byKey.get(id) ?? [];
  holders.push({ scope, account });
  byKey.set(id, holders);
  scope.node.addValidation({
    validate: () => {
      const others = holders.filter((c) => c.scope !== scope && sameAccount(c.account, account));
      return others.length > 0 ? [`${what}: created again at ${others.map((c) => c.scope.node.path).join(', ')}; allowed: ${allowed}`] : [];
    },
  });
}
