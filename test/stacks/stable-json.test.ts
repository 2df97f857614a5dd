/**
 * lib/private/stable-json.ts stands in for json-stable-stringify 1.3.0 in the app's bundle (cdktf
 * writes every stack and the manifest with it): the text must be the package's, byte for byte.
 */
import fc from 'fast-check';
import stableStringify = require('../../lib/private/stable-json');

type Stringify = (value: unknown, options?: unknown) => string | undefined;
const original = require(require.resolve('json-stable-stringify', { paths: [require.resolve('cdktf')] })) as Stringify;

/** The value or the error type of `fn`. */
function outcome(fn: () => unknown): { value?: unknown; error?: string } {
  try {
    return { value: fn() };
  } catch (e) {
    return { error: (e as Error).constructor.name };
  }
}

const spaces = [undefined, { space: 2 }, { space: 0 }, { space: 4 }, { space: '\t' }, { space: '' }, {}];

describe('stableStringify', () => {
  it("writes json-stable-stringify's text for any JSON value and every indent cdktf could use", () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.constantFrom(...spaces), (value, options) => {
        expect(stableStringify(value, options)).toBe(original(value, options));
      }),
      { numRuns: 1000 },
    );
  });

  it('writes the same for what JSON leaves out or converts: undefined, functions, toJSON, integer-like keys, empty containers', () => {
    const tricky = {
      z: undefined,
      '10': 'ten',
      '2': 'two',
      a: [undefined, () => 1, null, [], {}, [[]], { b: {} }],
      date: new Date(0),
      custom: { toJSON: () => ({ y: 1, x: [2] }) },
      nested: { '': 'empty key', é: 'é', '\u2028': 'line separator', Z: 1, a: 2 },
      numbers: [0, -0, 1.5e300, NaN, Infinity],
      fn: () => 1,
    };
    for (const options of spaces) expect(stableStringify(tricky, options)).toBe(original(tricky, options));
    for (const top of [undefined, null, 'text', 3, [], {}, () => 1])
      expect(stableStringify(top, { space: 2 })).toBe(original(top, { space: 2 }));
  });

  it('fails where the package fails: a cycle, a BigInt', () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = { back: cyclic };
    expect(outcome(() => stableStringify(cyclic, { space: 2 }))).toEqual(outcome(() => original(cyclic, { space: 2 })));
    expect(outcome(() => stableStringify(cyclic))).toEqual({ error: 'TypeError' });
    expect(outcome(() => stableStringify({ n: 1n }))).toEqual(outcome(() => original({ n: 1n })));
    // the same object twice, not nested in itself, is no cycle
    const shared = { x: 1 };
    expect(stableStringify({ a: shared, b: [shared] }, { space: 2 })).toBe(original({ a: shared, b: [shared] }, { space: 2 }));
  });

  it('hands other options (cmp, replacer, cycles, odd spaces) to the package itself', () => {
    const value = { b: 1, a: { d: 2, c: 3 } };
    const byKeyDescending = (a: { key: string }, b: { key: string }) => (a.key < b.key ? 1 : -1);
    expect(stableStringify(value, { cmp: byKeyDescending })).toBe(original(value, { cmp: byKeyDescending }));
    expect(stableStringify(value, byKeyDescending as never)).toBe(original(value, byKeyDescending));
    expect(stableStringify(value, { space: 2.5 })).toBe(original(value, { space: 2.5 }));
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(stableStringify(cyclic, { cycles: true })).toBe('{"self":"__cycle__"}');
  });
});
