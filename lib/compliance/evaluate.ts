/** Runs rules over an app view and sorts findings into violations and suppressed ones (pure). */
import type { AppView, ComplianceRule, Finding, PendingRule } from './rule';
import type { Suppression } from './suppressions';
import { countOfTypes } from './view-helpers';

/** Where synth writes the report, relative to the output directory. */
export const COMPLIANCE_REPORT_FILE = 'reports/compliance.json';

export interface RuleResult {
  readonly id: string;
  readonly title: string;
  /** Resources of the rule's types in the app ("0" = the rule applies when such resources exist). */
  readonly checked: number;
  readonly violations: number;
  readonly suppressed: number;
}

export interface Violation extends Finding {
  readonly ruleId: string;
  readonly title: string;
  readonly fix: string;
}

export interface SuppressedFinding extends Violation {
  /** The construct the suppression was put on. */
  readonly suppressedAt: string;
  readonly suppressionReason: string;
}

export interface ComplianceReport {
  readonly rules: readonly RuleResult[];
  readonly pending: readonly PendingRule[];
  readonly resources: number;
  readonly violations: readonly Violation[];
  readonly suppressed: readonly SuppressedFinding[];
}

/** Looks up the suppressions in force at a construct path. */
export type SuppressionLookup = (path: string) => { suppression: Suppression; scopePath: string }[];

export function evaluateRules(
  app: AppView,
  rules: readonly ComplianceRule[],
  pending: readonly PendingRule[] = [],
  suppressionsAt: SuppressionLookup = () => [],
): ComplianceReport {
  const ids = new Set<string>();
  for (const r of rules) {
    if (ids.has(r.id)) throw new Error(`compliance pack: rule id "${r.id}" is used twice; allowed: unique ids`);
    ids.add(r.id);
  }
  const violations: Violation[] = [];
  const suppressed: SuppressedFinding[] = [];
  const results = rules.map((rule) => {
    const findings = rule.check(app);
    let s = 0;
    for (const f of findings) {
      const v: Violation = { ...f, ruleId: rule.id, title: rule.title, fix: rule.fix };
      const hit = suppressionsAt(f.path).find((x) => x.suppression.ruleId === rule.id);
      if (hit) {
        s++;
        suppressed.push({ ...v, suppressedAt: hit.scopePath, suppressionReason: hit.suppression.reason });
      } else violations.push(v);
    }
    const checked = countOfTypes(app, rule.resourceTypes);
    return { id: rule.id, title: rule.title, checked, violations: findings.length - s, suppressed: s };
  });
  return { rules: results, pending, resources: app.resources.length, violations, suppressed };
}

/** The synth error text: every violation with rule id, construct path, reason and fix. */
export function formatViolations(report: ComplianceReport): string {
  const lines = report.violations.map((v) => `  - ${v.ruleId} ${v.path}: ${v.reason}\n      rule: ${v.title}\n      fix: ${v.fix}`);
  return `compliance pack: ${report.violations.length} violation${report.violations.length === 1 ? '' : 's'}:\n${lines.join('\n')}\n  (a rule that must not apply here can be suppressed with suppressRule(construct, id, reason))`;
}

/** Error thrown at synth when the pack finds violations. */
export class ComplianceViolationError extends Error {
  override readonly name = 'ComplianceViolationError';
  /** The whole report (every rule, every suppression); not enumerable, so an uncaught error prints its message, not a dump of the report. */
  declare readonly report: ComplianceReport;
  constructor(report: ComplianceReport) {
    super(formatViolations(report));
    Object.defineProperty(this, 'report', { value: report, enumerable: false });
  }
}
