import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Checks synthesized Terraform JSON against a prebuilt provider's own JSII type information
 * (node_modules/@cdktf/provider-x/.jsii): every attribute name must exist in the binding's config
 * struct (nested blocks included) and every value must have the binding's type. The binding
 * documents each attribute's Terraform name in its doc link (`...#attribute_name Resource#...`).
 */

interface JsiiTypeRef {
  readonly primitive?: string;
  readonly fqn?: string;
  readonly collection?: { readonly kind: 'array' | 'map'; readonly elementtype: JsiiTypeRef };
  readonly union?: { readonly types: readonly JsiiTypeRef[] };
}
interface JsiiProperty {
  readonly name: string;
  readonly type: JsiiTypeRef;
  readonly docs?: { readonly remarks?: string; readonly summary?: string };
}
interface JsiiType {
  readonly fqn: string;
  readonly kind: string;
  readonly docs?: { readonly summary?: string };
  readonly properties?: readonly JsiiProperty[];
}

/** Terraform meta-arguments cdktf writes into a resource block; not part of the provider schema. */
const META = new Set(['provider', 'depends_on', 'count', 'for_each', 'lifecycle', 'connection', 'provisioner', '//']);

export interface SchemaProblem {
  readonly path: string;
  readonly message: string;
}

export class ProviderSchema {
  private readonly types: Record<string, JsiiType>;
  private readonly resourceConfig = new Map<string, string>();
  private readonly fieldsCache = new Map<string, Map<string, JsiiProperty>>();

  constructor(packageName: string) {
    const file = join(__dirname, '..', '..', 'node_modules', packageName, '.jsii');
    this.types = (JSON.parse(readFileSync(file, 'utf8')) as { types: Record<string, JsiiType> }).types;
    for (const t of Object.values(this.types)) {
      if (t.kind !== 'class') continue;
      const m = /docs\/resources\/\w+ (\w+)\}/.exec(t.docs?.summary ?? '');
      if (m && this.types[`${t.fqn}Config`]) this.resourceConfig.set(m[1], `${t.fqn}Config`);
    }
  }

  /** Terraform resource types the binding knows. */
  get resourceTypes(): string[] {
    return [...this.resourceConfig.keys()];
  }

  /** Every attribute of a struct by its Terraform name. */
  private fields(fqn: string): Map<string, JsiiProperty> {
    let fields = this.fieldsCache.get(fqn);
    if (!fields) {
      fields = new Map();
      for (const p of this.types[fqn]?.properties ?? []) {
        const m = /#(\w+) \w+#\w+\}/.exec(`${p.docs?.remarks ?? ''} ${p.docs?.summary ?? ''}`);
        // A dozen long doc comments lose the link in the JSII docs; cdktf's own rule names those (camelCase → snake_case).
        fields.set(m ? m[1] : p.name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), p);
      }
      this.fieldsCache.set(fqn, fields);
    }
    return fields;
  }

  /** Problems of every resource of the given types in a synthesized stack. */
  check(tf: { resource?: Record<string, Record<string, Record<string, unknown>>> }, types: (type: string) => boolean): SchemaProblem[] {
    const problems: SchemaProblem[] = [];
    for (const [type, resources] of Object.entries(tf.resource ?? {})) {
      if (!types(type)) continue;
      const config = this.resourceConfig.get(type);
      if (!config) {
        problems.push({ path: type, message: 'is not a resource of the binding' });
        continue;
      }
      for (const [name, body] of Object.entries(resources)) this.checkStruct(config, body, `${type}.${name}`, problems);
    }
    return problems;
  }

  private checkStruct(fqn: string, body: Record<string, unknown>, path: string, problems: SchemaProblem[]): void {
    const fields = this.fields(fqn);
    for (const [key, value] of Object.entries(body)) {
      if (META.has(key)) continue;
      const field = fields.get(key);
      if (!field) {
        problems.push({ path: `${path}.${key}`, message: `is not an attribute of ${fqn}; known: ${[...fields.keys()].join(', ')}` });
        continue;
      }
      this.checkValue(field.type, value, `${path}.${key}`, problems);
    }
  }

  private checkValue(type: JsiiTypeRef, value: unknown, path: string, problems: SchemaProblem[]): void {
    if (typeof value === 'string' && value.includes('${')) return; // a Terraform expression: typed by Terraform
    const options = type.union ? type.union.types.filter((t) => t.fqn !== 'cdktf.IResolvable') : [type];
    const errors: SchemaProblem[][] = options.map((option) => {
      const found: SchemaProblem[] = [];
      this.checkOne(option, value, path, found);
      return found;
    });
    if (errors.some((e) => e.length === 0)) return;
    problems.push(...errors[0]);
  }

  private checkOne(type: JsiiTypeRef, value: unknown, path: string, problems: SchemaProblem[]): void {
    const bad = (expected: string): void => {
      problems.push({ path, message: `is ${JSON.stringify(value)}; the binding types it as ${expected}` });
    };
    if (type.primitive) {
      const ok =
        type.primitive === 'any' ||
        (type.primitive === 'string' && typeof value === 'string') ||
        (type.primitive === 'number' && typeof value === 'number') ||
        (type.primitive === 'boolean' && typeof value === 'boolean');
      if (!ok) bad(type.primitive);
    } else if (type.collection) {
      const { kind, elementtype } = type.collection;
      if (kind === 'array') {
        if (!Array.isArray(value)) return bad('a list');
        value.forEach((v, i) => this.checkValue(elementtype, v, `${path}[${i}]`, problems));
      } else {
        if (value === null || typeof value !== 'object' || Array.isArray(value)) return bad('a map');
        for (const [k, v] of Object.entries(value)) this.checkValue(elementtype, v, `${path}.${k}`, problems);
      }
    } else if (type.fqn) {
      // A nested block: cdktf writes a single block as an object, a list block as an array of objects.
      const blocks = Array.isArray(value) ? value : [value];
      for (const [i, block] of blocks.entries()) {
        if (block === null || typeof block !== 'object') return bad(`a block (${type.fqn})`);
        this.checkStruct(type.fqn, block as Record<string, unknown>, Array.isArray(value) ? `${path}[${i}]` : path, problems);
      }
    }
  }
}
