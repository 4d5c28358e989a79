import { checkCaptionCorpus } from './ngrams.js';

/** Options of {@link corpusRougeL}. */
export interface RougeLOptions {
  /** β, how much recall weighs against precision: a finite number ≥ 0; default 1.2. */
  readonly beta?: number;
}

/** ROUGE-L of a corpus; see {@link corpusRougeL}. */
export interface RougeLScore {
  /** The corpus ROUGE-L: the mean of `perImage`. */
  readonly score: number;
  /** ROUGE-L of each image's hypothesis against that image's references, in input order. */
  readonly perImage: readonly number[];
}

/**
 * ROUGE-L (Lin 2004) with several references per hypothesis, exactly as coco-caption's
 * `rouge.py` computes it for image captioning. For a candidate c with references r_1 … r_m,
 * LCS_j the length of the longest common subsequence of c and r_j:
 *
 * ```text
 * P       = max_j LCS_j / |c|
 * R       = max_j LCS_j / |r_j|
 * ROUGE-L = (1 + β²) · P · R / (R + β² · P)      if P > 0 and R > 0, else 0
 * ```
 *
 * The two maxima are taken separately, as coco-caption's `calc_score` does: P may come from
 * one reference and R from another, so the score can exceed every single reference's F-measure
 * (it is not `max_j F_j`). The corpus score is the mean over images; β = 1.2 weighs recall a
 * little more than precision. A subsequence need not be contiguous: "a man a horse" is common to
 * "a man rides a horse" and "a man is riding a brown horse".
 *
 * An empty hypothesis scores 0; an empty reference has LCS 0 and recall 0 (coco-caption splits
 * the string "" into one empty token instead, which can only differ on empty captions).
 *
 * Runs in O(|c| · |r_j|) time per reference with one `Int32Array` row of min(|c|, |r_j|) + 1
 * entries.
 *
 * @param hypotheses one tokenized caption per image (lower-cased and tokenized, as by
 *   coco-caption's PTB tokenizer); empty captions are allowed and score 0
 * @param references for every image, one or more tokenized reference captions
 * @throws RangeError when the lengths differ, the corpus is empty, an image has no references,
 *   a token is not a string or contains U+0001 (checked as for the other caption metrics), or
 *   `beta` is not a finite number ≥ 0
 */
export function corpusRougeL(
  hypotheses: readonly (readonly string[])[],
  references: readonly (readonly (readonly string[])[])[],
  options: RougeLOptions = {},
): RougeLScore {
  const beta = options.beta ?? 1.2;
  if (!Number.isFinite(beta) || beta < 0) {
    throw new RangeError(`corpusRougeL: options.beta must be a finite number ≥ 0, got ${beta}`);
  }
  checkCaptionCorpus('corpusRougeL', hypotheses, references);
  const betaSquared = beta * beta;

  const perImage = hypotheses.map((hypothesis, i) => {
    if (hypothesis.length === 0) return 0;
    let longest = 0;
    let recall = 0;
    for (const reference of references[i] ?? []) {
      const lcs = longestCommonSubsequence(hypothesis, reference);
      longest = Math.max(longest, lcs);
      // An empty reference shares nothing: LCS 0, recall 0 rather than 0/0.
      if (lcs > 0) recall = Math.max(recall, lcs / reference.length);
    }
    const precision = longest / hypothesis.length;
    if (precision === 0 || recall === 0) return 0;
    return ((1 + betaSquared) * precision * recall) / (recall + betaSquared * precision);
  });
  const score = perImage.reduce((total, value) => total + value, 0) / perImage.length;
  return { score, perImage };
}

/**
 * The length of the longest common subsequence of `a` and `b` (tokens compared with `===`):
 * the usual dynamic programme, L[i][j] = L[i−1][j−1] + 1 if a_i = b_j else
 * max(L[i−1][j], L[i][j−1]), kept in one row over the shorter sequence.
 */
function longestCommonSubsequence(a: readonly string[], b: readonly string[]): number {
  const [outer, inner] = a.length >= b.length ? [a, b] : [b, a];
  // row[j] holds L[i][j] for the j first tokens of inner; row[0] stays 0.
  const row = new Int32Array(inner.length + 1);
  for (const token of outer) {
    let diagonal = 0; // L[i−1][j−1]
    for (let j = 1; j <= inner.length; j += 1) {
      const above = row[j] ?? 0; // L[i−1][j]
      const left = row[j - 1] ?? 0; // L[i][j−1]
      row[j] = token === inner[j - 1] ? diagonal + 1 : Math.max(above, left);
      diagonal = above;
    }
  }
  return row[inner.length] ?? 0;
}
