/**
 * Test-only float64 references in plain JS loops, written straight from the equations and
 * sharing nothing with the tfjs code: per-gate masks are explicit arrays, gate blocks are read
 * column by column from the fused kernels.
 */

/** `[rows][columns]` */
export type Matrix = number[][];

const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));

/** `[x ⊙ zx; h ⊙ zh] · kernel[:, from, from + width) + bias[from, from + width)` */
function affineBlock(
  x: Matrix,
  h: Matrix,
  zx: Matrix,
  zh: Matrix,
  kernel: Matrix,
  bias: readonly number[],
  from: number,
  width: number,
): Matrix {
  const inputSize = x[0]?.length ?? 0;
  return x.map((xRow, b) =>
    Array.from({ length: width }, (_, j) => {
      let sum = bias[from + j] ?? 0;
      xRow.forEach((v, k) => {
        sum += v * (zx[b]?.[k] ?? 1) * (kernel[k]?.[from + j] ?? 0);
      });
      (h[b] ?? []).forEach((v, k) => {
        sum += v * (zh[b]?.[k] ?? 1) * (kernel[inputSize + k]?.[from + j] ?? 0);
      });
      return sum;
    }),
  );
}

const map2 = (a: Matrix, b: Matrix, f: (x: number, y: number) => number): Matrix =>
  a.map((row, i) => row.map((v, j) => f(v, b[i]?.[j] ?? Number.NaN)));

/** Per-gate masks: `masks[g]` is `[batchSize][size]`; an empty list means no dropout. */
export type GateMasks = readonly Matrix[];

/** One LSTM step (gate order i, f, g, o) with gate `g` seeing `x ⊙ zx[g]`, `h ⊙ zh[g]`. */
export function referenceLstmStep(
  x: Matrix,
  state: { h: Matrix; c: Matrix },
  kernel: Matrix,
  bias: readonly number[],
  zx: GateMasks = [],
  zh: GateMasks = [],
): { h: Matrix; c: Matrix } {
  const size = state.h[0]?.length ?? 0;
  const [i, f, g, o] = [0, 1, 2, 3].map((gate) =>
    affineBlock(x, state.h, zx[gate] ?? [], zh[gate] ?? [], kernel, bias, gate * size, size),
  ) as [Matrix, Matrix, Matrix, Matrix];
  const c = state.c.map((row, b) =>
    row.map(
      (cPrev, j) =>
        sigmoid(f[b]?.[j] ?? 0) * cPrev + sigmoid(i[b]?.[j] ?? 0) * Math.tanh(g[b]?.[j] ?? 0),
    ),
  );
  const h = map2(o, c, (oPre, cNew) => sigmoid(oPre) * Math.tanh(cNew));
  return { h, c };
}

/** GRU weights as plain matrices (the package's names). */
export interface GruReferenceWeights {
  readonly gateKernel: Matrix;
  readonly gateBias: readonly number[];
  readonly candidateInputKernel: Matrix;
  readonly candidateRecurrentKernel: Matrix;
  readonly candidateInputBias: readonly number[];
  readonly candidateRecurrentBias: readonly number[];
}

/** One GRU step (PyTorch's equations), masks per gate r, z, n. */
export function referenceGruStep(
  x: Matrix,
  h: Matrix,
  weights: GruReferenceWeights,
  zx: GateMasks = [],
  zh: GateMasks = [],
): Matrix {
  const size = h[0]?.length ?? 0;
  const gate = (index: number) =>
    affineBlock(
      x,
      h,
      zx[index] ?? [],
      zh[index] ?? [],
      weights.gateKernel,
      weights.gateBias,
      index * size,
      size,
    ).map((row) => row.map(sigmoid));
  const [r, z] = [gate(0), gate(1)];
  // The candidate's two halves: `v ⊙ mask · kernel + bias` each, with mask n (index 2).
  const none: Matrix = [];
  const half = (v: Matrix, mask: Matrix | undefined, kernel: Matrix, bias: readonly number[]) =>
    affineBlock(v, none, mask ?? [], none, kernel, bias, 0, size);
  const inputPart = half(x, zx[2], weights.candidateInputKernel, weights.candidateInputBias);
  const recurrentPart = half(
    h,
    zh[2],
    weights.candidateRecurrentKernel,
    weights.candidateRecurrentBias,
  );
  return h.map((row, b) =>
    row.map((hPrev, j) => {
      const n = Math.tanh(
        (inputPart[b]?.[j] ?? 0) + (r[b]?.[j] ?? 0) * (recurrentPart[b]?.[j] ?? 0),
      );
      const update = z[b]?.[j] ?? 0;
      return (1 - update) * n + update * hPrev;
    }),
  );
}

/**
 * A vanilla RNN over `xs[t]` from `h0` with loss `Σ_t Σ h_t ⊙ R_t`, and its gradients by
 * hand-written backpropagation through time:
 * `δa_t = (R_t + δa_{t+1} W_hᵀ) ⊙ (1 − h_t²)`, `∂W += [x_t; h_{t−1}]ᵀ δa_t`, `∂b += Σ_b δa_t`.
 */
export function referenceVanillaRnn(
  xs: readonly Matrix[],
  h0: Matrix,
  kernel: Matrix,
  bias: readonly number[],
  lossWeights: readonly Matrix[],
): { hs: Matrix[]; loss: number; kernelGrad: Matrix; biasGrad: number[]; h0Grad: Matrix } {
  const size = bias.length;
  const inputSize = xs[0]?.[0]?.length ?? 0;
  const hs: Matrix[] = [];
  let h = h0;
  for (const x of xs) {
    h = affineBlock(x, h, [], [], kernel, bias, 0, size).map((row) => row.map(Math.tanh));
    hs.push(h);
  }
  let loss = 0;
  hs.forEach((ht, t) => {
    loss += ht.flat().reduce((s, v, k) => s + v * (lossWeights[t]?.flat()[k] ?? 0), 0);
  });
  const kernelGrad = kernel.map((row) => row.map(() => 0));
  const biasGrad = bias.map(() => 0);
  let carried: Matrix = h0.map((row) => row.map(() => 0)); // δh_t from step t + 1
  for (let t = xs.length - 1; t >= 0; t -= 1) {
    const ht = hs[t] ?? [];
    const hPrev = hs[t - 1] ?? h0;
    const x = xs[t] ?? [];
    const delta = ht.map((row, b) =>
      row.map((v, j) => ((lossWeights[t]?.[b]?.[j] ?? 0) + (carried[b]?.[j] ?? 0)) * (1 - v * v)),
    );
    delta.forEach((row, b) => {
      const joined = [...(x[b] ?? []), ...(hPrev[b] ?? [])];
      row.forEach((d, j) => {
        biasGrad[j] = (biasGrad[j] ?? 0) + d;
        joined.forEach((v, k) => {
          const kernelRow = kernelGrad[k];
          if (kernelRow) kernelRow[j] = (kernelRow[j] ?? 0) + v * d;
        });
      });
    });
    carried = delta.map((row) =>
      Array.from({ length: size }, (_, k) =>
        row.reduce((s, d, j) => s + d * (kernel[inputSize + k]?.[j] ?? 0), 0),
      ),
    );
  }
  return { hs, loss, kernelGrad, biasGrad, h0Grad: carried };
}
