import { App, Aspects, TerraformStack, type IAspect } from 'cdktf';
import type { IConstruct } from 'constructs';
import type { RegionsConfig } from '../config/model';
import { ComplianceViolationError, evaluateRules, type ComplianceReport } from './evaluate';
import { PLATFORM_PENDING_RULES, PLATFORM_RULES } from './packs/platform';
import type { ComplianceRule, PendingRule } from './rule';
import { ownSuppressions, suppressionsAt } from './suppressions';
import { buildAppView, type StackJson } from './view';

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
    const root = node.node.root;
    // Every stack's JSON as synth will write it: all stacks are prepared by now.
    const synthesized = new Map<TerraformStack, StackJson>();
    const stackJson = (stack: TerraformStack) => {
      let json = synthesized.get(stack);
      if (!json) synthesized.set(stack, (json = stack.toTerraform() as StackJson));
      return json;
    };
    this.report = this.evaluate(root, stackJson);
    if (this.report.violations.length > 0) throw new ComplianceViolationError(this.report);
    if (this.nothingChangesBeforeWrite(root)) for (const [stack, json] of synthesized) writeOnce(stack, json);
  }

  /**
   * Evaluates the pack over every stack under `root` without throwing.
   * @param stackJson a stack's synthesized JSON @default `stack.toTerraform()`
   */
  evaluate(root: IConstruct, stackJson?: (stack: TerraformStack) => StackJson): ComplianceReport {
    const known = new Set(this.rules.map((r) => r.id));
    // A transfer of personal data out of its zone is allowed by the config (allowedCopyTo, with its
    // legal basis), never by a suppression on a construct.
    const residency = new Set(this.rules.filter((r) => r.area === 'residency').map((r) => r.id));
    const byPath = new Map(root.node.findAll().map((c) => [c.node.path, c] as const));
    for (const [path, c] of byPath)
      for (const s of ownSuppressions(c))
        if (!known.has(s.ruleId))
          throw new Error(`${path}: suppression of "${s.ruleId}" names no rule of the pack; allowed: ${[...known].join(', ')}`);
        else if (residency.has(s.ruleId))
          throw new Error(
            `${path}: suppression of "${s.ruleId}" is not allowed: residency rules cannot be suppressed; allowed: declare the destination zone in the source zone's allowedCopyTo in regions.config.ts, with its legal basis`,
          );
    const view = buildAppView(root, this.props.config, stackJson);
    return evaluateRules(view, this.rules, this.pending, (path) => {
      const c = byPath.get(path);
      return c ? suppressionsAt(c) : [];
    });
  }

  /**
   * Whether the JSON the pack read is what synth writes: no other aspect can change the tree after
   * this one (this pack is the only aspect in the app) and the stacks are written as JSON (not HCL).
   */
  private nothingChangesBeforeWrite(root: IConstruct): boolean {
    if (App.isApp(root) && root.hclOutput) return false;
    return root.node.findAll().every((c) => Aspects.of(c).all.every((a) => a === this));
  }
}

/**
 * The stack's next `toTerraform()` — the synthesizer's, when it writes the stack — returns `json`
 * (computed by the pack after every stack was prepared, with nothing changed since) instead of
 * resolving the whole stack a second time; later calls compute it again.
 */
function writeOnce(stack: TerraformStack, json: StackJson): void {
  Object.defineProperty(stack, 'toTerraform', {
    configurable: true,
    writable: true,
    value: () => {
      delete (stack as { toTerraform?: unknown }).toTerraform;
      return json;
    },
  });
}
