import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { hashKey64, ShardRing, ShardRingError, type ShardLike } from '../../runtime/shard-ring';

const table = JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'routing-table.json'), 'utf8'));

/** Smaller bucket tables keep the many rings of the property tests cheap to build. */
const SMALL = { bucketBits: 10 };
const MEDIUM = { bucketBits: 14 };

const equalShards = (n: number, zone = 'z', prefix = 's'): ShardLike[] =>
  Array.from({ length: n }, (_, i) => ({ id: `${prefix}${i}`, residencyZone: zone, weight: 1 }));

/** Deterministic Fisher-Yates with fast-check's generated seed values. */
function shuffled<T>(items: readonly T[], seeds: readonly number[]): T[] {
  const out = items.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = seeds[i % seeds.length] % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

const shardSet = fc
  .uniqueArray(fc.string({ minLength: 1, maxLength: 12 }), { minLength: 1, maxLength: 24 })
  .chain((ids) =>
    fc.tuple(
      fc.constant(ids),
      fc.array(fc.constantFrom('apac', 'emea', 'na'), { minLength: ids.length, maxLength: ids.length }),
      fc.array(fc.double({ min: 0.1, max: 10, noNaN: true }), { minLength: ids.length, maxLength: ids.length }),
    ),
  )
  .map(([ids, zones, weights]) => ids.map((id, i) => ({ id, residencyZone: zones[i], weight: weights[i] })));

describe('ShardRing', () => {
  it('maps fixed keys to fixed shards (golden values: catches platform or algorithm drift)', () => {
    const ring = new ShardRing(table.shards);
    expect(ring.bucketBits).toBe(17);
    expect(ring.shardFor('alice', 'emea').id).toBe('emea-01');
    expect(ring.shardFor('bob', 'emea').id).toBe('emea-00');
    expect(ring.shardFor('carol', 'apac').id).toBe('apac-03');
    expect(ring.shardFor('dave', 'na').id).toBe('na-02');
    expect(ring.shardFor('用户-7', 'apac').id).toBe('apac-02');
    expect(ring.shardFor('😀', 'emea').id).toBe('emea-00');
    expect(hashKey64('')).toBe('5d24967186cb5543');
    expect(hashKey64('abcde')).toBe('fe3919de98d8daec');
    expect(hashKey64('用户-7')).toBe('fcc677eb60a74d63');
    const weighted = new ShardRing([
      { id: 'a', residencyZone: 'z', weight: 1 },
      { id: 'b', residencyZone: 'z', weight: 2.5 },
      { id: 'c', residencyZone: 'z', weight: 0.5 },
    ]);
    expect(['k1', 'k2', 'k3', 'k4', 'k5', 'k6'].map((k) => weighted.shardFor(k, 'z').id).join(',')).toBe('b,c,a,b,b,b');
  });

  it('gives the same shard for the same key in independently built rings, whatever the input order', () => {
    fc.assert(
      fc.property(
        shardSet,
        fc.array(fc.nat(), { minLength: 1, maxLength: 30 }),
        fc.array(fc.string({ minLength: 1 }), { minLength: 1, maxLength: 20 }),
        (shards, seeds, keys) => {
          const a = new ShardRing(
            shards.map((s) => ({ ...s })),
            SMALL,
          );
          const b = new ShardRing(
            shuffled(shards, seeds).map((s) => ({ ...s })),
            SMALL,
          );
          for (const key of keys) {
            for (const zone of a.zones) expect(b.shardFor(key, zone).id).toBe(a.shardFor(key, zone).id);
          }
        },
      ),
    );
  });

  it('never maps a key outside the zone it is looked up in', () => {
    fc.assert(
      fc.property(shardSet, fc.array(fc.string({ minLength: 1 }), { minLength: 1, maxLength: 50 }), (shards, keys) => {
        const ring = new ShardRing(shards, SMALL);
        for (const key of keys) {
          for (const zone of ['apac', 'emea', 'na']) {
            const result = ring.lookup(key, zone);
            if (shards.some((s) => s.residencyZone === zone)) {
              expect(result.ok && result.shard.residencyZone).toBe(zone);
            } else {
              expect(result).toMatchObject({ ok: false, reason: 'unknown-zone' });
            }
          }
        }
      }),
    );
  });

  it('moves only about 1/(n+1) of the keys when a shard is added, and only to the new shard', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20 }), fc.string({ minLength: 1, maxLength: 8 }), (n, keyPrefix) => {
        const before = new ShardRing(equalShards(n), MEDIUM);
        const after = new ShardRing([...equalShards(n), { id: 'new-shard', residencyZone: 'z', weight: 1 }], MEDIUM);
        const keys = 4000;
        let moved = 0;
        for (let i = 0; i < keys; i++) {
          const key = `${keyPrefix}:${i}`;
          const to = after.shardFor(key, 'z').id;
          if (to !== before.shardFor(key, 'z').id) {
            moved++;
            expect(to).toBe('new-shard');
          }
        }
        // Binomial over 2^14 buckets, then over 4000 keys: allow 5 standard deviations of both.
        const p = 1 / (n + 1);
        expect(moved / keys).toBeLessThanOrEqual(p + 5 * Math.sqrt((p * (1 - p)) / keys + (p * (1 - p)) / 2 ** 14));
      }),
      { numRuns: 25 },
    );
  });

  it("moves only the removed shard's keys when a shard is removed", () => {
    const before = new ShardRing(equalShards(8));
    const after = new ShardRing(equalShards(8).filter((s) => s.id !== 's3'));
    for (let i = 0; i < 20000; i++) {
      const was = before.shardFor(`k${i}`, 'z').id;
      if (was !== 's3') expect(after.shardFor(`k${i}`, 'z').id).toBe(was);
    }
  });

  it('balances 1,000,000 keys over 16 equal shards within max/mean 1.05', () => {
    const ring = new ShardRing(equalShards(16));
    const counts = new Map<string, number>();
    for (let i = 0; i < 1_000_000; i++) {
      const id = ring.shardFor(`user-${i}`, 'z').id;
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    expect(counts.size).toBe(16);
    const max = Math.max(...counts.values());
    expect(max / (1_000_000 / 16)).toBeLessThanOrEqual(1.05);
  });

  it('respects weights approximately', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 8 }), { minLength: 2, maxLength: 6 }), (weights) => {
        const ring = new ShardRing(
          weights.map((w, i) => ({ id: `w${i}`, residencyZone: 'z', weight: w })),
          MEDIUM,
        );
        const total = weights.reduce((a, b) => a + b, 0);
        const keys = 30000;
        const counts = new Array<number>(weights.length).fill(0);
        for (let i = 0; i < keys; i++) counts[Number(ring.shardFor(`key-${i}`, 'z').id.slice(1))]++;
        weights.forEach((w, i) => {
          const p = w / total;
          expect(Math.abs(counts[i] / keys - p)).toBeLessThanOrEqual(5 * Math.sqrt((p * (1 - p)) / keys + (p * (1 - p)) / 2 ** 14));
        });
      }),
      { numRuns: 15 },
    );
  });

  it('refuses unknown zones and bad input with messages naming the field', () => {
    const ring = new ShardRing(table.shards);
    expect(ring.lookup('alice', 'mars')).toMatchObject({ ok: false, reason: 'unknown-zone', detail: expect.stringContaining('"mars"') });
    expect(() => ring.shardFor('alice', 'mars')).toThrow(ShardRingError);
    expect(() => ring.shardFor('', 'emea')).toThrow(/key/);
    expect(() => new ShardRing([])).toThrow(/shards/);
    expect(() => new ShardRing([{ id: 'a', residencyZone: 'z', weight: 0 }])).toThrow(/shards\[0\]\.weight: .*got 0/);
    expect(
      () =>
        new ShardRing([
          { id: 'a', residencyZone: 'z', weight: 1 },
          { id: 'a', residencyZone: 'y', weight: 1 },
        ]),
    ).toThrow(/shards\[1\]\.id: duplicate/);
    expect(() => new ShardRing(table.shards, { bucketBits: 40 })).toThrow(/bucketBits: expected an integer 8..20, got 40/);
    expect(ring.zones).toEqual(['apac', 'emea', 'na']);
    expect(ring.shardsOf('emea').map((s) => s.id)).toEqual(['emea-00', 'emea-01', 'emea-02', 'emea-03']);
  });

  it('hashes non-ASCII keys by their UTF-8 bytes', () => {
    // "é" as one code point and as "e" + combining accent are different byte strings.
    expect(hashKey64('\u00e9')).not.toBe(hashKey64('e\u0301'));
    expect(hashKey64('a'.repeat(1000))).toMatch(/^[0-9a-f]{16}$/);
  });

  it("answers a zone's first lookups without its bucket table, then from the table, exactly as prepare() would", () => {
    const shards = ['a', 'b', 'c'].flatMap((zone) => [1, 2, 3, 4].map((n) => ({ id: `${zone}-${n}`, residencyZone: zone, weight: n })));
    const lazy = new ShardRing(shards);
    const eager = new ShardRing(shards).prepare();
    for (let i = 0; i < 10_000; i++) {
      const zone = ['a', 'b', 'c'][i % 3];
      expect(lazy.shardFor(`user-${i}`, zone).id).toBe(eager.shardFor(`user-${i}`, zone).id);
    }
  });
});
