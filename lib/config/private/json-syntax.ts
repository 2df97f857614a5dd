/**
 * Where a JSON text stops being JSON, as a line, a column and the line itself: `JSON.parse` says
 * "at position 7992" (or, for some errors, no position at all), which nobody can find in a file.
 * A strict RFC 8259 scan finds the first character that cannot continue the text; it runs only
 * after `JSON.parse` failed, on a text whose nesting is already bounded (MAX_JSON_DEPTH).
 */
import { codePointName, unsafeCharacter } from '../../../runtime/problem';

/** The first offending place of a JSON text. */
export interface JsonSyntaxError {
  /** 1-based line. */
  readonly line: number;
  /** 1-based column, in characters (code points). */
  readonly column: number;
  /** What was found there: a character (JSON-quoted, or its code when it is invisible), or "the end of the text". */
  readonly found: string;
  /** The line around the column, at most {@link EXCERPT_CHARACTERS} characters, unsafe characters shown as "?". */
  readonly excerpt: string;
  /** Column of the offending character inside `excerpt` (0-based, in characters). */
  readonly excerptColumn: number;
}

const EXCERPT_CHARACTERS = 100;
const WS = new Set([0x20, 0x09, 0x0a, 0x0d]);

/** Index of the first character at which `text` is not JSON, or -1 when it is JSON. */
export function jsonErrorIndex(text: string): number {
  let i = 0;
  const ws = () => {
    while (i < text.length && WS.has(text.charCodeAt(i))) i++;
  };
  const literal = (word: string): boolean => {
    for (let k = 0; k < word.length; k++, i++) if (text[i] !== word[k]) return false;
    return true;
  };
  const string = (): boolean => {
    i++; // the opening quote
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c === 0x22) return (i++, true);
      if (c < 0x20) return false;
      if (c === 0x5c) {
        const e = text[i + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
            i += 2;
            while (i < text.length && /[0-9a-fA-F]/.test(text[i])) i++;
            return false;
          }
          i += 6;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) i += 2;
        else return (i++, false);
      } else i++;
    }
    return false; // unterminated: the end of the text
  };
  const digits = (): boolean => {
    const start = i;
    while (i < text.length && text.charCodeAt(i) >= 0x30 && text.charCodeAt(i) <= 0x39) i++;
    return i > start;
  };
  const number = (): boolean => {
    if (text[i] === '-') i++;
    if (text[i] === '0') {
      i++;
      if (/[0-9]/.test(text[i] ?? '')) return false; // a leading zero
    } else if (!digits()) return false;
    if (text[i] === '.') {
      i++;
      if (!digits()) return false;
    }
    if (text[i] === 'e' || text[i] === 'E') {
      i++;
      if (text[i] === '+' || text[i] === '-') i++;
      if (!digits()) return false;
    }
    return true;
  };
  const value = (): boolean => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') return (i++, true);
      for (;;) {
        ws();
        if (text[i] !== '"' || !string()) return false;
        ws();
        if (text[i] !== ':') return false;
        i++;
        if (!value()) return false;
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === '}') return (i++, true);
        else return false;
      }
    }
    if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') return (i++, true);
      for (;;) {
        if (!value()) return false;
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === ']') return (i++, true);
        else return false;
      }
    }
    if (c === '"') return string();
    if (c === 't') return literal('true');
    if (c === 'f') return literal('false');
    if (c === 'n') return literal('null');
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return number();
    return false;
  };
  if (!value()) return Math.min(i, text.length);
  ws();
  return i < text.length ? i : -1;
}

/** The place `JSON.parse` refused, or undefined when the scan finds `text` to be JSON. */
export function jsonSyntaxError(text: string): JsonSyntaxError | undefined {
  const index = jsonErrorIndex(text);
  if (index < 0) return undefined;
  const lineStart = text.lastIndexOf('\n', index - 1) + 1;
  const lineEndAt = text.indexOf('\n', index);
  const lineEnd = lineEndAt < 0 ? text.length : lineEndAt;
  let line = 1;
  for (let k = text.indexOf('\n'); k >= 0 && k < index; k = text.indexOf('\n', k + 1)) line++;
  const before = [...text.slice(lineStart, index)];
  const rest = [...text.slice(index, lineEnd).replace(/\r$/, '')];
  const shownBefore = before.slice(-Math.floor(EXCERPT_CHARACTERS / 2));
  const shownAfter = rest.slice(0, EXCERPT_CHARACTERS - shownBefore.length);
  const safe = (chars: string[]) => chars.map((c) => (unsafeCharacter(c) === undefined ? c : '?')).join('');
  const lead = before.length > shownBefore.length ? '…' : '';
  const tail = rest.length > shownAfter.length ? '…' : '';
  const code = text.codePointAt(index);
  const at = code === undefined ? undefined : String.fromCodePoint(code);
  return {
    line,
    column: before.length + 1,
    found: at === undefined ? 'the end of the text' : unsafeCharacter(at) === undefined ? JSON.stringify(at) : codePointName(at),
    excerpt: `${lead}${safe(shownBefore)}${safe(shownAfter)}${tail}`,
    excerptColumn: lead.length + shownBefore.length,
  };
}
