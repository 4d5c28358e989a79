import { readTextFile } from './text-file.js';
import { type TokenizedText, tokenizeLines } from './tokenized-text.js';

/**
 * Splits PTB word-level text (Mikolov's `ptb.*.txt`: one sentence per line, tokens separated
 * by spaces) into tokens, appending `<eos>` to every line. PTB train gives 929,589 tokens
 * (887,521 words + 42,068 `<eos>`), valid 73,760 and test 82,430 (papers.md §0.2,
 * shared/data/SOURCES.md §1).
 *
 * @throws {DataError} `'empty'` when there are no tokens.
 */
export function tokenizePtbWords(text: string, path: string): TokenizedText {
  return tokenizeLines(text, path);
}

/**
 * Reads a PTB word-level file, plain or gzipped (detected by its magic bytes), into tokens
 * with `<eos>` after every line; see {@link tokenizePtbWords}.
 *
 * @example const valid = await readPtbWords('data/ptb/ptb.valid.txt'); // 73,760 tokens
 * @throws {DataError} `'missing'`, `'empty'`, `'gzip'` or `'binary'`, naming the file (and line).
 */
export async function readPtbWords(path: string): Promise<TokenizedText> {
  const { text } = await readTextFile(path);
  return tokenizePtbWords(text, path);
}
