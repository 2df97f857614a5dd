/**
 * Why a file's text is not JSON, in words a terminal can show: binary content (control characters,
 * bytes that were not UTF-8) is described, not echoed; a parser message that quotes the text has its
 * remaining control characters escaped.
 */

// eslint-disable-next-line no-control-regex -- control characters are what this looks for
const BINARY = /[\u0000-\u0008\u000e-\u001f\u007f-\u009f\ufffd]/;
// eslint-disable-next-line no-control-regex -- control characters are what this escapes
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

/** True when `text` (its first 4 KiB) looks like binary data rather than JSON text. */
export function looksBinary(text: string): boolean {
  return BINARY.test(text.slice(0, 4096));
}

/** The reason `JSON.parse(text)` threw `err`, safe to print: "the file holds binary data, …" or the parser's message. */
export function jsonParseFailure(text: string, err: unknown): string {
  if (looksBinary(text)) return 'the file holds binary data, not UTF-8 JSON text';
  const message = err instanceof Error ? err.message : String(err);
  return message.replace(CONTROL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
