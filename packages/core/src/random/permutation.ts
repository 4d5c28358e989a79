import type { RngKey } from '@bayesrnn/spec';
import { assertKey } from './rng-key.js';
import { type WordStream, wordStream } from './xoshiro128.js';

/** The most elements a permutation may have: entries `0 … n − 1` must fit an `Int32Array`. */
const MAX_PERMUTATION_LENGTH = 2 ** 31;

/**
 * A uniform integer in `{0, …, bound − 1}` from a word stream, without modulo bias: words at
 * or above the largest multiple of `bound` below 2^32 are rejected and redrawn, so every
 * residue is equally likely (a plain `word % bound` favours small values whenever `bound`
 * does not divide 2^32: by 2 to 1 for `bound = 3·2^30`). At most half of the words are
 * rejected, on average far fewer.
 *
 * @param bound - an integer in `[1, 2^32]`; the caller checks it.
 */
export function uniformBelow(stream: WordStream, bound: number): number {
  // 2^32 mod bound words at the top of the range would make the residues uneven.
  const limit = 2 ** 32 - (2 ** 32 % bound);
  for (;;) {
    const word = stream.nextUint32();
    if (word < limit) return word % bound;
  }
}

/**
 * A uniformly random permutation of `0 … n − 1`, `[n]` int32, a pure function of the key:
 * the same key gives the same permutation on every platform.
 *
 * Fisher–Yates (Knuth's Algorithm P, TAOCP vol. 2 §3.4.2): for `i = n − 1 … 1`, swap entry
 * `i` with entry `j ~ U{0, …, i}`, each `j` drawn by {@link uniformBelow} from the key's
 * xoshiro128** stream, so each of the `n!` orders has probability exactly `1/n!` (up to the
 * generator). Used to shuffle examples per epoch and to cut cross-validation folds.
 *
 * @example randomPermutation(foldIn(key, epoch), 10_662) // the MR examples in a fresh order
 * @throws TypeError for something that is not an RngKey.
 * @throws RangeError `randomPermutation: n must be a non-negative integer ≤ 2^31, got -1`
 *   (n = 0 gives an empty array).
 */
export function randomPermutation(key: RngKey, n: number): Int32Array {
  assertKey(key, 'randomPermutation');
  if (!Number.isInteger(n) || n < 0 || n > MAX_PERMUTATION_LENGTH) {
    throw new RangeError(
      `randomPermutation: n must be a non-negative integer ≤ 2^31, got ${String(n)}`,
    );
  }
  const permutation = new Int32Array(n);
  for (let i = 0; i < n; i += 1) permutation[i] = i;
  const stream = wordStream(key);
  for (let i = n - 1; i > 0; i -= 1) {
    const j = uniformBelow(stream, i + 1);
    const held = permutation[i] as number;
    permutation[i] = permutation[j] as number;
    permutation[j] = held;
  }
  return permutation;
}
