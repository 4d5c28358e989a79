/** Options of {@link cleanSentence}. */
export interface CleanSentenceOptions {
  /** Lowercase the tokens (default `true`; Kim keeps case for TREC only). */
  readonly lowercase?: boolean;
}

/** Everything but ASCII letters, digits and `( ) , ! ? ' \``: Kim's first substitution. */
const NOT_KEPT = /[^A-Za-z0-9(),!?'`]/g;

/** The clitics Kim splits off, in his order (which matters: `'s` runs before `n't`). */
const CLITICS = ["'s", "'ve", "n't", "'re", "'d", "'ll"] as const;

/** The punctuation Kim pads with spaces so it becomes a token of its own. */
const PUNCTUATION = /[,!()?]/g;

/**
 * Tokenises one sentence as Kim (2014) did for MR, CR, SUBJ, MPQA and TREC (`clean_str` in
 * `yoonkim/CNN_sentence/process_data.py`), the preprocessing Gan et al. (2017) took
 * over with the data:
 *
 * 1. every character other than `[A-Za-z0-9(),!?'\`]` becomes a space (so accents, quotes,
 *    dashes, `.`, `:` and every non-ASCII character go);
 * 2. the clitics `'s 've n't 're 'd 'll` are split off, wherever they occur and case-sensitively
 *    (`it's` → `it 's`, `don't` → `do n't`, but `DON'T` stays one token);
 * 3. `, ! ( ) ?` are spaced into tokens of their own (Kim's Python writes `(` as `\(`; we emit
 *    a plain `(` and `)`);
 * 4. runs of spaces collapse and the ends are trimmed, then the text is lowercased unless
 *    `lowercase: false` (Kim keeps case for TREC), and split into tokens.
 *
 * Python 2 ran this on bytes, so each non-ASCII byte became a space; decoding the files as
 * windows-1252 (one character per byte, none of them ASCII above 0x7F) gives the same tokens.
 * Text with nothing kept gives no tokens, `[]`.
 *
 * @example
 * cleanSentence("it's not (quite) a 'dud'!");
 * // ['it', "'s", 'not', '(', 'quite', ')', 'a', "'dud'", '!']
 */
export function cleanSentence(text: string, options: CleanSentenceOptions = {}): string[] {
  let cleaned = text.replace(NOT_KEPT, ' ');
  for (const clitic of CLITICS) cleaned = cleaned.replaceAll(clitic, ` ${clitic}`);
  cleaned = cleaned.replace(PUNCTUATION, ' $& ').trim();
  if (options.lowercase ?? true) cleaned = cleaned.toLowerCase();
  return cleaned === '' ? [] : cleaned.split(/ +/);
}
