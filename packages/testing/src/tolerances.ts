/**
 * A closeness test `|actual − expected| ≤ atol + rtol · |expected|` (numpy's `allclose`).
 */
export interface Tolerance {
  readonly rtol: number;
  readonly atol: number;
}

/**
 * Shared tolerances, so a test states which comparison it makes rather than a magic number.
 */
export const TOLERANCES = {
  /** Same float32 computation, same backend, different code path (a fused vs unfused kernel). */
  float32: { rtol: 1e-5, atol: 1e-6 },
  /** The same model on two backends (cpu vs wasm): summation order differs. */
  crossBackend: { rtol: 1e-4, atol: 1e-5 },
  /** Against an independent float32 reference (a PyTorch fixture). */
  reference: { rtol: 1e-4, atol: 1e-5 },
  /**
   * Central finite differences in float32 with step 1e-3: truncation error O(h²) ≈ 1e-6 and
   * rounding error ≈ ε·|f|/h ≈ 1e-4·|f|, so a relative 1e-2 with an absolute floor.
   */
  finiteDifference: { rtol: 1e-2, atol: 2e-3 },
} as const satisfies Record<string, Tolerance>;
