import { DataError } from './data-error.js';
import { readTextFile } from './text-file.js';
import { type TokenizedText, tokenizeLines } from './tokenized-text.js';

/** PTB-char's word separator: it is a character of the text and is predicted like any other. */
export const PTB_CHAR_WORD_SEPARATOR = '_';

/** One Unicode character: one UTF-16 unit, or a surrogate pair. */
function isOneCharacter(symbol: string): boolean {
  if (symbol.length === 1) return true;
  return symbol.length === 2 && (symbol.codePointAt(0) ?? 0) > 0xffff;
}

/**
 * Splits PTB character-level text (Mikolov's `ptb.char.*.txt`: characters separated by
 * spaces, `_` between words, one sentence per line) into single-character tokens, appending
 * `<eos>` to every line as for the word level. `_` is kept as a token, and `<unk>` stays the
 * five characters `< u n k >` the file spells out. PTB-char valid gives 389,672 characters
 * + 3,370 `<eos>` = 393,042 tokens; test 438,662 + 3,761 = 442,423.
 *
 * @throws {DataError} `'empty'` when there are no tokens; `'format'` for a symbol longer than
 *   one character (a word-level file passed by mistake), naming the line.
 */
export function tokenizePtbChars(text: string, path: string): TokenizedText {
  return tokenizeLines(text, path, (symbol, line) => {
    if (isOneCharacter(symbol)) return;
    throw new DataError(
      'format',
      path,
      `${path}:${line}: symbol ${JSON.stringify(symbol)} is longer than one character; PTB-char files separate every character by a space (is this a word-level file?)`,
      { line },
    );
  });
}

/**
 * Reads a PTB character-level file, plain or gzipped, into character tokens with `<eos>`
 * after every line; see {@link tokenizePtbChars}.
 *
 * @throws {DataError} `'missing'`, `'empty'`, `'gzip'`, `'binary'` or `'format'`, naming the
 *   file (and line).
 */
export async function readPtbChars(path: string): Promise<TokenizedText> {
  const { text } = await readTextFile(path);
  return tokenizePtbChars(text, path);
}
