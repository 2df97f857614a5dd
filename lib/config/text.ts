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
