/**
 * The synth's two fast paths must not change what synth writes or how it fails:
 * - withFastResolve (lib/private/fast-resolve.ts): cdktf's resolver with a fast walk over plain data;
 * - CompliancePack hands the stack JSON it evaluated to the synthesizer (one resolve less), only
 *   when no other aspect could change the tree before the stacks are written;
 * - withResolveOnce (lib/private/resolve-once.ts): each element resolved once (its prepared result
 *   reused while nothing can change the tree), no second resolve of the whole stack, no copies.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { App, Aspects, Fn, Lazy, TerraformOutput, TerraformStack, TerraformVariable, Token, Tokenization, type IAspect } from 'cdktf';
import { deepMerge, keysToSnakeCase, snakeCase } from 'cdktf/lib/util';
import fc from 'fast-check';
import { resolve as cdktfResolve } from 'cdktf/lib/_tokens';
import type { IConstruct } from 'constructs';
import { buildAppView, CompliancePack, PLATFORM_RULES, suppressRule } from '../../lib/compliance';
import { withFastResolve } from '../../lib/private/fast-resolve';
import { mergeOwned, withResolveOnce } from '../../lib/private/resolve-once';
import { makeCachedKeysToSnakeCase, withCachedSnakeCase } from '../../lib/private/snake-case-keys';
import { buildPlatform } from '../../stacks/platform';
import { validConfig } from '../helpers/platform';
import { filesUnder } from '../helpers/files';

const work = mkdtempSync(join(tmpdir(), 'tslj-fast-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The value or the error message of `fn`. */
function outcome(fn: () => unknown): { value?: unknown; error?: string } {
  try {
    return { value: fn() };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

describe('withFastResolve', () => {
  const app = new App({ outdir: join(work, 'unit') });
  const stack = new TerraformStack(app, 's');
  new AwsProvider(stack, 'aws', { region: 'eu-west-1' });
  const bucket = new S3Bucket(stack, 'b', { bucket: 'b' });
  const variable = new TerraformVariable(stack, 'v', { type: 'string' });
  const deep: Record<string, unknown> = {};
  let cursor = deep;
  for (let i = 0; i < 230; i++) cursor = (cursor.next = {}) as Record<string, unknown>;

  const cases: Record<string, () => unknown> = {
    'plain data, undefined dropped': () => ({ a: 'x', b: [1, undefined, 'y', true, null], c: { d: undefined, e: { f: 2.5 } } }),
    'empty containers kept': () => ({ a: [], b: {}, c: [[], {}] }),
    'strings the number-token pattern matches': () => ({ a: 'node-e2e', b: '1e5', c: '-1.5e+10', d: 'a.e-1' }),
    'string token': () => ({ name: bucket.bucket, id: `${bucket.id}-suffix`, v: variable.stringValue }),
    'token as a key': () => ({ [bucket.bucket]: 'value', plain: 'x' }),
    'number token': () => ({ n: variable.numberValue, inString: `${Token.asString(variable.numberValue)}` }),
    'list tokens': () => ({ list: variable.listValue, mixed: [variable.listValue[0]], fn: Fn.concat([variable.listValue, ['a']]) }),
    'map token': () => ({ map: Token.asStringMap(variable.value), anyMap: Token.asAnyMap(variable.value) }),
    'lazy values deep inside': () => ({
      a: { b: [Lazy.stringValue({ produce: () => 'lazy' }), Lazy.anyValue({ produce: () => ({ x: [1] }) })] },
    }),
    'functions and escapes': () => ({ a: Fn.join(',', ['a', bucket.arn]), b: '${not.a.token}', c: Fn.upper('${escaped}') }),
    'a Date and a boolean': () => ({ d: new Date(0), t: false }),
    'a list token as a scalar string': () => ({ bad: variable.listValue[0] }),
    'the map token marker value': () => ({ bad: Token.STRING_MAP_TOKEN_VALUE }),
    'a function': () => ({ bad: () => 1 }),
    'a construct': () => ({ bad: bucket }),
    'a circular reference (too deep)': () => deep,
  };

  const failing = new Set([
    'a list token as a scalar string',
    'the map token marker value',
    'a function',
    'a construct',
    'a circular reference (too deep)',
  ]);
  for (const [name, make] of Object.entries(cases)) {
    it(`gives cdktf's result for ${name}`, () => {
      const expected = outcome(() => cdktfResolve(stack, make()));
      const actual = outcome(() => withFastResolve(() => cdktfResolve(stack, make())));
      expect(actual).toStrictEqual(expected);
      // the bad values fail (with cdktf's message and path); the others resolve every token
      expect(expected.error !== undefined).toBe(failing.has(name));
      if (!failing.has(name)) expect(JSON.stringify(actual.value)).not.toContain('TfToken[');
    });
  }

  it('replaces cdktf resolver only while the function runs', () => {
    const mod = require('cdktf/lib/tokens/private/resolve') as { resolve: unknown };
    const original = mod.resolve;
    let inside: unknown;
    withFastResolve(() => (inside = mod.resolve));
    expect(inside).not.toBe(original);
    expect(mod.resolve).toBe(original);
    expect(() =>
      withFastResolve(() => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(mod.resolve).toBe(original);
  });
});

describe('the platform synth with every fast path', () => {
  it('writes byte for byte what plain cdktf writes (no fast resolver, no compliance pack)', () => {
    const fast = new App({ outdir: join(work, 'fast'), stackTraces: false });
    const fastBuilt = buildPlatform(fast, validConfig);
    expect(fastBuilt.compliance).toBeDefined();
    withFastResolve(() => withCachedSnakeCase(() => withResolveOnce(() => fast.synth())));
    expect(fastBuilt.compliance!.report!.violations).toEqual([]);

    const plain = new App({ outdir: join(work, 'plain'), stackTraces: false });
    buildPlatform(plain, validConfig, { compliance: false });
    plain.synth();

    const names = filesUnder(join(work, 'plain'));
    expect(filesUnder(join(work, 'fast'))).toEqual(names);
    expect(names).toEqual(expect.arrayContaining(['manifest.json', 'stacks/apac/cdk.tf.json']));
    for (const name of names) expect(readFileSync(join(work, 'fast', name), 'utf8')).toBe(readFileSync(join(work, 'plain', name), 'utf8'));
  });
});

describe('CompliancePack hands its stack JSON to the synthesizer', () => {
  /** Two stacks with a bare bucket each, every rule that fires on it suppressed (what is written matters here, not the findings; residency rules, which cannot be suppressed, find nothing in a bare bucket). */
  function twoStacks(name: string) {
    const outdir = join(work, name);
    const app = new App({ outdir });
    for (const id of ['one', 'two']) {
      const stack = new TerraformStack(app, id);
      new AwsProvider(stack, 'aws', { region: 'eu-west-1' });
      new S3Bucket(stack, 'b', { bucket: `b-${id}` });
      for (const rule of PLATFORM_RULES.filter((r) => r.area !== 'residency'))
        suppressRule(stack, rule.id, 'test fixture: a bare bucket, holds no data at all');
    }
    const pack = CompliancePack.applyTo(app);
    return { app, pack, outdir };
  }
  const written = (outdir: string, stack: string) =>
    JSON.parse(readFileSync(join(outdir, 'stacks', stack, 'cdk.tf.json'), 'utf8')) as {
      resource: { aws_s3_bucket: Record<string, { tags?: Record<string, string> }> };
    };

  it('resolves each stack once when the pack is the only aspect', () => {
    const { app, pack, outdir } = twoStacks('once');
    const spy = jest.spyOn(TerraformStack.prototype, 'toTerraform');
    try {
      app.synth();
      expect(pack.report!.violations).toEqual([]);
      expect(spy).toHaveBeenCalledTimes(2); // the pack's, one per stack; the synthesizer reuses them
    } finally {
      spy.mockRestore();
    }
    expect(written(outdir, 'two').resource.aws_s3_bucket.b.tags).toBeUndefined();
  });

  it('resolves again when another aspect may change the tree after the pack ran', () => {
    // this aspect runs after the pack on each stack: its change must be in the written files
    class TagBuckets implements IAspect {
      visit(node: IConstruct): void {
        if (node instanceof S3Bucket) node.tags = { touched: 'yes' };
      }
    }
    const { app, outdir } = twoStacks('other-aspect');
    for (const stack of app.node.findAll().filter((c) => TerraformStack.isStack(c))) Aspects.of(stack).add(new TagBuckets());
    app.synth();
    expect(written(outdir, 'one').resource.aws_s3_bucket.b.tags).toEqual({ touched: 'yes' });
    expect(written(outdir, 'two').resource.aws_s3_bucket.b.tags).toEqual({ touched: 'yes' });
  });
});

describe('the compliance view read from the stack JSON', () => {
  it('holds what is written (stack-level overrides too), and resolves on its own a provider the JSON does not hold one-to-one', () => {
    const app = new App({ outdir: join(work, 'view') });
    const stack = new TerraformStack(app, 's');
    new AwsProvider(stack, 'aws', { region: 'eu-west-1', defaultTags: [{ tags: { Owner: 'team' } }] });
    new S3Bucket(stack, 'b', { bucket: 'b' });
    stack.addOverride('resource.aws_s3_bucket.b.force_destroy', false);
    // a second aws block from an override: the list no longer maps one block per provider construct
    stack.addOverride('provider.aws', [{ region: 'us-east-1', alias: 'extra' }]);
    const view = buildAppView(app);
    expect(view.providers).toEqual([expect.objectContaining({ path: 's/aws', type: 'aws', alias: undefined })]);
    expect(view.providers[0].attributes.region).toBe('eu-west-1');
    const bucket = view.resources.find((r) => r.path === 's/b')!;
    expect(bucket).toMatchObject({ type: 'aws_s3_bucket', name: 'b', region: 'eu-west-1', providerTags: { Owner: 'team' } });
    expect(bucket.attributes).toMatchObject({ bucket: 'b', force_destroy: false });
    expect(bucket.attributes['//']).toBeUndefined();
  });
});

describe('withResolveOnce', () => {
  /**
   * Two stacks with a cross-stack reference (preparing the second adds an output to the first and
   * remote state to itself), Lazy values that count the first stack's outputs (so they change while
   * the stacks are prepared) or change on every call, a stack-level override in a third stack, and
   * an optional aspect that writes after the stacks are prepared.
   */
  function crossStackApp(outdir: string, writingAspect: boolean) {
    const app = new App({ outdir, stackTraces: false });
    const origin = new TerraformStack(app, 'origin');
    new AwsProvider(origin, 'aws', { region: 'eu-west-1' });
    const source = new S3Bucket(origin, 'source', { bucket: 'source', tags: { Zone: 'eu' } });
    new TerraformOutput(origin, 'arn', { value: source.arn, description: 'the source bucket' });
    const outputsOfOrigin = () => origin.node.findAll().filter((c) => c instanceof TerraformOutput).length;
    new TerraformOutput(origin, 'outputs', { value: Lazy.numberValue({ produce: outputsOfOrigin }) });
    let calls = 0;
    new TerraformOutput(origin, 'calls', { value: Lazy.numberValue({ produce: () => ++calls }) });
    const user = new TerraformStack(app, 'user');
    new AwsProvider(user, 'aws', { region: 'eu-central-1' });
    new S3Bucket(user, 'copy', { bucket: `${source.bucket}-copy`, tags: { From: source.arn } });
    const overridden = new TerraformStack(app, 'overridden');
    new AwsProvider(overridden, 'aws', { region: 'eu-west-2' });
    new S3Bucket(overridden, 'b', { bucket: Lazy.stringValue({ produce: () => 'lazy-name' }) });
    overridden.addOverride('resource.aws_s3_bucket.b.force_destroy', false);
    if (writingAspect)
      Aspects.of(user).add({
        visit(node: IConstruct) {
          if (node instanceof S3Bucket) node.forceDestroy = true;
        },
      });
    return app;
  }

  for (const writingAspect of [false, true])
    it(`writes what plain cdktf writes: cross-stack references, changing Lazy values, overrides${writingAspect ? ', an aspect that writes after prepare' : ''}`, () => {
      const plainDir = join(work, `once-plain-${writingAspect}`);
      const onceDir = join(work, `once-${writingAspect}`);
      crossStackApp(plainDir, writingAspect).synth();
      const once = crossStackApp(onceDir, writingAspect);
      withFastResolve(() => withResolveOnce(() => once.synth()));
      const names = filesUnder(plainDir);
      expect(filesUnder(onceDir)).toEqual(names);
      for (const name of names) expect(readFileSync(join(onceDir, name), 'utf8')).toBe(readFileSync(join(plainDir, name), 'utf8'));
      const user = readFileSync(join(onceDir, 'stacks', 'user', 'cdk.tf.json'), 'utf8');
      expect(user).toContain('terraform_remote_state');
      expect(user.includes('"force_destroy": true')).toBe(writingAspect);
      // three outputs of its own and the two cross-stack outputs (bucket, arn) that preparing "user" added
      const origin = JSON.parse(readFileSync(join(onceDir, 'stacks', 'origin', 'cdk.tf.json'), 'utf8')) as {
        output: Record<string, { value: unknown }>;
      };
      expect(origin.output.outputs.value).toBe(5);
    });

  it('does not resolve the merged stack again (cdktf resolves it once more, whole, per stack)', () => {
    const wholeStackResolves = (run: (app: App) => void) => {
      const app = crossStackApp(join(work, `once-count-${run.name}`), false);
      const spy = jest.spyOn(Tokenization, 'resolve');
      try {
        run(app);
        return spy.mock.calls.filter(([obj]) => obj !== null && typeof obj === 'object' && '//' in obj && 'resource' in obj).length;
      } finally {
        spy.mockRestore();
      }
    };
    expect(wholeStackResolves(function plain(app) { app.synth(); })).toBe(3); // prettier-ignore
    // the stack with an override goes through cdktf's own method
    expect(wholeStackResolves(function once(app) { withResolveOnce(() => app.synth()); })).toBe(1); // prettier-ignore
  });

  it("restores cdktf's method after the function, also when it throws", () => {
    const { toTerraform } = TerraformStack.prototype;
    expect(() =>
      withResolveOnce(() => {
        expect(TerraformStack.prototype.toTerraform).not.toBe(toTerraform);
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(TerraformStack.prototype.toTerraform).toBe(toTerraform);
  });

  it("mergeOwned gives cdktf deepMerge's result on resolved data", () => {
    const key = fc.constantFrom('a', 'b', 'c', 'resource', 'provider', 'aws');
    const leaf = fc.oneof(fc.string({ maxLength: 3 }), fc.integer(), fc.boolean(), fc.constant(null));
    const { tree } = fc.letrec<{ tree: unknown }>((t) => ({
      tree: fc.oneof({ depthSize: 'small' }, leaf, fc.array(t('tree'), { maxLength: 3 }), fc.dictionary(key, t('tree'), { maxKeys: 3 })),
    }));
    const fragment = fc.dictionary(key, tree, { maxKeys: 4 });
    fc.assert(
      fc.property(fc.array(fragment, { maxLength: 5 }), (fragments) => {
        const expected: Record<string, unknown> = {};
        const actual: Record<string, unknown> = {};
        const merged = (merge: (t: Record<string, unknown>, f: Record<string, unknown>) => unknown, into: Record<string, unknown>) =>
          outcome(() => fragments.forEach((f) => merge(into, structuredClone(f))));
        // both fail on the same input (merging keys into a null), or give the same data
        expect(merged(mergeOwned, actual).error === undefined).toBe(merged(deepMerge, expected).error === undefined);
        expect(actual).toStrictEqual(expected);
      }),
      { numRuns: 500 },
    );
  });
});

describe('withCachedSnakeCase', () => {
  it("converts keys as cdktf's keysToSnakeCase does, for any object, also on the second and later calls", () => {
    const cached = makeCachedKeysToSnakeCase(snakeCase, (x) => Tokenization.isResolvable(x));
    const key = fc.oneof(
      fc.constantFrom(
        'dependsOn',
        'forEach',
        'createBeforeDestroy',
        'tags',
        'environment',
        'ignoreChanges',
        'HTTPSPort',
        'a1B2',
        '_x_',
        '--',
        '',
      ),
      fc.string({ maxLength: 6 }),
    );
    const { tree } = fc.letrec<{ tree: unknown }>((t) => ({
      tree: fc.oneof(
        { depthSize: 'small' },
        fc.oneof(fc.string({ maxLength: 4 }), fc.integer(), fc.boolean(), fc.constant(undefined)),
        fc.array(t('tree'), { maxLength: 3 }),
        fc.dictionary(key, t('tree'), { maxKeys: 4 }),
      ),
    }));
    fc.assert(
      fc.property(fc.dictionary(key, tree, { maxKeys: 5 }), (object) => {
        const expected = outcome(() => keysToSnakeCase(object));
        expect(outcome(() => cached(object))).toStrictEqual(expected);
        expect(outcome(() => cached(object))).toStrictEqual(expected); // from memory now
      }),
      { numRuns: 500 },
    );
    const lazy = Lazy.anyValue({ produce: () => ({ someKey: 1 }) });
    expect(cached({ lifecycle: lazy, nested: [{ innerKey: lazy }] })).toStrictEqual(
      keysToSnakeCase({ lifecycle: lazy, nested: [{ innerKey: lazy }] }),
    );
  });

  it("replaces cdktf's function only while the function runs", () => {
    const util = require('cdktf/lib/util') as { keysToSnakeCase: unknown };
    const original = util.keysToSnakeCase;
    let inside: unknown;
    expect(() =>
      withCachedSnakeCase(() => {
        inside = util.keysToSnakeCase;
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(inside).not.toBe(original);
    expect(util.keysToSnakeCase).toBe(original);
  });
});
