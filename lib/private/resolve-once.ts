/**
 * cdktf resolves every element of a stack three times on the way to cdk.tf.json: `prepareStack`
 * (to register cross-stack references; the result is thrown away), `toTerraform` per element, and
 * `toTerraform` once more over the whole merged stack — by then plain data with nothing left to
 * resolve. `deepMerge` also copies every fragment while merging it into the stack.
 *
 * {@link withResolveOnce} makes the stack's JSON resolve each element once for the duration of a
 * function (the app's synth): `toTerraform` resolves each element's fragment and the `//` block,
 * not the merged stack again, and merges the fragments without copying them (they are fresh
 * objects nobody else holds); a stack with raw overrides (`stack.addOverride`, which may hold
 * tokens) uses cdktf's own method. The prepared results are not reused: cdktf prepares the stacks
 * one after another and preparing one adds outputs to another, so a value computed from the tree
 * (a Lazy) may differ between prepare and write — cdktf writes the later one, and so does this.
 *
 * cdktf 0.21.0 is the final release, so the method patched here is fixed; if the module shape ever
 * differs, nothing is patched. test/stacks/synth-fast-paths.test.ts compares the whole synth byte
 * for byte with plain cdktf's: cross-stack references, overrides, a writing aspect, and Lazy values
 * that count what preparing other stacks adds or change on every call.
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
    if (typeof proto.toTerraform !== 'function') return undefined;
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

/** Runs `fn` with cdktf's stacks resolving each element once for their JSON (see the file comment), restoring cdktf's method after. */
export function withResolveOnce<T>(fn: () => T): T {
  const cdktf = cdktfParts();
  if (!cdktf) return fn();
  const { proto, resolve, deepMerge } = cdktf;
  const originalToTerraform = proto.toTerraform;

  proto.toTerraform = function toTerraform(this: Stack): unknown {
    if (Object.keys(this.rawOverrides).length > 0) return originalToTerraform.call(this);
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
    for (const e of elements) mergeOwned(tf, resolve(this, e.toTerraform()) as Json);
    return tf;
  };

  try {
    return fn();
  } finally {
    proto.toTerraform = originalToTerraform;
  }
}
