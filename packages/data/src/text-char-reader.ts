import { DataError } from './data-error.js';
import { readTextFile } from './text-file.js';
import type { TokenizedText } from './tokenized-text.js';

/** Options of {@link readTextChars} and {@link tokenizeTextChars}. */
export interface TextCharsOptions {
  /**
   * Turn CRLF and lone CR line endings into `\n` (default `true`). War and Peace is stored
   * with CRLF; without this, `\r` would be a character the model must learn to predict before
   * every newline, and the text would differ from the LF copies of the same book.
   */
  readonly normalizeNewlines?: boolean;
}

/**
 * Splits raw text into one token per Unicode character (code point), newlines included, for
 * character-level models (tinyshakespeare: 1,115,394 tokens, 65 distinct). A leading
 * byte-order mark is never a token (`readTextFile` drops it: it marks the encoding, it is not
 * text); line endings are normalised to `\n` unless `normalizeNewlines: false` (so War and
 * Peace gives 3,196,212 tokens, 82 distinct, instead of 3,258,226 with `\r`). No `<eos>` is
 * added: the newline character plays that part.
 *
 * @throws {DataError} `'empty'` when no character is left.
 */
export function tokenizeTextChars(
  text: string,
  path: string,
  options: TextCharsOptions = {},
): TokenizedText {
  const body = options.normalizeNewlines === false ? text : text.replace(/\r\n?/g, '\n');
  const tokens = Array.from(body);
  if (tokens.length === 0) throw new DataError('empty', path, `${path}: no characters`);
  const lineStarts: number[] = [0];
  for (const [index, token] of tokens.entries()) {
    if (token === '\n' && index + 1 < tokens.length) lineStarts.push(index + 1);
  }
  return { path, tokens, lineStarts: Int32Array.from(lineStarts) };
}

/**
 * Reads a raw text file (tinyshakespeare `input.txt`, War and Peace `.txt.gz`), plain or
 * gzipped, as one token per character; see {@link tokenizeTextChars} for the BOM and line
 * endings.
 *
 * @throws {DataError} `'missing'`, `'empty'`, `'gzip'` or `'binary'`, naming the file (and line).
 */
export async function readTextChars(
  path: string,
  options: TextCharsOptions = {},
): Promise<TokenizedText> {
  const { text } = await readTextFile(path);
  return tokenizeTextChars(text, path, options);
}
