import { DataError } from './data-error.js';
import { EOS_TOKEN } from './vocabulary.js';

/**
 * Where tokens came from, so errors can name a file and line: `lineStarts[k]` is the index of
 * the first token of line `k + 1` (non-decreasing; a line without tokens repeats the next
 * line's start).
 */
export interface TokenSource {
  /** The file the tokens were read from. */
  readonly path: string;
  /** Token index where each line starts; absent when lines are unknown. */
  readonly lineStarts?: Int32Array;
}

/** The tokens of one file, in order, with where each line starts (a {@link TokenSource}). */
export interface TokenizedText extends TokenSource {
  readonly tokens: readonly string[];
  readonly lineStarts: Int32Array;
}

/**
 * The 1-based line holding token `index`: the last line whose start is ≤ `index` (binary
 * search). Undefined when `lineStarts` is empty.
 */
export function lineOfToken(lineStarts: Int32Array, index: number): number | undefined {
  let low = 0;
  let high = lineStarts.length - 1;
  if (high < 0) return undefined;
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if ((lineStarts[middle] ?? 0) <= index) low = middle;
    else high = middle - 1;
  }
  return low + 1;
}

/**
 * Splits text into whitespace-separated tokens line by line and appends `<eos>` to every
 * line: Mikolov's sentence-per-line format, as Zaremba's reader treats it. A blank line inside
 * the file is an empty sentence (`<eos>` alone); whitespace at the very end of the file,
 * including the final newline, is not a sentence. `\r` is whitespace, so CRLF files read
 * the same as LF ones.
 *
 * @param check Called with each token and its 1-based line before it is kept (to refuse
 *   tokens a format does not allow).
 * @throws {DataError} `'empty'` when the text holds no tokens at all.
 */
export function tokenizeLines(
  text: string,
  path: string,
  check?: (token: string, line: number) => void,
): TokenizedText {
  const tokens: string[] = [];
  const lines = text.trimEnd().split('\n');
  const lineStarts = new Int32Array(lines.length);
  let sawWord = false;
  for (const [index, line] of lines.entries()) {
    lineStarts[index] = tokens.length;
    for (const token of line.split(/\s+/)) {
      if (token === '') continue;
      check?.(token, index + 1);
      tokens.push(token);
      sawWord = true;
    }
    tokens.push(EOS_TOKEN);
  }
  if (!sawWord) {
    throw new DataError('empty', path, `${path}: no tokens (the file holds only whitespace)`);
  }
  return { path, tokens, lineStarts };
}

/**
 * The first `maxTokens` tokens of `text` (all of them when it has fewer), with `lineStarts`
 * cut to match: e.g. the first 100k tokens of PTB train for the §1.8 subset.
 */
export function truncateTokens(text: TokenizedText, maxTokens: number): TokenizedText {
  if (!(Number.isSafeInteger(maxTokens) && maxTokens >= 1)) {
    throw new RangeError(`truncateTokens: maxTokens must be an integer ≥ 1, got ${maxTokens}`);
  }
  if (text.tokens.length <= maxTokens) return text;
  const lines = lineOfToken(text.lineStarts, maxTokens - 1) ?? 0;
  return {
    path: text.path,
    tokens: text.tokens.slice(0, maxTokens),
    lineStarts: text.lineStarts.slice(0, lines),
  };
}
