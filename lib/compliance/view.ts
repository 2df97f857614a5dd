/** Builds the rules' view of a cdktf app: every resource and provider, as the synthesized stack JSON holds it. */
import { TerraformElement, TerraformProvider, TerraformResource, TerraformStack } from 'cdktf';
import type { IConstruct } from 'constructs';
// cdktf's own resolver (what synth uses), for an element the stack JSON does not hold where expected.
import { resolve } from 'cdktf/lib/_tokens';
import type { RegionsConfig } from '../config/model';
import type { AppView, BlockView, ProviderView, ResourceView } from './rule';
import { block } from './view-helpers';

type Json = Record<string, unknown>;

function firstEntry(obj: unknown): [string, unknown] | undefined {
  return obj && typeof obj === 'object' ? Object.entries(obj as Json)[0] : undefined;
}

function withoutMetadata(attrs: unknown): Json {
  const { ['//']: _meta, ...rest } = (attrs ?? {}) as Json;
  return rest;
}

/** A stack's Terraform JSON as synth writes it (`stack.toTerraform()`). */
export type StackJson = Record<string, unknown>;

/**
 * The view of every stack under `root`, read from each stack's synthesized JSON (`stackJson`,
 * default `stack.toTerraform()`): after cdktf has prepared the stacks (cross-stack references are
 * outputs and remote state by then), so rules read the values the written files hold. Resources
 * and providers keep the construct tree's order. A resource or provider the stack JSON does not
 * hold where its construct says (a moved resource, an unusual provider block) is resolved on its
 * own, as before.
 */
export function buildAppView(
  root: IConstruct,
  config?: RegionsConfig,
  stackJson: (stack: TerraformStack) => StackJson = (stack) => stack.toTerraform() as StackJson,
): AppView {
  const stacks = root.node.findAll().filter((c): c is TerraformStack => TerraformStack.isStack(c));
  const resources: ResourceView[] = [];
  const providers: ProviderView[] = [];
  const blocks: BlockView[] = [];
  for (const stack of stacks) {
    const stackName = stack.node.id;
    const synthesized = stackJson(stack);
    const providerViews = new Map<TerraformProvider, ProviderView>();
    const defaultProviders = new Map<string, ProviderView>();
    const elements = stack.node.findAll().filter((node) => TerraformElement.isTerraformElement(node) && TerraformStack.of(node) === stack);
    const providerNodes = elements.filter((node): node is TerraformProvider => TerraformProvider.isTerraformProvider(node));
    const providerBlocks = (synthesized.provider ?? {}) as Record<string, unknown>;
    const count = new Map<string, number>(); // providers of each type
    for (const node of providerNodes) count.set(node.terraformResourceType, (count.get(node.terraformResourceType) ?? 0) + 1);
    const seen = new Map<string, number>(); // providers of each type so far: the index of the next one's block
    for (const node of providerNodes) {
      const index = seen.get(node.terraformResourceType) ?? 0;
      seen.set(node.terraformResourceType, index + 1);
      const list = providerBlocks[node.terraformResourceType];
      // the stack's block list holds this type's providers in construct order, one block each
      const fromStack =
        Array.isArray(list) && list.length === count.get(node.terraformResourceType)
          ? [node.terraformResourceType, list[index]]
          : undefined;
      const [type, attrs] = fromStack ?? firstProvider(stack, node);
      const attributes = withoutMetadata(attrs);
      const view: ProviderView = {
        stack: stackName,
        type: type as string,
        alias: attributes.alias as string | undefined,
        path: node.node.path,
        attributes,
      };
      providerViews.set(node, view);
      if (!view.alias) defaultProviders.set(view.type, view);
      providers.push(view);
    }
    const resourceBlocks = (synthesized.resource ?? {}) as Record<string, Record<string, unknown> | undefined>;
    for (const node of elements) {
      if (!TerraformResource.isTerraformResource(node)) continue;
      const attrs = resourceBlocks[node.terraformResourceType]?.[node.friendlyUniqueId];
      const [type, name, attributes] =
        attrs && typeof attrs === 'object' ? [node.terraformResourceType, node.friendlyUniqueId, attrs] : firstResource(stack, node);
      const provider = (node.provider && providerViews.get(node.provider)) || defaultProviders.get(type.split('_')[0]);
      const region = provider?.attributes.region;
      const tags = block(provider?.attributes.default_tags)?.tags;
      resources.push({
        stack: stackName,
        type,
        name,
        path: node.node.path,
        attributes: withoutMetadata(attributes),
        region: typeof region === 'string' && !region.includes('${') ? region : undefined,
        providerTags: tags && typeof tags === 'object' ? (tags as Record<string, string>) : {},
      });
    }
    blocks.push(...otherBlocks(stack, synthesized, elements));
  }
  return { stacks: stacks.map((s) => s.node.id), resources, providers, blocks, config };
}

/** The stack JSON's variables, locals, outputs, data sources, module calls and `terraform` block. */
function otherBlocks(stack: TerraformStack, synthesized: StackJson, elements: IConstruct[]): BlockView[] {
  // an element's logical id is its name in the JSON (a data source's without its type)
  const pathOf = new Map<string, string>();
  for (const e of elements)
    if (!TerraformResource.isTerraformResource(e) && !TerraformProvider.isTerraformProvider(e))
      pathOf.set((e as TerraformElement).friendlyUniqueId, e.node.path);
  const out: BlockView[] = [];
  const add = (kind: string, name: string, id: string, attributes: unknown) =>
    out.push({
      stack: stack.node.id,
      kind,
      name,
      path: pathOf.get(id) ?? stack.node.path,
      attributes: withoutMetadata(
        attributes && typeof attributes === 'object' && !Array.isArray(attributes) ? attributes : { value: attributes },
      ),
    });
  for (const kind of ['variable', 'output', 'module'])
    for (const [name, attrs] of Object.entries((synthesized[kind] ?? {}) as Json)) add(kind, name, name, attrs);
  for (const [name, value] of Object.entries((synthesized.locals ?? {}) as Json)) add('locals', name, name, { value });
  for (const [type, byName] of Object.entries((synthesized.data ?? {}) as Json))
    for (const [name, attrs] of Object.entries((byName ?? {}) as Json)) add('data', `${type}.${name}`, name, attrs);
  if (synthesized.terraform && typeof synthesized.terraform === 'object') add('terraform', 'terraform', '', synthesized.terraform);
  return out;
}

/** A provider's block resolved on its own: [type, attributes]. */
function firstProvider(stack: TerraformStack, node: TerraformProvider): [string, unknown] {
  const json = resolve(stack, node.toTerraform()) as Json;
  const [type, list] = firstEntry(json.provider) ?? [node.terraformResourceType, [{}]];
  return [type, Array.isArray(list) ? list[0] : list];
}

/** A resource's block resolved on its own: [type, name, attributes]. */
function firstResource(stack: TerraformStack, node: TerraformResource): [string, string, unknown] {
  const json = resolve(stack, node.toTerraform()) as Json;
  const [type, byName] = firstEntry(json.resource) ?? [node.terraformResourceType, {}];
  const [name, attrs] = firstEntry(byName) ?? [node.friendlyUniqueId, {}];
  return [type, name, attrs];
}
