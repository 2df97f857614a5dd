/**
 * The compliance rule model. A rule is a small pure function over a view of the synthesized app
 * (resolved Terraform JSON per resource and provider, no cdktf objects), so it is tested with plain
 * objects and runs the same on any app. `CompliancePack` (an Aspect) builds the view at synth.
 */
import type { RegionsConfig } from '../config/model';

/** One resource as Terraform will see it: resolved attributes, its provider's region and default tags. */
export interface ResourceView {
  /** Stack (Terraform working directory) the resource is in. */
  readonly stack: string;
  /** Terraform resource type, e.g. `aws_s3_bucket`. */
  readonly type: string;
  /** Logical name inside the stack. */
  readonly name: string;
  /** Construct path, e.g. `apac/ap-east-1/Storage/Bucket`; what a finding and a suppression name. */
  readonly path: string;
  /** Attributes as synthesized (snake_case; references as `${type.name.attr}`). */
  readonly attributes: Readonly<Record<string, unknown>>;
  /** Region of the resource's provider (AWS), if known. */
  readonly region?: string;
  /** Tags the provider adds to every resource (AWS `default_tags`). */
  readonly providerTags: Readonly<Record<string, string>>;
}

/** One provider block. */
export interface ProviderView {
  readonly stack: string;
  /** Provider type, e.g. `aws`, `google`, `kubernetes`. */
  readonly type: string;
  /** Alias, if any. */
  readonly alias?: string;
  readonly path: string;
  readonly attributes: Readonly<Record<string, unknown>>;
}

/**
 * Any other top-level block of a stack's JSON: a variable, a local, an output, a data source, a
 * module call or the `terraform` block (backend, required providers).
 */
export interface BlockView {
  readonly stack: string;
  /** Top-level key of the stack JSON: `variable`, `locals`, `output`, `data`, `module` or `terraform`. */
  readonly kind: string;
  /** Name in the stack (`data`: `type.name`; `terraform`: `terraform`). */
  readonly name: string;
  /** Construct path of the element that writes it; the stack's when no element of its own does. */
  readonly path: string;
  /** Its attributes as synthesized (a local: `{ value }`). */
  readonly attributes: Readonly<Record<string, unknown>>;
}

/** The whole app as the rules see it. */
export interface AppView {
  readonly stacks: readonly string[];
  readonly resources: readonly ResourceView[];
  readonly providers: readonly ProviderView[];
  /** Every other top-level block of the stacks' JSON. @default none */
  readonly blocks?: readonly BlockView[];
  /** The platform config, for rules about residency zones. @default none: such rules only use tags */
  readonly config?: RegionsConfig;
}

/** A rule's verdict on one resource or provider. */
export interface Finding {
  /** Construct path of the offending resource, provider or stack. */
  readonly path: string;
  /** What is wrong, with the value found. */
  readonly reason: string;
}

/** Areas, one folder each under `rules/`. */
export type RuleArea =
  'encryption' | 'tls' | 'database' | 'storage' | 'audit' | 'residency' | 'network' | 'kubernetes' | 'tagging' | 'secrets';

export interface ComplianceRule {
  /** Stable id, e.g. `TSLJ-ENC-1`; what a suppression names. */
  readonly id: string;
  readonly area: RuleArea;
  /** One line: what the rule requires. */
  readonly title: string;
  /** How to fix a violation. */
  readonly fix: string;
  /** Resource types the rule looks at; the summary counts how many it checked. */
  readonly resourceTypes: readonly string[];
  /** Pure check over the app view; one finding per violation. */
  readonly check: (app: AppView) => Finding[];
}

/** A rule that cannot be written yet because the resources it checks do not exist in the project. */
export interface PendingRule {
  readonly id: string;
  readonly area: RuleArea;
  readonly title: string;
  /** "applies when X exists": which resources must land first. */
  readonly appliesWhen: string;
}
