/**
 * Running sums over the steps of one epoch, for its mean loss and perplexity. Plain numbers
 * (sums of the float32 values read each step, in step order), stored in every checkpoint so a
 * resumed epoch reports exactly what an unbroken one would.
 */
export type EpochTotals = {
  readonly windows: number;
  readonly tokens: number;
  /** `Σ loss·w` with `w` = tokens when the task gives them, else 1. */
  readonly lossSum: number;
  readonly weightSum: number;
  /** `Σ part·w` per loss part. */
  readonly partSums: { readonly [name: string]: number };
  /** `Σ nll·tokens`, with `nll` the part named `nll` or else the loss. */
  readonly nllSum: number;
};

/** Totals before the first step of an epoch. */
export const EMPTY_EPOCH_TOTALS: EpochTotals = {
  windows: 0,
  tokens: 0,
  lossSum: 0,
  weightSum: 0,
  partSums: {},
  nllSum: 0,
};

/** Adds one step's numbers (a new object; the input is unchanged). */
export function addStep(
  totals: EpochTotals,
  step: {
    readonly loss: number;
    readonly tokens: number;
    readonly parts: Readonly<Record<string, number>>;
  },
): EpochTotals {
  const weight = step.tokens > 0 ? step.tokens : 1;
  const partSums: Record<string, number> = { ...totals.partSums };
  for (const [name, value] of Object.entries(step.parts)) {
    partSums[name] = (partSums[name] ?? 0) + value * weight;
  }
  return {
    windows: totals.windows + 1,
    tokens: totals.tokens + step.tokens,
    lossSum: totals.lossSum + step.loss * weight,
    weightSum: totals.weightSum + weight,
    partSums,
    nllSum: totals.nllSum + (step.parts.nll ?? step.loss) * step.tokens,
  };
}

/**
 * The epoch so far: weighted mean loss and parts, and `exp(Σ nll·tokens / Σ tokens)` unless
 * `perplexity` is `false` (the task's loss is no per-token NLL).
 */
export function summarizeTotals(
  totals: EpochTotals,
  perplexity = true,
): {
  loss: number;
  parts: Record<string, number>;
  perplexity: number | undefined;
  tokens: number;
} {
  const mean = (sum: number): number =>
    totals.weightSum > 0 ? sum / totals.weightSum : Number.NaN;
  const parts: Record<string, number> = {};
  for (const [name, sum] of Object.entries(totals.partSums)) parts[name] = mean(sum);
  const exponent = perplexity && totals.tokens > 0 ? totals.nllSum / totals.tokens : undefined;
  return {
    loss: mean(totals.lossSum),
    parts,
    perplexity: exponent === undefined ? undefined : Math.exp(exponent),
    tokens: totals.tokens,
  };
}
