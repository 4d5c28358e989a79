/**
 * Test-only: one matrix product `[...aOuter, m, k] × [...bOuter, k, n]`, as the wasm matmul
 * tests (the fast-matmul wrapper's and wasm/gemm.c's) describe their cases.
 */
export interface MatMulProduct {
  readonly name: string;
  readonly aOuter: number[];
  readonly bOuter: number[];
  readonly m: number;
  readonly k: number;
  readonly n: number;
}
