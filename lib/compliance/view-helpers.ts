/** Helpers rules share to read resolved Terraform JSON (pure). */
import type { AppView, ResourceView } from './rule';

/** Where each resource type and each stack/type/name is in `app.resources` (built once per resource list). */
interface ResourceIndex {
  readonly byType: Map<string, number[]>;
  readonly byAddress: Map<string, ResourceView>;
}
const indexes = new WeakMap<readonly ResourceView[], ResourceIndex>();

function indexOf(app: AppView): ResourceIndex {
  let index = indexes.get(app.resources);
  if (!index) {
    index = { byType: new Map(), byAddress: new Map() };
    app.resources.forEach((r, i) => {
      const positions = index!.byType.get(r.type);
      if (positions) positions.push(i);
      else index!.byType.set(r.type, [i]);
      const address = `${r.stack}\0${r.type}\0${r.name}`;
      if (!index!.byAddress.has(address)) index!.byAddress.set(address, r);
    });
    indexes.set(app.resources, index);
  }
  return index;
}

/** Resources of the given types, in the app's order. */
export function resourcesOfType(app: AppView, ...types: string[]): ResourceView[] {
  const { byType } = indexOf(app);
  const positions = [...new Set(types)].flatMap((t) => byType.get(t) ?? []);
  if (types.length > 1) positions.sort((a, b) => a - b);
  return positions.map((i) => app.resources[i]);
}

/** How many resources a rule's `resourceTypes` cover (`*` is every type, `aws_*` a prefix). */
export function countOfTypes(app: AppView, patterns: readonly string[]): number {
  let n = 0;
  for (const [type, positions] of indexOf(app).byType)
    if (patterns.some((t) => t === '*' || t === type || (t.endsWith('*') && type.startsWith(t.slice(0, -1))))) n += positions.length;
  return n;
}

/** `${type.name}` prefix other resources use to refer to `r`. */
export function addressOf(r: Pick<ResourceView, 'type' | 'name'>): string {
  return `${r.type}.${r.name}`;
}

/** True when `value` is or contains a reference to an attribute of `target` (same stack). */
export function refersTo(value: unknown, target: ResourceView): boolean {
  if (typeof value !== 'string') return false;
  return value.includes(`\${${addressOf(target)}.`);
}

/** The resources of `types` in `of`'s stack whose attribute `attribute` refers to `of`. */
export function attachedTo(app: AppView, of: ResourceView, attribute: string, ...types: string[]): ResourceView[] {
  return resourcesOfType(app, ...types).filter((r) => r.stack === of.stack && refersTo(r.attributes[attribute], of));
}

/** First element of a Terraform block list (cdktf renders single nested blocks as objects or one-element lists). */
export function block(value: unknown): Record<string, unknown> | undefined {
  if (Array.isArray(value)) return value[0] as Record<string, unknown> | undefined;
  return value && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
}

/** A nested block list as an array. */
export function blocks(value: unknown): Record<string, unknown>[] {
  if (Array.isArray(value)) return value as Record<string, unknown>[];
  return value && typeof value === 'object' ? [value as Record<string, unknown>] : [];
}

/** The resource's effective tags: provider default tags overlaid with its own `tags`. */
export function effectiveTags(r: ResourceView): Record<string, string> {
  const own = r.attributes.tags;
  return { ...r.providerTags, ...(own && typeof own === 'object' ? (own as Record<string, string>) : {}) };
}

/** JSON.parse of a policy document attribute; undefined when it is not JSON. */
export function parsePolicy(value: unknown): { Statement?: Record<string, unknown>[] } | undefined {
  if (typeof value !== 'string') return undefined;
  try {
    const policy = JSON.parse(value) as { Statement?: unknown } | null;
    if (policy === null || typeof policy !== 'object') return undefined;
    // IAM takes one statement as an object as well as a list of them.
    const statement = policy.Statement;
    const list = Array.isArray(statement) ? statement : statement !== null && typeof statement === 'object' ? [statement] : [];
    return { ...policy, Statement: list.filter((st): st is Record<string, unknown> => st !== null && typeof st === 'object') };
  } catch {
    return undefined;
  }
}

/**
 * A boolean attribute as Terraform reads it: `true`, `"true"` and `"1"` are true (Terraform's
 * string-to-bool conversion), `false`, `"false"` and `"0"` false. A template (`${…}`, `%{…}`) or
 * anything else is neither, known only at apply: the rules read it on the side of caution.
 */
