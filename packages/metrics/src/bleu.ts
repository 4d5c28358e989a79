import { checkCaptionCorpus, countNgrams } from './ngrams.js';

/** Options of {@link corpusBleu}. */
export interface BleuOptions {
  /** The highest n-gram order N; BLEU-1 … BLEU-N are returned. An integer ≥ 1; default 4. */
  readonly maxOrder?: number;
}

/** Corpus-level BLEU and the statistics it is made of; see {@link corpusBleu}. */
export interface BleuScore {
  /** BLEU-1 … BLEU-maxOrder: `BP · (p_1 ⋯ p_n)^(1/n)`, each in [0, 1]. */
  readonly bleu: readonly number[];
  /** The corpus-level modified n-gram precisions p_1 … p_maxOrder. */
  readonly precisions: readonly number[];
  /** `BP = 1` if c > r, else `exp(1 − r/c)` (0 when c = 0). */
  readonly brevityPenalty: number;
  /** c: the total number of hypothesis tokens. */
  readonly hypothesisLength: number;
  /** r: the sum over images of the reference length closest to the hypothesis's (ties → shorter). */
  readonly referenceLength: number;
}

/**
 * Corpus-level BLEU (Papineni et al. 2002) with several references per hypothesis, as image
 * captioning reports it (BLEU-1 … BLEU-4 of coco-caption, NLTK's `corpus_bleu`):
 *
 * ```text
 * p_n    = Σ_i Σ_{g ∈ n-grams(h_i)} min(count_{h_i}(g), max_k count_{r_ik}(g))
 *          / Σ_i max(1, #n-grams(h_i))
 * BP     = 1 if c > r, exp(1 − r/c) otherwise      c = Σ_i |h_i|,  r = Σ_i |r_i*|
 * BLEU-n = BP · exp((1/n) Σ_{m=1..n} log p_m)
 * ```
 *
 * Counts are summed over the whole corpus before dividing (micro-averaged), which is what
 * makes this corpus BLEU rather than a mean of sentence BLEUs. `r_i*` is the reference of image
 * i whose length is closest to `|h_i|`, the shorter one on a tie.
 *
 * NLTK conventions kept so that the numbers match `nltk.translate.bleu_score.corpus_bleu`
 * (3.8) to rounding: a hypothesis shorter than n adds 1, not 0, to the denominator of p_n
 * (NLTK's guard against 0/0), and there is no smoothing. A zero p_m makes BLEU-n exactly 0
 * for every n ≥ m — the geometric mean of a product with a zero factor; NLTK warns and returns
 * a number below 1e-70 there (it takes the log of the smallest normal double instead of 0).
 *
 * @param hypotheses one tokenized caption per image; empty captions are allowed
 * @param references for every image, one or more tokenized reference captions
 * @throws RangeError when the lengths differ, the corpus is empty, an image has no references,
 *   a token is not a string or contains U+0001, or `maxOrder` is not an integer ≥ 1
 */
export function corpusBleu(
  hypotheses: readonly (readonly string[])[],
  references: readonly (readonly (readonly string[])[])[],
  options: BleuOptions = {},
): BleuScore {
  const maxOrder = options.maxOrder ?? 4;
  if (!Number.isInteger(maxOrder) || maxOrder < 1) {
    throw new RangeError(`corpusBleu: options.maxOrder must be an integer ≥ 1, got ${maxOrder}`);
  }
  checkCaptionCorpus('corpusBleu', hypotheses, references);

  // Integer numerators and denominators per order, summed over the corpus: exact in float64.
  const matches = new Array<number>(maxOrder).fill(0);
  const totals = new Array<number>(maxOrder).fill(0);
  let hypothesisLength = 0;
  let referenceLength = 0;
  for (let i = 0; i < hypotheses.length; i += 1) {
    const hypothesis = hypotheses[i] ?? [];
    const imageReferences = references[i] ?? [];
    const hypothesisCounts = countNgrams(hypothesis, maxOrder);
    // The clip for each hypothesis n-gram: its largest count in any one reference.
    const clips = hypothesisCounts.map(() => new Map<string, number>());
    for (const reference of imageReferences) {
      const referenceCounts = countNgrams(reference, maxOrder);
      for (let n = 0; n < maxOrder; n += 1) {
        const inReference = referenceCounts[n];
        const clip = clips[n];
        if (inReference === undefined || clip === undefined) continue;
        for (const key of hypothesisCounts[n]?.keys() ?? []) {
          const count = inReference.get(key) ?? 0;
          if (count > (clip.get(key) ?? 0)) clip.set(key, count);
        }
      }
    }
    for (let n = 0; n < maxOrder; n += 1) {
      let clipped = 0;
      let total = 0;
      for (const [key, count] of hypothesisCounts[n] ?? []) {
        clipped += Math.min(count, clips[n]?.get(key) ?? 0);
        total += count;
      }
      matches[n] = (matches[n] ?? 0) + clipped;
      totals[n] = (totals[n] ?? 0) + Math.max(1, total);
    }
    hypothesisLength += hypothesis.length;
    referenceLength += closestReferenceLength(imageReferences, hypothesis.length);
  }

  const precisions = matches.map((matched, n) => matched / (totals[n] ?? 1));
  const brevityPenalty = bleuBrevityPenalty(hypothesisLength, referenceLength);
  const bleu: number[] = [];
  let sumOfLogs = 0;
  let sawZero = false;
  for (let n = 1; n <= maxOrder; n += 1) {
    const precision = precisions[n - 1] ?? 0;
    sawZero ||= precision === 0;
    sumOfLogs += sawZero ? 0 : Math.log(precision);
    bleu.push(sawZero ? 0 : brevityPenalty * Math.exp(sumOfLogs / n));
  }
  return { bleu, precisions, brevityPenalty, hypothesisLength, referenceLength };
}

/** The length of the reference closest to `length`, the shorter on a tie (NLTK, mteval). */
function closestReferenceLength(
  imageReferences: readonly (readonly string[])[],
  length: number,
): number {
  let best = Number.POSITIVE_INFINITY;
  for (const reference of imageReferences) {
    const distance = Math.abs(reference.length - length);
    const bestDistance = Math.abs(best - length);
    if (distance < bestDistance || (distance === bestDistance && reference.length < best)) {
      best = reference.length;
    }
  }
  return best;
}

/** `BP = 1` if c > r, else `exp(1 − r/c)`; hypotheses that are all empty get 0, not NaN. */
function bleuBrevityPenalty(hypothesisLength: number, referenceLength: number): number {
  if (hypothesisLength > referenceLength) return 1;
  if (hypothesisLength === 0) return 0;
  return Math.exp(1 - referenceLength / hypothesisLength);
}
