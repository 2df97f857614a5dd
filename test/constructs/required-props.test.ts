import { Testing, TerraformElement, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import * as lib from '../../lib';

/**
 * Every construct the library exports, given no props or props without a required one (a
 * JavaScript caller, or a cast), refuses them by name: `<path>: <field> undefined is not allowed;
 * allowed: <what>`, never a TypeError from deep inside.
 */
const constructs = Object.entries(lib).filter(
  ([, value]) => typeof value === 'function' && (value as { prototype?: unknown }).prototype instanceof Construct,
) as [string, new (scope: Construct, id: string, props?: unknown) => Construct][];

const attempt = (make: (stack: TerraformStack) => unknown): Error => {
  const stack = new TerraformStack(Testing.app(), 'stack');
  try {
    make(stack);
  } catch (err) {
    return err as Error;
  }
  throw new Error('no error');
};

describe('constructs refuse missing props by name', () => {
  it('covers every exported construct', () => {
    expect(constructs.length).toBeGreaterThanOrEqual(25);
    expect(constructs.map(([name]) => name)).toEqual(
      expect.arrayContaining(['Region', 'ReplicatedDatabase', 'MtlsMesh', 'CdnZone', 'ReservedCapacity']),
    );
  });

  it.each(constructs.map(([name, ctor]) => [name, ctor] as const))('%s without props', (_name, ctor) => {
    const err = attempt((stack) => new ctor(stack, 'X', undefined));
    expect(err).not.toBeInstanceOf(TypeError);
    expect(err.message).toMatch(/^stack\/X: props undefined is not allowed; allowed: an object( with \w+(, \w+)*)?$/);
  });

  it.each(constructs.map(([name, ctor]) => [name, ctor] as const))('%s with props {}', (_name, ctor) => {
    let err: Error | undefined;
    try {
      new ctor(new TerraformStack(Testing.app(), 'stack'), 'X', {});
    } catch (e) {
      err = e as Error;
    }
    // A construct whose props are all optional takes {}; any other names its first missing prop.
    if (err === undefined) return;
    expect(err).not.toBeInstanceOf(TypeError);
    expect(err.message).toMatch(/^stack\/X: \w+ undefined is not allowed; allowed: .+/);
  });

  it('names a required prop given as null, and the props when they are not an object', () => {
    const { Region } = lib;
    expect(attempt((stack) => new Region(stack, 'X', { spec: null } as never)).message).toBe(
      'stack/X: spec null is not allowed; allowed: a region of the validated config (validateRegionsConfig(...).regions)',
    );
    expect(attempt((stack) => new Region(stack, 'X', 'eu-west-1' as never)).message).toBe(
      'stack/X: props "eu-west-1" is not allowed; allowed: an object with spec, projectName, accountId',
    );
    expect(attempt((stack) => new Region(stack, 'X', [] as never)).message).toMatch(/^stack\/X: props \[\] is not allowed/);
  });

  it('checks before super where the props feed it (a resource or a provider)', () => {
    for (const name of ['RoutingTableObject', 'KubernetesManifest', 'KubernetesProvider'] as const) {
      const ctor = lib[name] as unknown as new (scope: Construct, id: string, props?: unknown) => TerraformElement;
      expect(attempt((stack) => new ctor(stack, 'X', undefined)).message).toMatch(/^stack\/X: props undefined is not allowed/);
    }
  });
});