export function isTrue(value: unknown): boolean {
  return value === true || value === 'true' || value === '1';
}

/** See {@link isTrue}: `false`, `"false"` or `"0"`. */
export function isFalse(value: unknown): boolean {
  return value === false || value === 'false' || value === '0';
}

/** Whether a value is a Terraform template, known only at apply (`${…}` or `%{…}`). */
export function isTemplate(value: unknown): boolean {
  return typeof value === 'string' && (value.includes('${') || value.includes('%{'));
}

/** A risky flag that is set or may be: true (any spelling), or a template known only at apply. */
export function mayBeTrue(value: unknown): boolean {
  return isTrue(value) || isTemplate(value);
}

/** A flag that is off or may be: false (any spelling), or a template known only at apply. */
export function mayBeFalse(value: unknown): boolean {
  return isFalse(value) || isTemplate(value);
}

/** Shows a value in a finding: short, JSON. */
export function show(value: unknown): string {
  const text = value === undefined ? 'unset' : JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** Region of an ARN (`arn:aws:svc:region:...`), or undefined (S3 bucket ARNs carry none). */
export function regionOfArn(arn: unknown): string | undefined {
  if (typeof arn !== 'string') return undefined;
  const m = /^arn:aws[a-z-]*:[a-z0-9-]+:([a-z0-9-]*):/.exec(arn);
  return m && m[1] ? m[1] : undefined;
}

/** Residency zone of an AWS region: from the config, else from the `ResidencyZone` default tag of that region's provider. */
export function zoneOfRegion(app: AppView, region: string | undefined): string | undefined {
  if (!region) return undefined;
  const spec = app.config?.regions.find((r) => r.id === region);
  if (spec) return spec.residencyZone;
  for (const p of app.providers) {
    if (p.type !== 'aws' || p.attributes.region !== region) continue;
    const tags = block(p.attributes.default_tags)?.tags as Record<string, string> | undefined;
    if (tags?.ResidencyZone) return tags.ResidencyZone;
  }
  return undefined;
}

/** Residency zone of an AWS region according to the config only (undefined without a config or for a region it does not declare). */
export function zoneOfConfigRegion(app: AppView, region: string | undefined): string | undefined {
  return region ? app.config?.regions.find((r) => r.id === region)?.residencyZone : undefined;
}

/** Whether personal data of zone `from` may be copied into zone `to` (same zone, or listed in the config's `allowedCopyTo`). */
export function mayCopy(app: AppView, from: string, to: string): boolean {
  if (from === to) return true;
  return app.config?.residencyZones.find((z) => z.id === from)?.allowedCopyTo.includes(to) ?? false;
}

/** The resource in the same stack that `reference` (a `${type.name.attr}` string) points at. */
export function referencedResource(app: AppView, from: ResourceView, reference: unknown): ResourceView | undefined {
  if (typeof reference !== 'string') return undefined;
  const m = /^\$\{([a-z0-9_]+)\.([A-Za-z0-9_-]+)\.[a-z0-9_]+\}/.exec(reference);
  if (!m) return undefined;
  return indexOf(app).byAddress.get(`${from.stack}\0${m[1]}\0${m[2]}`);
}

/**
 * Where a copy goes, as a region: the region in an ARN, else the region of the resource it refers
 * to in the same stack; undefined when that cannot be proven at synth.
 */
export function destinationRegion(app: AppView, from: ResourceView, destination: unknown): string | undefined {
  return regionOfArn(destination) ?? referencedResource(app, from, destination)?.region;
}

/** A finding for a copy from `source` to `destination` unless the zones allow it. */
export function copyFinding(
  app: AppView,
  r: ResourceView,
  what: string,
  destination: unknown,
  destRegion = destinationRegion(app, r, destination),
) {
  const from = zoneOfRegion(app, r.region);
  const to = zoneOfRegion(app, destRegion);
  if (!from) return [{ path: r.path, reason: `${what}: the source region ${show(r.region)} has no residency zone` }];
  if (!destRegion || !to)
    return [{ path: r.path, reason: `${what} goes to ${show(destination)}, whose region/residency zone cannot be proven at synth` }];
  return mayCopy(app, from, to)
    ? []
    : [{ path: r.path, reason: `${what} copies data of zone "${from}" to ${destRegion} in zone "${to}", which "${from}" does not allow` }];
}
