import { DataError } from './data-error.js';
import { lineOfToken, type TokenSource } from './tokenized-text.js';
import type { Vocabulary } from './vocabulary.js';

/** Options of {@link encodeTokens}. */
export interface EncodeTokensOptions {
  /**
   * Refuse a token outside the vocabulary instead of mapping it to `<unk>` (default `false`).
   * Use it where the vocabulary must cover the data, e.g. full PTB valid and test.
   */
  readonly strict?: boolean;
  /** Where the tokens came from (a reader's result works), so errors name file and line. */
  readonly source?: TokenSource;
}

const NO_SOURCE: TokenSource = { path: '<tokens>' };

function unknownTokenError(
  token: string,
  index: number,
  source: TokenSource,
  why: string,
): DataError {
  const line = source.lineStarts ? lineOfToken(source.lineStarts, index) : undefined;
  const where = line === undefined ? source.path : `${source.path}:${line}`;
  return new DataError(
    'vocabulary',
    source.path,
    `${where}: token '${token}' is not in the vocabulary (${why})`,
    line === undefined ? undefined : { line },
  );
}

/**
 * Maps tokens to their ids, `[tokens.length]` int32. Unknown tokens become `<unk>`; in strict
 * mode, or when the vocabulary has no `<unk>`, the first unknown token is an error naming the
 * file and line: `ptb.valid.txt:17: token 'foo' is not in the vocabulary (strict)`.
 *
 * @throws {DataError} `'vocabulary'` as above.
 */
export function encodeTokens(
  tokens: readonly string[],
  vocabulary: Vocabulary,
  options: EncodeTokensOptions = {},
): Int32Array {
  const ids = new Int32Array(tokens.length);
  const fallback = options.strict === true ? undefined : vocabulary.unkId;
  for (const [index, token] of tokens.entries()) {
    const id = vocabulary.lookup(token) ?? fallback;
    if (id === undefined) {
      const why = options.strict === true ? 'strict' : 'and it has no <unk>';
      throw unknownTokenError(token, index, options.source ?? NO_SOURCE, why);
    }
    ids[index] = id;
  }
  return ids;
}

/**
 * How many tokens are outside the vocabulary (would become `<unk>`); the literal `<unk>` in
 * the text is not counted. Full PTB valid and test have none against the train vocabulary.
 */
export function countUnknownTokens(tokens: readonly string[], vocabulary: Vocabulary): number {
  let unknown = 0;
  for (const token of tokens) if (!vocabulary.has(token)) unknown += 1;
  return unknown;
}
