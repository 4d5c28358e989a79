import { buildVocabulary, EOS_TOKEN, UNK_TOKEN, type Vocabulary } from '../vocabulary.js';
import type { CaptionExample } from './caption-batch.js';
import type { CaptionSplit } from './read-flickr8k.js';

/** The padding token of a caption vocabulary, id 0: what batches are padded with. */
export const CAPTION_PAD = '<pad>';
/** The begin-of-sentence token, id 2: the first input of every caption, given the image. */
export const CAPTION_BOS = '<bos>';
/**
 * The specials of a caption vocabulary, in id order: `<pad>` 0, `<unk>` 1, `<bos>` 2,
 * `<eos>` 3 (the last target of every caption, where generation stops).
 */
export const CAPTION_SPECIALS: readonly string[] = Object.freeze([
  CAPTION_PAD,
  UNK_TOKEN,
  CAPTION_BOS,
  EOS_TOKEN,
]);

/** Options of {@link buildCaptionVocabulary}. */
export interface CaptionVocabularyOptions {
  /**
   * Keep words seen at least this often; rarer ones encode as `<unk>`. Default 5, the
   * `word_count_threshold` of Karpathy's neuraltalk.
   */
  readonly minCount?: number;
}

function* wordsOf(captions: Iterable<readonly string[]>): Generator<string> {
  for (const caption of captions) yield* caption;
}

/**
 * A caption vocabulary: {@link CAPTION_SPECIALS} at ids 0–3, then the words of `captions`
 * seen at least `minCount` times, by descending count, ties by first occurrence
 * ({@link buildVocabulary}). Build it from the training captions only.
 *
 * @example
 * const vocabulary = buildCaptionVocabulary(flickr.train.captions.flat());
 * const bosId = vocabulary.id(CAPTION_BOS); // 2
 * @throws {RangeError} for a `minCount` that is not an integer ≥ 1.
 */
export function buildCaptionVocabulary(
  captions: Iterable<readonly string[]>,
  options: CaptionVocabularyOptions = {},
): Vocabulary {
  return buildVocabulary(wordsOf(captions), {
    specials: CAPTION_SPECIALS,
    minCount: options.minCount ?? 5,
  });
}

/**
 * A caption's words as ids `[words]` (no `<bos>` or `<eos>`: the batches add them); a word
 * outside the vocabulary becomes `<unk>`.
 *
 * @example encodeCaption(['a', 'dog'], vocabulary) // Int32Array [4, 17]
 * @throws {DataError} `'vocabulary'` for an unknown word when the vocabulary has no `<unk>`.
 */
export function encodeCaption(tokens: readonly string[], vocabulary: Vocabulary): Int32Array {
  return Int32Array.from(tokens, (token) => vocabulary.id(token));
}

/**
 * Every caption of a split as a {@link CaptionExample}, image by image in split order: the
 * `image` of a caption is its image's index in `split.images`, i.e. its row in
 * `selectImageFeatures(features, split.images, …)`.
 *
 * @example const train = encodeCaptionSplit(flickr.train, vocabulary); // 30,000 examples
 * @throws {DataError} as {@link encodeCaption}.
 */
export function encodeCaptionSplit(split: CaptionSplit, vocabulary: Vocabulary): CaptionExample[] {
  return split.captions.flatMap((captions, image) =>
    captions.map((tokens) => ({ image, tokens: encodeCaption(tokens, vocabulary) })),
  );
}
