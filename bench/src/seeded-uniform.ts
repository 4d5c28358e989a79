/**
 * A seeded stream of uniforms in `[0, 1)`: a 32-bit linear congruential generator (Numerical
 * Recipes' constants). The bench's own schedule and resampling use it so that a run's order
 * and intervals are the same on every run; it is not for weights or noise (those come from
 * `@bayesrnn/core`'s keys).
 */
export function seededUniforms(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}
