/**
 * IP address parsing without allocation, for the per-request path: dotted IPv4 to a u32, IPv6
 * text (compressed `::`, embedded dotted IPv4 tail, any letter case) to four u32 words. Both are
 * strict (they accept exactly what `net.isIP` accepts, zone ids aside: the caller strips `%zone`)
 * and a property test compares them with `net.isIP` and `BlockList`.
 */

/** Parses a dotted IPv4 address (`1.2.3.4`, no leading zeros) in `s[start, end)` to a u32, or -1. */
export function parseIPv4Range(s: string, start: number, end: number): number {
  let value = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c === 46) {
      if (digits === 0 || dots === 3) return -1;
      value = value * 256 + part;
      part = 0;
      digits = 0;
      dots++;
    } else if (c >= 48 && c <= 57) {
      if (digits > 0 && part === 0) return -1; // leading zero
      part = part * 10 + (c - 48);
      if (++digits > 3 || part > 255) return -1;
    } else {
      return -1;
    }
  }
  if (dots !== 3 || digits === 0) return -1;
  return value * 256 + part;
}

/** Parses a dotted IPv4 address to an unsigned 32-bit number, or -1 if it is not one. */
export function parseIPv4(ip: string): number {
  return parseIPv4Range(ip, 0, ip.length);
}

/**
 * Char code → hex digit value, -1 for anything else (codes 0..127; callers check the range).
 * Upper-case letters have bit 4 set as well (`value | 16`), so a parse knows whether it saw one.
 */
const HEX = new Int8Array(128).fill(-1);
for (let c = 48; c <= 57; c++) HEX[c] = c - 48;
for (let c = 97; c <= 102; c++) {
  HEX[c] = c - 87;
  HEX[c - 32] = (c - 87) | 16;
}

/** {@link parseIPv6Range}'s answers: not an IPv6 address, one in lower case, one with an upper-case hex letter. */
export const NOT_IPV6 = 0;
export const IPV6_LOWER = 1;
export const IPV6_UPPER = 2;

const groups = new Uint16Array(8);

/**
 * Parses IPv6 text in `s[start, end)` into `out` (four big-endian u32 words, most significant
 * first). Returns {@link NOT_IPV6} (0, leaving `out` unspecified) when it is not an IPv6 address,
 * else {@link IPV6_LOWER} or {@link IPV6_UPPER} (whether a hex letter was upper-case, so a caller
 * knows whether the text needs lower-casing): a small int, no object and no module state. Reads
 * each character once (a table decodes hex digits): this runs on every IPv6 request.
 */
export function parseIPv6Range(s: string, start: number, end: number, out: Uint32Array): number {
  if (end - start < 2 || end - start > 45) return NOT_IPV6;
  let upper = 0; // bit 4 set once an upper-case letter was seen
  let n = 0; // groups written
  let gap = -1; // index in `groups` where "::" stands
  let i = start;
  let c = s.charCodeAt(i);
  if (c === 58) {
    if (s.charCodeAt(i + 1) !== 58) return NOT_IPV6; // a lone leading ':'
    gap = 0;
    i += 2;
    if (i === end) {
      out[0] = out[1] = out[2] = out[3] = 0;
      return IPV6_LOWER; // "::"
    }
    c = s.charCodeAt(i);
  }
  for (;;) {
    // One group: 1-4 hex digits (or the start of a dotted IPv4 tail); `c` is its first character.
    const groupStart = i;
    let h = c < 128 ? HEX[c] : -1;
    if (h < 0) return NOT_IPV6;
    upper |= h;
    let value = h & 15;
    while (++i < end) {
      c = s.charCodeAt(i);
      h = c < 128 ? HEX[c] : -1;
      if (h < 0) break;
      upper |= h;
      value = (value << 4) | (h & 15);
    }
    if (i < end && c === 46) {
      // A dotted IPv4 tail: the last 32 bits.
      if (n > 6) return NOT_IPV6;
      const v4 = parseIPv4Range(s, groupStart, end);
      if (v4 < 0) return NOT_IPV6;
      groups[n++] = v4 >>> 16;
      groups[n++] = v4 & 0xffff;
      break; // the tail runs to the end
    }
    if (i - groupStart > 4 || n === 8) return NOT_IPV6;
    groups[n++] = value;
    if (i === end) break;
    if (c !== 58) return NOT_IPV6;
    if (++i === end) return NOT_IPV6; // a lone trailing ':'
    c = s.charCodeAt(i);
    if (c === 58) {
      if (gap >= 0) return NOT_IPV6; // a second "::"
      gap = n;
      if (++i === end) break; // ends with "::"
      c = s.charCodeAt(i);
    }
  }
  if (gap < 0) {
    if (n !== 8) return NOT_IPV6;
  } else {
    if (n > 7) return NOT_IPV6;
    // Expand "::": the groups after it move to the end, zeros fill the gap.
    const zeros = 8 - n;
    for (let k = n - 1; k >= gap; k--) groups[k + zeros] = groups[k];
    for (let k = gap; k < gap + zeros; k++) groups[k] = 0;
  }
  out[0] = ((groups[0] << 16) | groups[1]) >>> 0;
  out[1] = ((groups[2] << 16) | groups[3]) >>> 0;
  out[2] = ((groups[4] << 16) | groups[5]) >>> 0;
  out[3] = ((groups[6] << 16) | groups[7]) >>> 0;
  return (upper & 16) === 0 ? IPV6_LOWER : IPV6_UPPER;
}

/** Whether the four words are an IPv4-mapped address (`::ffff:a.b.c.d`, in any spelling). */
export function isIPv4Mapped(words: Uint32Array): boolean {
  return words[0] === 0 && words[1] === 0 && words[2] === 0xffff;
}

/** `0x01020304` → `1.2.3.4`. */
export function formatIPv4(value: number): string {
  return `${value >>> 24}.${(value >>> 16) & 255}.${(value >>> 8) & 255}.${value & 255}`;
}
