import type { IConstruct } from 'constructs';

/** Metadata type under which a suppression is recorded on a construct. */
export const SUPPRESSION_METADATA = 'taishanglaojun:compliance-suppression';
/** Shortest reason accepted: a suppression must say why, not just that. */
export const MIN_SUPPRESSION_REASON = 20;

/** A rule switched off for a construct and everything under it, with the reason. */
export interface Suppression {
  readonly ruleId: string;
  readonly reason: string;
}

/**
 * Suppresses `ruleId` for `scope` and everything under it. The reason is required (at least
 * {@link MIN_SUPPRESSION_REASON} characters) and shows in the synth summary and
 * `cdktf.out/reports/compliance.json`. An id that is no rule of the pack fails synth.
 */
export function suppressRule(scope: IConstruct, ruleId: string, reason: string): void {
  if (typeof ruleId !== 'string' || !/^TSLJ-[A-Z0-9]+-\d+$/.test(ruleId))
    throw new Error(
      `${scope.node.path}: suppression rule id ${JSON.stringify(ruleId)} is not allowed; allowed: a rule id such as "TSLJ-ENC-1"`,
    );
  if (typeof reason !== 'string' || reason.trim().length < MIN_SUPPRESSION_REASON)
    throw new Error(
      `${scope.node.path}: suppression of ${ruleId} has reason ${JSON.stringify(reason)}; allowed: a written reason of at least ${MIN_SUPPRESSION_REASON} characters`,
    );
  scope.node.addMetadata(SUPPRESSION_METADATA, { ruleId, reason: reason.trim() } satisfies Suppression);
}

/** Suppressions put on `scope` itself (not inherited). */
export function ownSuppressions(scope: IConstruct): Suppression[] {
  return scope.node.metadata.filter((m) => m.type === SUPPRESSION_METADATA).map((m) => m.data as Suppression);
}

/** Suppressions that apply at `scope`: its own and its ancestors'. */
export function suppressionsAt(scope: IConstruct): { suppression: Suppression; scopePath: string }[] {
  return scope.node.scopes.flatMap((s) =>
    s.node.metadata
      .filter((m) => m.type === SUPPRESSION_METADATA)
      .map((m) => ({ suppression: m.data as Suppression, scopePath: s.node.path })),
  );
}
