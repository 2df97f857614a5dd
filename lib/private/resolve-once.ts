/**
 * cdktf resolves every element of a stack three times on the way to cdk.tf.json: `prepareStack`
 * (to register cross-stack references; the result is thrown away), `toTerraform` per element, and
 * `toTerraform` once more over the whole merged stack — by then plain data with nothing left to
 * resolve. `deepMerge` also copies every fragment while merging it into the stack.
 *
 * {@link withResolveOnce} changes that for the duration of a function (the app's synth):
 * - `prepareStack` keeps each element's prepared result, and the stack's next `toTerraform` uses it
 *   instead of resolving the element again — only while `reusable()` says nothing can change the
 *   tree between the two (no aspect that writes: aspects run after the stacks are prepared). A
 *   prepared result is used once; any later `toTerraform` resolves afresh.
 * - `toTerraform` resolves only what is not resolved yet (the `//` block), merges the resolved
 *   fragments without copying them (they are fresh objects nobody else holds), and falls back to
 *   cdktf's own method when the stack has raw overrides (`stack.addOverride`), which may hold tokens.
 *
 * A preparing resolve differs from a plain one only for cross-stack references, and it records the
 * identifier it returns before returning it, so both give the same data. cdktf 0.21.0 is the final
 * release, so the methods patched here are fixed; if the module shape ever differs, nothing is
 * patched. test/stacks/synth-fast-paths.test.ts compares the whole synth byte for byte with plain
 * cdktf's, cross-stack references, overrides and a writing aspect included.
 */
type Json = Record<string, unknown>;
interface Element {
  toTerraform(): unknown;
  toMetadata(): unknown;
  readonly node: { readonly path: string; readonly children: readonly unknown[] };
  readonly friendlyUniqueId: string;
}
interface Stack {
  readonly node: { readonly id: string; readonly children: readonly unknown[] };
  readonly rawOverrides: Json;
  readonly cdktfVersion: string;
  ensureBackendExists(): unknown;
  prepareStack(): void;
  toTerraform(): unknown;
}
interface Cdktf {
  proto: Stack;
  isStack: (x: unknown) => boolean;
  isElement: (x: unknown) => x is Element;
  isOutput: (x: unknown) => boolean;
  resolve: (scope: unknown, obj: unknown, preparing?: boolean) => unknown;
  deepMerge: (target: unknown, ...sources: unknown[]) => unknown;
}

function cdktfParts(): Cdktf | undefined {
  try {
    const { TerraformStack } = require('cdktf/lib/terraform-stack') as {
      TerraformStack: { prototype: Stack; isStack(x: unknown): boolean };
    };
    const { TerraformElement } = require('cdktf/lib/terraform-element') as {
      TerraformElement: { isTerraformElement(x: unknown): x is Element };
    };
    const { TerraformOutput } = require('cdktf/lib/terraform-output') as { TerraformOutput: { isTerraformOutput(x: unknown): boolean } };
    const { resolve } = require('cdktf/lib/_tokens') as { resolve: Cdktf['resolve'] };
    const { deepMerge } = require('cdktf/lib/util') as { deepMerge: Cdktf['deepMerge'] };
    const proto = TerraformStack.prototype;
    if (typeof proto.prepareStack !== 'function' || typeof proto.toTerraform !== 'function') return undefined;
    return {
      proto,
      isStack: (x) => TerraformStack.isStack(x),
      isElement: (x): x is Element => TerraformElement.isTerraformElement(x),
      isOutput: (x) => TerraformOutput.isTerraformOutput(x),
      resolve,
      deepMerge,
    };
  } catch {
    return undefined;
  }
}

/** The Terraform elements of a stack in cdktf's order (depth first, not into nested stacks). */
function elementsOf(cdktf: Cdktf, node: { node: { children: readonly unknown[] } }, into: Element[] = []): Element[] {
  if (cdktf.isElement(node)) into.push(node);
  for (const child of node.node.children)
    if (!cdktf.isStack(child)) elementsOf(cdktf, child as { node: { children: readonly unknown[] } }, into);
  return into;
}

/**
 * cdktf's deepMerge of a resolved fragment into the stack's JSON, except that an object the target
 * does not hold yet is taken as it is instead of copied key by key (the result is the same data).
 */
export function mergeOwned(target: Json, source: Json): void {
  for (const key of Object.keys(source)) {
    const value = source[key];
    const existing = target[key];
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      if (typeof existing === 'object')
        mergeOwned(existing as Json, value as Json); // null too, as cdktf (it throws on keys)
      else target[key] = value;
    } else if (Array.isArray(value)) {
      target[key] = Array.isArray(existing) ? [...(existing as unknown[]), ...value] : value;
    } else if (value === undefined) {
      delete target[key];
    } else {
      target[key] = value;
    }
  }
}

/** Runs `fn` with cdktf's stacks resolving each element once (see the file comment), restoring cdktf's methods after. */
export function withResolveOnce<T>(fn: () => T, reusable: () => boolean): T {
  const cdktf = cdktfParts();
  if (!cdktf) return fn();
  const { proto, resolve, deepMerge } = cdktf;
  const originalPrepare = proto.prepareStack;
  const originalToTerraform = proto.toTerraform;
  const prepared = new WeakMap<Stack, Map<Element, unknown>>();
  let reuse: boolean | undefined;

  proto.prepareStack = function prepareStack(this: Stack): void {
    this.ensureBackendExists();
    const results = new Map<Element, unknown>();
    // A preparing resolve may add elements (cross-stack outputs and remote state); they are resolved later.
    for (const e of elementsOf(cdktf, this)) results.set(e, resolve(this, e.toTerraform(), true));
    prepared.set(this, results);
  };

  proto.toTerraform = function toTerraform(this: Stack): unknown {
    const kept = prepared.get(this);
    prepared.delete(this);
    if (Object.keys(this.rawOverrides).length > 0) return originalToTerraform.call(this);
    reuse ??= reusable();
    const metadata: Json = { version: this.cdktfVersion, stackName: this.node.id, backend: 'local', cloud: undefined };
    const elements = elementsOf(cdktf, this);
    for (const meta of elements.map((e) => resolve(this, e.toMetadata()))) deepMerge(metadata, meta);
    const outputs: Json = {};
    for (const item of elements) {
      if (!cdktf.isOutput(item)) continue;
      const nested = item.node.path
        .split('/')
        .reduceRight<Json>((inner, part) => ({ [part]: Object.keys(inner).length === 0 ? item.friendlyUniqueId : inner }), {});
      deepMerge(outputs, nested);
    }
    const tf: Json = { '//': resolve(this, { metadata, outputs }) };
    for (const e of elements) {
      const fragment = reuse && kept?.has(e) ? kept.get(e) : resolve(this, e.toTerraform());
      mergeOwned(tf, fragment as Json);
    }
    return tf;
  };

  try {
    return fn();
  } finally {
    proto.prepareStack = originalPrepare;
    proto.toTerraform = originalToTerraform;
  }
}
