import { checkCaptionCorpus, countNgrams } from './ngrams.js';

/** CIDEr-D of a corpus; see {@link corpusCiderD}. */
export interface CiderScore {
  /** The corpus CIDEr-D: the mean of `perImage`. */
  readonly score: number;
  /** CIDEr-D of each image's hypothesis against that image's references, in input order. */
  readonly perImage: readonly number[];
}

/** n = 1..4, as coco-caption. */
const ORDERS = 4;
/** The Gaussian length penalty's σ, as coco-caption. */
const SIGMA = 6;

/** A caption's tf-idf vector for each n-gram order, their Euclidean norms, and its length. */
interface WeightedCaption {
  readonly vectors: readonly Map<string, number>[];
  readonly norms: readonly number[];
  readonly length: number;
}

/**
 * CIDEr-D (Vedantam, Zitnick & Parikh 2015), the consensus-based caption metric exactly as
 * coco-caption's `cider_scorer.py` computes it. For a candidate c with references S_i among N
 * images, with g_k(s) the count of n-gram k in caption s:
 *
 * ```text
 * w_k(s)        = g_k(s) · (log N − log max(1, df_k))      df_k = #images whose references contain k
 * σ_n(c, s)     = Σ_k min(w_k(c), w_k(s)) · w_k(s) / (‖w_n(c)‖ ‖w_n(s)‖) · exp(−(l(c) − l(s))² / (2·6²))
 * CIDEr-D_n     = (10 / |S_i|) Σ_{s ∈ S_i} σ_n(c, s)
 * CIDEr-D(c, S) = (1/4) Σ_{n=1..4} CIDEr-D_n
 * ```
 *
 * The sum over k runs over the n-grams of order n; l(·) is the caption's length in tokens;
 * σ_n is 0 where either vector is all zero. What makes it "-D": the candidate's weights are
 * clipped by the reference's (`min`), so repeating a matching word earns nothing more, and the
 * Gaussian length penalty punishes captions much shorter or longer than the reference. The
 * scale of 10 makes values comparable to CIDEr's.
 *
 * Document frequencies come from the reference sets of the corpus being scored, as in
 * coco-caption, so an image's score depends on the other images in the call: score the whole
 * test split at once. One image alone scores 0 (every weight is log 1 − log 1). n-grams of the
 * candidate found in no reference get df = 1, i.e. the largest weight log N (they add to the
 * candidate's norm but match nothing).
 *
 * coco-caption's `counts2vec` takes the number of bigrams as the length; that is the token
 * count less one for every non-empty caption, and an empty caption's all-zero vector scores 0
 * whatever its length, so token counts give the same numbers.
 *
 * @param hypotheses one tokenized caption per image (already lower-cased and tokenized, as by
 *   coco-caption's PTB tokenizer); empty captions are allowed and score 0
 * @param references for every image, one or more tokenized reference captions
 * @throws RangeError when the lengths differ, the corpus is empty, an image has no references,
 *   or a token is not a string or contains U+0001
 */
export function corpusCiderD(
  hypotheses: readonly (readonly string[])[],
  references: readonly (readonly (readonly string[])[])[],
): CiderScore {
  checkCaptionCorpus('corpusCiderD', hypotheses, references);
  const referenceCounts = references.map((imageReferences) =>
    imageReferences.map((reference) => countNgrams(reference, ORDERS)),
  );

  // df counts images, not captions: an n-gram in three references of one image counts once.
  const documentFrequency = new Map<string, number>();
  for (const imageCounts of referenceCounts) {
    const seen = new Set<string>();
    for (const counts of imageCounts) {
      for (const order of counts) for (const key of order.keys()) seen.add(key);
    }
    for (const key of seen) documentFrequency.set(key, (documentFrequency.get(key) ?? 0) + 1);
  }

  const logImages = Math.log(hypotheses.length);
  const weigh = (counts: readonly Map<string, number>[], length: number): WeightedCaption => {
    const vectors = counts.map((order) => {
      const vector = new Map<string, number>();
      for (const [key, count] of order) {
        const df = documentFrequency.get(key) ?? 0;
        vector.set(key, count * (logImages - Math.log(Math.max(1, df))));
      }
      return vector;
    });
    const norms = vectors.map((vector) => {
      let squares = 0;
      for (const weight of vector.values()) squares += weight * weight;
      return Math.sqrt(squares);
    });
    return { vectors, norms, length };
  };

  const perImage = hypotheses.map((hypothesis, i) => {
    const candidate = weigh(countNgrams(hypothesis, ORDERS), hypothesis.length);
    const imageReferences = references[i] ?? [];
    let sum = 0;
    imageReferences.forEach((reference, k) => {
      const counts = referenceCounts[i]?.[k] ?? [];
      sum += similarity(candidate, weigh(counts, reference.length));
    });
    return (10 * sum) / ORDERS / imageReferences.length;
  });
  const score = perImage.reduce((total, value) => total + value, 0) / perImage.length;
  return { score, perImage };
}

/** Σ_n σ_n(c, s): the clipped cosine similarities of each order times the length penalty. */
function similarity(candidate: WeightedCaption, reference: WeightedCaption): number {
  const delta = candidate.length - reference.length;
  const penalty = Math.exp(-(delta * delta) / (2 * SIGMA * SIGMA));
  let total = 0;
  for (let n = 0; n < ORDERS; n += 1) {
    const candidateNorm = candidate.norms[n] ?? 0;
    const referenceNorm = reference.norms[n] ?? 0;
    // A zero norm means an all-zero vector, whose clipped dot product is 0 anyway.
    if (candidateNorm === 0 || referenceNorm === 0) continue;
    const inReference = reference.vectors[n];
    let dot = 0;
    for (const [key, weight] of candidate.vectors[n] ?? []) {
      const other = inReference?.get(key) ?? 0;
      dot += Math.min(weight, other) * other;
    }
    total += (dot / (candidateNorm * referenceNorm)) * penalty;
  }
  return total;
}
