/**
 * The geo radix trie (span-sized nodes, entries that hold a country, a short search range or a
 * child node) against a plain binary search over the data files' records: every record's first
 * and last key and the keys just outside them, both families, after the trie is built.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { countryForIp, preloadGeoDatabase } from '../../runtime/geo';

const dataFile = (name: string) => readFileSync(join(dirname(require.resolve('geoip-country/package.json')), 'data', name));
const ipv4 = (n: number) => `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
const group = (n: number) => (n & 0xffff).toString(16);
/** IPv6 text from the upper 64 bits (two u32 words); the lower 64 bits vary, as real addresses do. */
const ipv6 = (hi: number, lo: number, k: number) => [hi >>> 16, hi, lo >>> 16, lo, k, k >>> 16, 0, 1].map(group).join(':');

/** The record containing `key` by a binary search over the file's records, its two letters or undefined (a gap). */
function reference(buf: Buffer, size: 10 | 18, keyHi: number, keyLo: number): string | undefined {
  const words = size === 10 ? 1 : 2;
  const startOf = (r: number): [number, number] => [buf.readUInt32BE(r * size), words === 1 ? 0 : buf.readUInt32BE(r * size + 4)];
  const endOf = (r: number): [number, number] => [
    buf.readUInt32BE(r * size + 4 * words),
    words === 1 ? 0 : buf.readUInt32BE(r * size + 12),
  ];
  const le = (a: [number, number], b: [number, number]) => a[0] < b[0] || (a[0] === b[0] && a[1] <= b[1]);
  let lo = 0;
  let hi = buf.length / size - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (le(startOf(mid), [keyHi, keyLo])) {
      found = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  if (found < 0 || !le([keyHi, keyLo], endOf(found))) return undefined;
  return String.fromCharCode(buf[found * size + size - 2], buf[found * size + size - 1]);
}

beforeAll(() => preloadGeoDatabase());

describe('geo trie vs a binary search over the records', () => {
  it('on every IPv4 record: its first and last address and the addresses just outside it', () => {
    const buf = dataFile('geoip-country.dat');
    const mismatches: string[] = [];
    let checked = 0;
    for (let r = 0; r < buf.length / 10; r++) {
      const start = buf.readUInt32BE(r * 10);
      const end = buf.readUInt32BE(r * 10 + 4);
      for (const n of [start - 1, start, end, end + 1]) {
        if (n < 0 || n > 0xffffffff) continue;
        checked++;
        const expected = reference(buf, 10, n, 0);
        const got = countryForIp(ipv4(n));
        if (got !== expected && mismatches.length < 5) mismatches.push(`${ipv4(n)}: trie ${got}, records ${expected}`);
      }
    }
    expect(mismatches).toEqual([]);
    expect(checked).toBeGreaterThan(4 * 300_000);
  });

  it('on every IPv6 record: the first and last key of its upper 64 bits and the keys just outside it', () => {
    const buf = dataFile('geoip-country6.dat');
    const mismatches: string[] = [];
    let checked = 0;
    for (let r = 0; r < buf.length / 18; r++) {
      const sHi = buf.readUInt32BE(r * 18);
      const sLo = buf.readUInt32BE(r * 18 + 4);
      const eHi = buf.readUInt32BE(r * 18 + 8);
      const eLo = buf.readUInt32BE(r * 18 + 12);
      const keys: [number, number][] = [
        [sHi, sLo],
        [eHi, eLo],
        sLo === 0 ? [sHi - 1, 0xffffffff] : [sHi, sLo - 1],
        eLo === 0xffffffff ? [eHi + 1, 0] : [eHi, eLo + 1],
      ];
      for (const [hi, lo] of keys) {
        if (hi < 0 || hi > 0xffffffff) continue;
        checked++;
        const text = ipv6(hi, lo, r);
        const expected = reference(buf, 18, hi, lo);
        const got = countryForIp(text);
        if (got !== expected && mismatches.length < 5) mismatches.push(`${text}: trie ${got}, records ${expected}`);
      }
    }
    expect(mismatches).toEqual([]);
    expect(checked).toBeGreaterThan(4 * 200_000);
  });

  it('on keys at every 2^k step from a record start (the trie splits keys at bit boundaries)', () => {
    const buf = dataFile('geoip-country6.dat');
    const mismatches: string[] = [];
    for (let r = 0; r < buf.length / 18; r += 97) {
      const sHi = buf.readUInt32BE(r * 18);
      const sLo = buf.readUInt32BE(r * 18 + 4);
      for (let k = 0; k < 64; k += 3) {
        // start + 2^k, as (hi, lo) with the carry into hi
        const addHi = k >= 32 ? 2 ** (k - 32) : 0;
        const addLo = k < 32 ? 2 ** k : 0;
        let lo = sLo + addLo;
        let hi = sHi + addHi;
        if (lo > 0xffffffff) {
          lo -= 2 ** 32;
          hi += 1;
        }
        if (hi > 0xffffffff) continue;
        const text = ipv6(hi, lo, k);
        const expected = reference(buf, 18, hi, lo);
        const got = countryForIp(text);
        if (got !== expected && mismatches.length < 5) mismatches.push(`${text}: trie ${got}, records ${expected}`);
      }
    }
    expect(mismatches).toEqual([]);
  });
});
