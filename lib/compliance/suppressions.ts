import type { IConstruct } from 'constructs';
import { MIN_REASON_CHARACTERS, MIN_REASON_WORDS, REASON_IN_WORDS, reasonInWordsProblem } from '../config/text';

/** Metadata type under which a suppression is recorded on a construct. */
export const SUPPRESSION_METADATA = 'taishanglaojun:compliance-suppression';
/** Fewest visible characters of a reason (white space, control and invisible characters not counted): a suppression must say why, not just that (the rule of lib/config/text.ts). */
export const MIN_SUPPRESSION_REASON = MIN_REASON_CHARACTERS;
/** Fewest different words (each holding a letter) of a reason: "xxxxxxxxxxxxxxxxxxxx" or "TODO TODO TODO TODO TODO" is no reason. */
export const MIN_SUPPRESSION_REASON_WORDS = MIN_REASON_WORDS;
/** What {@link suppressRule} accepts as a reason, for its error. */
const REASON_ALLOWED = `a reason in words: ${REASON_IN_WORDS}`;
/** Longest rendering of a refused reason in the error. */
const SHOWN_REASON_LENGTH = 60;

/** A refused reason for an error: JSON-quoted, every control and invisible character escaped, shortened. */
function showReason(reason: unknown): string {
  if (typeof reason !== 'string') return reason === undefined ? 'unset' : `of type ${reason === null ? 'null' : typeof reason}`;
  const pieces = [...JSON.stringify(reason)].map((c) => {
    if (!/[\p{Cc}\p{Cf}\p{Default_Ignorable_Code_Point}]/u.test(c)) return c;
    const code = c.codePointAt(0)!;
    return code > 0xffff ? `\\u{${code.toString(16)}}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
  let shown = '';
  for (const piece of pieces) {
    if (shown.length + piece.length > SHOWN_REASON_LENGTH) return `${shown}..." (${reason.length} characters)`;
    shown += piece;
  }
  return shown;
}

/** A rule switched off for a construct and everything under it, with the reason. */
export interface Suppression {
  readonly ruleId: string;
  readonly reason: string;
}

/**
 * Suppresses `ruleId` for `scope` and everything under it. The reason is required, in words (at
 * least {@link MIN_SUPPRESSION_REASON} visible characters and {@link MIN_SUPPRESSION_REASON_WORDS}
 * different words), and shows in the synth summary and
 * `cdktf.out/reports/compliance.json`. An id that is no rule of the pack fails synth.
 */
export function suppressRule(scope: IConstruct, ruleId: string, reason: string): void {
  if (typeof ruleId !== 'string' || !/^TSLJ-[A-Z0-9]+-\d+$/.test(ruleId))
    throw new Error(
      `${scope.node.path}: suppression rule id ${JSON.stringify(ruleId)} is not allowed; allowed: a rule id such as "TSLJ-ENC-1"`,
    );
  const problem = reasonInWordsProblem(reason);
  if (problem !== undefined)
    throw new Error(
      `${scope.node.path}: suppression of ${ruleId} has reason ${showReason(reason)} (${problem}); allowed: ${REASON_ALLOWED}`,
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
