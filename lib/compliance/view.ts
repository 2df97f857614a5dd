/** Builds the rules' view of a cdktf app: every resource and provider, resolved as Terraform will see it. */
import { TerraformProvider, TerraformResource, TerraformStack } from 'cdktf';
import type { IConstruct } from 'constructs';
// cdktf's own resolver (what synth uses); the public Tokenization API lacks the stack-aware resolver.
import { resolve } from 'cdktf/lib/_tokens';
import type { RegionsConfig } from '../config/model';
import type { AppView, ProviderView, ResourceView } from './rule';
import { block } from './view-helpers';

type Json = Record<string, unknown>;

function firstEntry(obj: unknown): [string, unknown] | undefined {
  return obj && typeof obj === 'object' ? Object.entries(obj as Json)[0] : undefined;
}

function withoutMetadata(attrs: unknown): Json {
  const { ['//']: _meta, ...rest } = (attrs ?? {}) as Json;
  return rest;
}

/**
 * The view of every stack under `root`. Resolves each element once more, after cdktf has prepared
 * the stacks (cross-stack references are outputs and remote state by then), so rules read the
 * same values the synthesized JSON holds.
 */
export function buildAppView(root: IConstruct, config?: RegionsConfig): AppView {
  const stacks = root.node.findAll().filter((c): c is TerraformStack => TerraformStack.isStack(c));
  const resources: ResourceView[] = [];
  const providers: ProviderView[] = [];
  for (const stack of stacks) {
    const stackName = stack.node.id;
    const providerViews = new Map<TerraformProvider, ProviderView>();
    const defaultProviders = new Map<string, ProviderView>();
    const elements = stack.node.findAll();
    for (const node of elements) {
      if (!TerraformProvider.isTerraformProvider(node) || TerraformStack.of(node) !== stack) continue;
      const json = resolve(stack, node.toTerraform()) as Json;
      const [type, list] = firstEntry(json.provider) ?? [node.terraformResourceType, [{}]];
      const attributes = withoutMetadata(Array.isArray(list) ? list[0] : list);
      const view: ProviderView = {
        stack: stackName,
        type,
        alias: attributes.alias as string | undefined,
        path: node.node.path,
        attributes,
      };
      providerViews.set(node, view);
      if (!view.alias) defaultProviders.set(type, view);
      providers.push(view);
    }
    for (const node of elements) {
      if (!TerraformResource.isTerraformResource(node) || TerraformStack.of(node) !== stack) continue;
      const json = resolve(stack, node.toTerraform()) as Json;
      const [type, byName] = firstEntry(json.resource) ?? [node.terraformResourceType, {}];
      const [name, attrs] = firstEntry(byName) ?? [node.friendlyUniqueId, {}];
      const provider = (node.provider && providerViews.get(node.provider)) || defaultProviders.get(type.split('_')[0]);
      const region = provider?.attributes.region;
      const tags = block(provider?.attributes.default_tags)?.tags;
      resources.push({
        stack: stackName,
        type,
        name,
        path: node.node.path,
        attributes: withoutMetadata(attrs),
        region: typeof region === 'string' && !region.includes('${') ? region : undefined,
        providerTags: tags && typeof tags === 'object' ? (tags as Record<string, string>) : {},
      });
    }
  }
  return { stacks: stacks.map((s) => s.node.id), resources, providers, config };
}
