/**
 * An explicit, splittable source of randomness.
 *
 * Every random operation in bayesrnn takes a key; nothing calls `Math.random` or an unseeded
 * tfjs random op. The same key always gives the same numbers. Keys are immutable values:
 * derive new ones with `splitKey`/`foldIn` from `@bayesrnn/core` instead of reusing one key
 * for two purposes.
 */
export interface RngKey {
  /** Brand: only `@bayesrnn/core` (or a compatible implementation) makes keys. */
  readonly kind: 'RngKey';
  /** Two unsigned 32-bit words of state. */
  readonly words: readonly [number, number];
}
