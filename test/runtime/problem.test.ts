import { formatPath, formatProblem, formatProblems, formatValue, ProblemsError, valueAt } from '../../runtime/problem';

describe('formatValue', () => {
  const circular: Record<string, unknown> = { a: 1 };
  circular.self = circular;
  const throwingGetter = {
    get boom(): never {
      throw new Error('getter ran');
    },
    ok: 1,
  };
  const cases: [string, unknown, string][] = [
    ['NaN', NaN, 'NaN'],
    ['Infinity', Infinity, 'Infinity'],
    ['-Infinity', -Infinity, '-Infinity'],
    ['-0', -0, '-0'],
    ['a BigInt', 10n, '10n'],
    ['a Symbol', Symbol('s'), 'Symbol(s)'],
    ['a named function', function named() {}, '[function named]'],
    ['a Promise', Promise.resolve(1), '[Promise]'],
    ['a circular object', circular, '{a:1,self:[circular]}'],
    ['a getter that throws (never called)', throwingGetter, '{boom:[getter],ok:1}'],
    ['CR/LF in a string', 'a\r\nb', '"a\\r\\nb"'],
    ['undefined', undefined, 'undefined'],
    ['null', null, 'null'],
    ['a list with a hole', [1, , 3], '[1,undefined,3]'], // eslint-disable-line no-sparse-arrays
    ['a Map', new Map([[1, 2]]), 'Map(1)'],
    ['an object without prototype', Object.assign(Object.create(null) as object, { a: 'b' }), '{a:"b"}'],
    ['a key that is not an identifier', { 'a b': 1 }, '{"a b":1}'],
  ];
  it.each(cases)('%s', (_name, value, text) => {
    expect(formatValue(value)).toBe(text);
  });

  it('prints a proxy whose traps throw without throwing', () => {
    const hostile = new Proxy(
      {},
      {
        ownKeys() {
          throw new Error('no keys');
        },
        getPrototypeOf() {
          throw new Error('no prototype');
        },
      },
    );
    expect(formatValue(hostile)).toBe('[unreadable object]');
    const { proxy, revoke } = Proxy.revocable([], {});
    revoke();
    expect(() => formatValue(proxy)).not.toThrow();
  });

  it('cuts a huge string without copying it into the message', () => {
    const text = formatValue('x'.repeat(50_000_000));
    expect(text).toHaveLength(80);
    expect(text.endsWith('...')).toBe(true);
  });

  it('cuts a huge list and says how many items it has', () => {
    const text = formatValue(Array.from({ length: 2_000_000 }, () => 'DE'));
    expect(text).toMatch(/^\["DE","DE",.*\.\.\. \(2000000 items\)$/);
    expect(text.length).toBeLessThan(100);
  });

  it('honours a shorter length', () => {
    expect(formatValue('abcdefghijklmnopqrstuvwxyz', 10)).toBe('"abcdef...');
  });
});

describe('paths', () => {
  it('formats property keys of every kind', () => {
    expect(formatPath(['regions', 3, 'cidr'])).toBe('regions[3].cidr');
    expect(formatPath(['countries', 'DE'])).toBe('countries.DE');
    expect(formatPath(['a', 'b c', Symbol('s'), '7'])).toBe('a["b c"][Symbol(s)][7]');
    expect(formatPath([])).toBe('');
  });

  it('reads a value at a path without calling getters', () => {
    let called = false;
    const doc = {
      regions: [{ cidr: '10.0.0.0/16' }],
      get trap() {
        called = true;
        return 1;
      },
    };
    expect(valueAt(doc, ['regions', 0, 'cidr'])).toBe('10.0.0.0/16');
    expect(valueAt(doc, ['regions', 5, 'cidr'])).toBeUndefined();
    expect(valueAt(doc, ['trap'])).toBeUndefined();
    expect(called).toBe(false);
  });
});

describe('formatProblems', () => {
  it('prints path, value and message; no value for a missing field or a relation', () => {
    expect(formatProblem({ path: 'regions[6].cidr', value: '10.20.0.0/16', message: 'overlaps 10.20.0.0/16 of eu-west-1' })).toBe(
      'regions[6].cidr: "10.20.0.0/16" overlaps 10.20.0.0/16 of eu-west-1',
    );
    expect(formatProblem({ path: 'regions[0].cidr', message: 'is missing; it must be a string' })).toBe(
      'regions[0].cidr: is missing; it must be a string',
    );
    expect(formatProblem({ path: '', value: 42, message: 'must be an object' })).toBe('(root): 42 must be an object');
  });

  it('lists the first N problems and counts the rest', () => {
    const problems = Array.from({ length: 7 }, (_, i) => ({ path: `a[${i}]`, value: i, message: 'is bad' }));
    expect(formatProblems('doc.json', problems, { limit: 5 }).split('\n')).toEqual([
      'doc.json is not valid (7 problems):',
      '  - a[0]: 0 is bad',
      '  - a[1]: 1 is bad',
      '  - a[2]: 2 is bad',
      '  - a[3]: 3 is bad',
      '  - a[4]: 4 is bad',
      '  … and 2 more problems (the first 5 are listed)',
    ]);
    expect(formatProblems('doc.json', problems.slice(0, 1))).toBe('doc.json is not valid (1 problem):\n  - a[0]: 0 is bad');
  });

  it('is the message of ProblemsError, which keeps every problem', () => {
    const problems = Array.from({ length: 60 }, (_, i) => ({ path: `a[${i}]`, value: BigInt(i), message: 'is bad' }));
    const error = new ProblemsError('doc.json', problems);
    expect(error.problems).toHaveLength(60);
    expect(error.message.split('\n')).toHaveLength(52);
    expect(error.message).toContain('  - a[3]: 3n is bad');
  });
});

describe('formatValue and the terminal', () => {
  it('escapes DEL, the C1 controls and the bidirectional overrides that JSON leaves as they are (before: a CSI reached the terminal)', () => {
    expect(formatValue('a\u009b31mX\u007f')).toBe('"a\\u009b31mX\\u007f"');
    expect(formatValue('abc\u202edef')).toBe('"abc\\u202edef"');
    expect(formatValue('plain é ü 中文')).toBe('"plain é ü 中文"');
  });
});
