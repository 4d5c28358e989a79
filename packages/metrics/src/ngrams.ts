/**
 * N-gram counting and input checks shared by the caption metrics (`corpusBleu`, `corpusCiderD`;
 * `corpusRougeL` uses the checks). Internal: not exported from the package.
 */

/**
 * Joins the tokens of an n-gram into one Map key. U+0001 is a control character no tokenizer
 * emits, and `checkCaptionCorpus` rejects tokens that contain it, so distinct n-grams never
 * share a key; n-grams of different orders differ in their number of separators.
 */
export const NGRAM_SEPARATOR = '\u0001';

/** A tokenized caption. */
export type Caption = readonly string[];

/**
 * The n-gram counts of `tokens` for every order 1..`maxOrder`: element `n − 1` maps each
 * n-gram's key to how often it occurs. A caption shorter than n has an empty map at order n.
 * Keys of order n are built from those of order n − 1, so each order costs one string
 * concatenation per position rather than a fresh `slice().join()`.
 */
export function countNgrams(tokens: Caption, maxOrder: number): Map<string, number>[] {
  const counts: Map<string, number>[] = [];
  let keys: string[] = tokens.slice();
  for (let n = 1; n <= maxOrder; n += 1) {
    const order = new Map<string, number>();
    if (n > 1) {
      // keys[i] held the (n − 1)-gram starting at i; extend it by the token n − 1 places on.
      const next: string[] = [];
      for (let i = 0; i + n <= tokens.length; i += 1) {
        next.push(`${keys[i] ?? ''}${NGRAM_SEPARATOR}${tokens[i + n - 1] ?? ''}`);
      }
      keys = next;
    }
    for (const key of keys) order.set(key, (order.get(key) ?? 0) + 1);
    counts.push(order);
  }
  return counts;
}

function checkCaption(caller: string, tokens: Caption | undefined, label: string): void {
  // Plain JS callers may pass anything; name the place rather than fail later on a property read.
  if (!Array.isArray(tokens)) {
    throw new RangeError(`${caller}: ${label} must be an array of tokens`);
  }
  for (let j = 0; j < tokens.length; j += 1) {
    const token = tokens[j];
    if (typeof token !== 'string' || token.includes(NGRAM_SEPARATOR)) {
      throw new RangeError(
        `${caller}: ${label}[${j}] must be a string without U+0001 (the n-gram separator), got ${JSON.stringify(token)}`,
      );
    }
  }
}

/**
 * Throws a `RangeError` naming the caller, the argument and the index unless there is one
 * hypothesis per image, at least one image, at least one reference per image, and every token
 * is a string free of the n-gram separator. Empty captions are allowed: they match nothing.
 */
export function checkCaptionCorpus(
  caller: string,
  hypotheses: readonly Caption[],
  references: readonly (readonly Caption[])[],
): void {
  if (hypotheses.length !== references.length) {
    throw new RangeError(
      `${caller}: hypotheses has length ${hypotheses.length} but references has length ${references.length}; they pair up one per image`,
    );
  }
  if (hypotheses.length === 0) {
    throw new RangeError(`${caller}: hypotheses is empty; the corpus needs at least one image`);
  }
  for (let i = 0; i < hypotheses.length; i += 1) {
    checkCaption(caller, hypotheses[i], `hypotheses[${i}]`);
    const imageReferences = references[i];
    if (!Array.isArray(imageReferences) || imageReferences.length === 0) {
      throw new RangeError(
        `${caller}: references[${i}] has no reference captions; every image needs at least one`,
      );
    }
    for (let k = 0; k < imageReferences.length; k += 1) {
      checkCaption(caller, imageReferences[k], `references[${i}][${k}]`);
    }
  }
}
