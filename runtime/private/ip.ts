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

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  const lower = c | 0x20;
  if (lower >= 97 && lower <= 102) return lower - 87;
  return -1;
}

const groups = new Uint16Array(8);

/**
 * Parses IPv6 text in `s[start, end)` into `out` (four big-endian u32 words, most significant
 * first). Returns false, leaving `out` unspecified, when it is not an IPv6 address.
 */
export function parseIPv6Range(s: string, start: number, end: number, out: Uint32Array): boolean {
  if (end - start < 2 || end - start > 45) return false;
  let n = 0; // groups written
  let gap = -1; // index in `groups` where "::" stands
  let i = start;
  if (s.charCodeAt(i) === 58) {
    if (s.charCodeAt(i + 1) !== 58) return false; // a lone leading ':'
    gap = 0;
    i += 2;
    if (i === end) {
      out[0] = out[1] = out[2] = out[3] = 0;
      return true; // "::"
    }
  }
  while (i < end) {
    if (n === 8) return false;
    const groupStart = i;
    let value = 0;
    let digits = 0;
    while (i < end) {
      const h = hexValue(s.charCodeAt(i));
      if (h < 0) break;
      value = (value << 4) | h;
      if (++digits > 4) return false;
      i++;
    }
    if (i < end && s.charCodeAt(i) === 46) {
      // A dotted IPv4 tail: the last 32 bits.
      if (n > 6) return false;
      const v4 = parseIPv4Range(s, groupStart, end);
      if (v4 < 0) return false;
      groups[n++] = v4 >>> 16;
      groups[n++] = v4 & 0xffff;
      break; // the tail runs to the end
    }
    if (digits === 0) return false;
    groups[n++] = value;
    if (i === end) break;
    if (s.charCodeAt(i) !== 58) return false;
    i++;
    if (i < end && s.charCodeAt(i) === 58) {
      if (gap >= 0) return false; // a second "::"
      gap = n;
      i++;
      if (i === end) break; // ends with "::"
    } else if (i === end) {
      return false; // a lone trailing ':'
    }
  }
  if (gap < 0 ? n !== 8 : n > 7) return false;
  // Expand: groups before the gap, zeros, groups after it.
  const zeros = 8 - n;
  for (let w = 0; w < 4; w++) {
    const a = wordGroup(2 * w, gap, zeros);
    const b = wordGroup(2 * w + 1, gap, zeros);
    out[w] = ((a << 16) | b) >>> 0;
  }
  return true;
}

/** The value of 16-bit group `k` (0..7) of the expanded address. */
function wordGroup(k: number, gap: number, zeros: number): number {
  if (gap < 0 || k < gap) return groups[k];
  if (k < gap + zeros) return 0;
  return groups[k - zeros];
}

/** Whether the four words are an IPv4-mapped address (`::ffff:a.b.c.d`, in any spelling). */
export function isIPv4Mapped(words: Uint32Array): boolean {
  return words[0] === 0 && words[1] === 0 && words[2] === 0xffff;
}

/** `0x01020304` → `1.2.3.4`. */
export function formatIPv4(value: number): string {
  return `${value >>> 24}.${(value >>> 16) & 255}.${(value >>> 8) & 255}.${value & 255}`;
}
