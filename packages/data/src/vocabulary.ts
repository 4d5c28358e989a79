import { DataError } from './data-error.js';

/** The token unknown words map to; PTB spells it this way in its text, too. */
export const UNK_TOKEN = '<unk>';
/** The end-of-sentence token the line readers append to every line (Mikolov's PTB setup). */
export const EOS_TOKEN = '<eos>';
/** Specials that `buildVocabulary` puts first, at ids 0 and 1, unless told otherwise. */
export const DEFAULT_SPECIALS: readonly string[] = Object.freeze([UNK_TOKEN, EOS_TOKEN]);

/**
 * A fixed mapping between tokens and integer ids `0 … size − 1`. Immutable.
 *
 * `unkId` is the id of `<unk>` and `eosId` that of `<eos>`, when the vocabulary holds them
 * (a character vocabulary for raw text may have no `<eos>`).
 */
export interface Vocabulary {
  /** Number of tokens, i.e. `vocabSize` for the embedding and the softmax. */
  readonly size: number;
  /** Every token, indexed by id (frozen). */
  readonly tokens: readonly string[];
  /** The id of `<unk>`, or `undefined` when the vocabulary has none. */
  readonly unkId: number | undefined;
  /** The id of `<eos>`, or `undefined` when the vocabulary has none. */
  readonly eosId: number | undefined;
  /**
   * The id of `token`; an unknown token gets `unkId`.
   * @throws {DataError} `'vocabulary'` for an unknown token when there is no `<unk>`.
   */
  id(token: string): number;
  /** The id of `token`, or `undefined` when it is not in the vocabulary (no `<unk>` fallback). */
  lookup(token: string): number | undefined;
  /** Whether `token` is in the vocabulary (the literal `<unk>` is). */
  has(token: string): boolean;
  /**
   * The token with this id.
   * @throws {RangeError} for an id outside `[0, size)`.
   */
  token(id: number): string;
}

/**
 * Makes a vocabulary from its tokens in id order (as `loadVocabulary` does). `<unk>` and
 * `<eos>`, where present, become `unkId` and `eosId`.
 *
 * @throws {Error} for an empty list or a token listed twice.
 */
export function createVocabulary(tokens: readonly string[]): Vocabulary {
  if (tokens.length === 0) throw new Error('A vocabulary needs at least one token');
  const ids = new Map<string, number>();
  for (const [index, token] of tokens.entries()) {
    if (ids.has(token)) {
      throw new Error(`Token ${JSON.stringify(token)} appears twice in the vocabulary`);
    }
    ids.set(token, index);
  }
  const list = Object.freeze([...tokens]);
  const unkId = ids.get(UNK_TOKEN);
  return {
    size: list.length,
    tokens: list,
    unkId,
    eosId: ids.get(EOS_TOKEN),
    id(token) {
      const id = ids.get(token) ?? unkId;
      if (id !== undefined) return id;
      throw new DataError(
        'vocabulary',
        '<vocabulary>',
        `token ${JSON.stringify(token)} is not in the vocabulary, which has no ${UNK_TOKEN} to map it to`,
      );
    },
    lookup: (token) => ids.get(token),
    has: (token) => ids.has(token),
    token(id) {
      const token = Number.isInteger(id) ? list[id] : undefined;
      if (token === undefined) {
        throw new RangeError(`Token id ${id} is outside the vocabulary [0, ${list.length})`);
      }
      return token;
    },
  };
}

/** Options of {@link buildVocabulary}. */
export interface BuildVocabularyOptions {
  /** Tokens placed first, in this order, whatever their counts. Default `['<unk>', '<eos>']`. */
  readonly specials?: readonly string[];
  /**
   * The most tokens to keep, specials included (the softmax size). The most frequent are
   * kept; ties go to the token seen first, so the result never depends on hash order.
   * Default: no limit. (§1.8/§3.4 use 2,000 on the PTB subset.)
   */
  readonly maxSize?: number;
  /** Drop tokens seen fewer times than this (specials are always kept). Default 1. */
  readonly minCount?: number;
}

function checkCountOption(name: string, value: number | undefined, least: number): void {
  if (value !== undefined && !(Number.isSafeInteger(value) && value >= least)) {
    throw new RangeError(`buildVocabulary: ${name} must be an integer ≥ ${least}, got ${value}`);
  }
}

/** Counts each token, in first-occurrence order (a Map keeps insertion order). */
function countTokens(tokens: Iterable<string>, specials: ReadonlySet<string>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const token of tokens) {
    if (!specials.has(token)) counts.set(token, (counts.get(token) ?? 0) + 1);
  }
  return counts;
}

/**
 * Builds a vocabulary from a token stream: the specials first (ids `0 … k − 1`), then the
 * other tokens by descending count, ties broken by first occurrence. Tokens cut by `maxSize`
 * or `minCount` map to `<unk>` when encoded. PTB train with the defaults gives 10,000 tokens
 * (9,998 words besides `<unk>` and `<eos>`, papers.md §0.2).
 *
 * @throws {RangeError} for a bad option, or `maxSize` smaller than the number of specials.
 * @throws {Error} for a special listed twice.
 */
export function buildVocabulary(
  tokens: Iterable<string>,
  options: BuildVocabularyOptions = {},
): Vocabulary {
  const specials = options.specials ?? DEFAULT_SPECIALS;
  checkCountOption('maxSize', options.maxSize, Math.max(1, specials.length));
  checkCountOption('minCount', options.minCount, 1);
  const specialSet = new Set(specials);
  if (specialSet.size !== specials.length) {
    throw new Error(`buildVocabulary: specials list a token twice: ${JSON.stringify(specials)}`);
  }
  const minCount = options.minCount ?? 1;
  const room = (options.maxSize ?? Number.POSITIVE_INFINITY) - specials.length;
  const ranked = [...countTokens(tokens, specialSet)]
    .filter(([, count]) => count >= minCount)
    // Array.prototype.sort is stable, so equal counts keep first-occurrence order.
    .sort((a, b) => b[1] - a[1])
    .slice(0, room)
    .map(([token]) => token);
  return createVocabulary([...specials, ...ranked]);
}
