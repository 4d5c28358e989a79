import { DataError } from '../data-error.js';
import { buildVocabulary, UNK_TOKEN, type Vocabulary } from '../vocabulary.js';
import type { LabelledSentence } from './read-sentence-classification.js';

/** The padding token: id 0 of a sentence vocabulary, the id after each sentence in a batch. */
export const PAD_TOKEN = '<pad>';

/** The id of {@link PAD_TOKEN} in every vocabulary from {@link buildSentenceVocabulary}. */
export const PAD_ID = 0;

/** A sentence as token ids, with its class id. */
export interface EncodedSentence {
  /** Token ids, `[length]` int32, `length ≥ 1` from {@link encodeSentences}. */
  readonly ids: Int32Array;
  /** The class id. */
  readonly label: number;
}

/** Options of {@link buildSentenceVocabulary}. */
export interface SentenceVocabularyOptions {
  /** Drop tokens seen fewer times than this; they encode as `<unk>` (default 1: keep all). */
  readonly minCount?: number;
}

/** Options of {@link encodeSentences}. */
export interface EncodeSentencesOptions {
  /** Keep only the first this many tokens of each sentence (default: all). */
  readonly maxLength?: number;
}

function* tokensOf(sentences: Iterable<{ readonly tokens: readonly string[] }>): Generator<string> {
  for (const sentence of sentences) yield* sentence.tokens;
}

/**
 * A vocabulary for sentence classification: `<pad>` at id 0 ({@link PAD_ID}, what batches are
 * padded with), `<unk>` at id 1, then the tokens of `sentences` by descending count, ties by
 * first occurrence ({@link buildVocabulary}). Build it from the training examples only, so
 * test words the model never saw become `<unk>`.
 *
 * @example const vocabulary = buildSentenceVocabulary(dataset.train, { minCount: 1 });
 * @throws {RangeError} for a `minCount` that is not an integer ≥ 1.
 */
export function buildSentenceVocabulary(
  sentences: Iterable<{ readonly tokens: readonly string[] }>,
  options: SentenceVocabularyOptions = {},
): Vocabulary {
  return buildVocabulary(tokensOf(sentences), {
    specials: [PAD_TOKEN, UNK_TOKEN],
    ...(options.minCount === undefined ? {} : { minCount: options.minCount }),
  });
}

/**
 * Maps each sentence's tokens to ids through `vocabulary.id` (unknown tokens → `<unk>`),
 * keeping the first `maxLength` tokens when that is given, and keeps its label.
 *
 * An empty sentence (a line that cleaning emptied: CR and MPQA have a few blank lines) is
 * kept, so the counts match the published ones, and becomes the one-token sentence
 * `[<unk>]`, not `[<pad>]`: length 1 with a real token ("nothing known"), where padding is
 * what a model may mask out.
 *
 * @example const train = encodeSentences(dataset.train, vocabulary, { maxLength: 100 });
 * @throws {RangeError} for a `maxLength` that is not an integer ≥ 1.
 * @throws {DataError} `'vocabulary'` for an unknown token or an empty sentence when the
 *   vocabulary has no `<unk>`.
 */
export function encodeSentences(
  sentences: readonly LabelledSentence[],
  vocabulary: Vocabulary,
  options: EncodeSentencesOptions = {},
): EncodedSentence[] {
  const { maxLength } = options;
  if (maxLength !== undefined && !(Number.isSafeInteger(maxLength) && maxLength >= 1)) {
    throw new RangeError(`encodeSentences: maxLength must be an integer ≥ 1, got ${maxLength}`);
  }
  return sentences.map(({ tokens, label }, index) => {
    if (tokens.length === 0) {
      if (vocabulary.unkId === undefined) {
        throw new DataError(
          'vocabulary',
          '<vocabulary>',
          `encodeSentences: sentence ${index} has no tokens and the vocabulary has no ${UNK_TOKEN} to stand for it`,
        );
      }
      return { ids: Int32Array.of(vocabulary.unkId), label };
    }
    const kept = maxLength === undefined ? tokens : tokens.slice(0, maxLength);
    return { ids: Int32Array.from(kept, (token) => vocabulary.id(token)), label };
  });
}
