/**
 * Free text of the config (a location, a zone description, a reason, a price source) reaches
 * Cloudflare pool descriptions, tags, reports and the routing table, and people read it there. A
 * control character (a newline, NUL), a bidirectional control (U+202E reverses what follows) or an
 * invisible character (a zero-width space) makes what they read differ from what is there, so every
 * string of the config, values and keys, is refused when it holds one: one problem per string,
 * naming the first such character by its code (the value itself is printed escaped).
 */
import { codePointName, formatPath, unsafeCharacter, type Problem } from '../../../runtime/problem';

const ALLOWED =
  'allowed: text without control, bidirectional or invisible characters (it reaches Cloudflare pool descriptions, tags and the routing table, where they would hide or reorder what a reader sees)';

const KIND = {
  control: 'the control character',
  'line separator': 'the line separator',
  'bidirectional control': 'the bidirectional control character',
  invisible: 'the invisible character',
} as const;

/** What is wrong with `text`, or undefined when it holds no control, bidirectional or invisible character. */
function unsafeTextMessage(text: string): string | undefined {
  const found = unsafeCharacter(text);
  if (found === undefined) return undefined;
  const position = [...text.slice(0, found.index)].length + 1;
  return `holds ${KIND[found.kind]} ${codePointName(found.char)} (character ${position}); ${ALLOWED}`;
}

/** One problem per string (value or key) of plain data `data` that holds a control, bidirectional or invisible character. */
export function unsafeTextProblems(data: unknown): Problem[] {
  const problems: Problem[] = [];
  const walk = (value: unknown, path: PropertyKey[]): void => {
    if (typeof value === 'string') {
      const message = unsafeTextMessage(value);
      if (message !== undefined) problems.push({ path: formatPath(path), value, message });
    } else if (Array.isArray(value)) value.forEach((item, i) => walk(item, [...path, i]));
    else if (value !== null && typeof value === 'object')
      for (const [key, item] of Object.entries(value)) {
        const message = unsafeTextMessage(key);
        if (message !== undefined) problems.push({ path: formatPath([...path, key]), value: key, message: `is a key that ${message}` });
        walk(item, [...path, key]);
      }
  };
  walk(data, []);
  return problems;
}
