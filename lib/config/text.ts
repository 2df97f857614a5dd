/** What a person can read in a text: shared by the config's written reasons and the compliance pack's suppressions (pure). */

/**
 * White space, control characters and invisible characters: format characters (zero-width space,
 * joiners, bidi marks), and the other default-ignorable code points (Hangul fillers, variation
 * selectors), which render as nothing.
 */
const INVISIBLE = /[\s\p{Cc}\p{Cf}\p{Default_Ignorable_Code_Point}]/gu;

/** The visible characters of a text: without white space, control and invisible characters. */
export function visibleText(text: string): string {
  return text.replace(INVISIBLE, '');
}

const WORDS = new Intl.Segmenter(undefined, { granularity: 'word' });

/**
 * The different words of a text that hold a letter, lower-cased, in order (Unicode word
 * boundaries: Chinese or Japanese text without spaces has words too). Punctuation and numbers
 * alone are no words; a word repeated counts once.
 */
export function distinctWords(text: string): string[] {
  const words = new Set<string>();
  for (const s of WORDS.segment(visibleTextKeepingSpaces(text)))
    if (s.isWordLike && /\p{L}/u.test(s.segment)) words.add(s.segment.toLowerCase());
  return [...words];
}

/** The text without control and invisible characters, white space kept (it separates words). */
function visibleTextKeepingSpaces(text: string): string {
  return text.replace(INVISIBLE, (c) => (/\s/u.test(c) ? ' ' : ''));
}

/** Fewest visible characters of a reason in words (white space, control and invisible characters not counted). */
export const MIN_REASON_CHARACTERS = 20;
/** Fewest different words (each holding a letter) of a reason: "xxxxxxxxxxxxxxxxxxxx" or "TODO TODO TODO TODO TODO" is no reason. */
export const MIN_REASON_WORDS = 4;
/** What a reason in words is, for messages. */
export const REASON_IN_WORDS = `at least ${MIN_REASON_CHARACTERS} visible characters (white space, control and invisible characters such as U+200B not counted) and at least ${MIN_REASON_WORDS} different words`;

/**
 * Why `reason` is no reason in words (`"10 visible characters, 1 different word"`), or undefined
 * when it is one: the one rule of the compliance pack's suppressions and the config's legal bases.
 */
export function reasonInWordsProblem(reason: unknown): string | undefined {
  if (typeof reason !== 'string') return 'no text';
  const visible = [...visibleText(reason)].length;
  const words = distinctWords(reason).length;
  return visible >= MIN_REASON_CHARACTERS && words >= MIN_REASON_WORDS
    ? undefined
    : `${visible} visible character${visible === 1 ? '' : 's'}, ${words} different word${words === 1 ? '' : 's'}`;
}
