import { Aspects, TerraformStack, type IAspect } from 'cdktf';
import type { IConstruct } from 'constructs';
import type { RegionsConfig } from '../config/model';
import { ComplianceViolationError, evaluateRules, type ComplianceReport } from './evaluate';
import { PLATFORM_PENDING_RULES, PLATFORM_RULES } from './packs/platform';
import type { ComplianceRule, PendingRule } from './rule';
import { suppressionsAt } from './suppressions';
import { buildAppView } from './view';

export interface CompliancePackProps {
  /** Rules to apply. @default PLATFORM_RULES (every rule of lib/compliance/rules) */
  readonly rules?: readonly ComplianceRule[];
  /** Rules listed as "applies when X exists" in the report. @default PLATFORM_PENDING_RULES */
  readonly pending?: readonly PendingRule[];
  /** The platform config (residency zones and where each may copy data). @default zones from the providers' ResidencyZone tags, no copies across zones */
  readonly config?: RegionsConfig;
}

/**
 * The compliance rule pack as a cdktf Aspect (cdk-nag style). Add it to every stack of an app with
 * {@link CompliancePack.applyTo}; at synth, the first stack visited evaluates the whole app (all
 * stacks are prepared by then) before any stack is written, so a violation fails synth with
 * nothing written: rule id, construct path, reason and fix of every violation at once.
 */
export class CompliancePack implements IAspect {
  /** The result, once synth has run the pack. */
  report?: ComplianceReport;
  private readonly rules: readonly ComplianceRule[];
  private readonly pending: readonly PendingRule[];

  constructor(private readonly props: CompliancePackProps = {}) {
    this.rules = props.rules ?? PLATFORM_RULES;
    this.pending = props.pending ?? PLATFORM_PENDING_RULES;
  }

  /** Adds the pack to every stack under `root` (aspects of an App do not reach its stacks in cdktf). */
  static applyTo(root: IConstruct, props: CompliancePackProps = {}): CompliancePack {
    const pack = new CompliancePack(props);
    for (const stack of root.node.findAll().filter((c) => TerraformStack.isStack(c))) Aspects.of(stack).add(pack);
    return pack;
  }

  visit(node: IConstruct): void {
    if (this.report || !TerraformStack.isStack(node)) return;
    this.report = this.evaluate(node.node.root);
    if (this.report.violations.length > 0) throw new ComplianceViolationError(this.report);
  }

  /** Evaluates the pack over every stack under `root` without throwing. */
  evaluate(root: IConstruct): ComplianceReport {
    const known = new Set(this.rules.map((r) => r.id));
    const byPath = new Map(root.node.findAll().map((c) => [c.node.path, c] as const));
    for (const c of byPath.values())
      for (const s of suppressionsAt(c))
        if (s.scopePath === c.node.path && !known.has(s.suppression.ruleId))
          throw new Error(
            `${c.node.path}: suppression of "${s.suppression.ruleId}" names no rule of the pack; allowed: ${[...known].join(', ')}`,
          );
    const view = buildAppView(root, this.props.config);
    return evaluateRules(view, this.rules, this.pending, (path) => {
      const c = byPath.get(path);
      return c ? suppressionsAt(c) : [];
    });
  }
}
