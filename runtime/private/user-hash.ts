/**
 * A fast, stable hash of a user id to a number in [0, 1): the same id gives the same number in every
 * process and on every platform (FNV-1a over UTF-16 code units, then the murmur3 finaliser so
 * similar ids spread evenly). Different `seed`s give independent numbers for the same id.
 */
export function userUnit(userId: string, seed: number): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < userId.length; i++) {
    h ^= userId.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 4_294_967_296;
}
