import { createKey, disposeTree, initWeights } from '@bayesrnn/core';
import { createLanguageModel, evaluateLanguageModel } from '@bayesrnn/models';
import { GAL_VARIATIONAL_DROPOUT } from './gal-rates.js';
import { roundRobin } from './interleave.js';
import { benchModelConfig } from './ours-lm-step.js';
import type { BenchShape } from './shape.js';
import { median, ratio, type Summary, summarise } from './stats.js';
import { syntheticEvaluationWindows } from './synthetic-tokens.js';

/** A per-pass cost within this factor across sample counts counts as linear. */
export const LINEAR_TOLERANCE = 1.25;

/** Throughput at one number of MC samples. */
export interface McPoint {
  readonly samples: number;
  readonly seconds: Summary;
  /** Corpus tokens scored per second (each token once, however many passes). */
  readonly tokensPerSecond: number;
  /** Token-passes per second: `tokens × samples / seconds`. */
  readonly tokenPassesPerSecond: number;
  /** `seconds.median / samples`. */
  readonly secondsPerPass: number;
}

/** MC-evaluation throughput against the number of samples. */
export interface McEvaluationResult {
  readonly model: string;
  readonly windows: number;
  readonly tokens: number;
  readonly repetitions: number;
  readonly points: readonly McPoint[];
  /**
   * Largest over smallest seconds per pass across the MC sample counts (`K > 1`, all passes
   * with masks; across every count when fewer than two are `> 1`).
   */
  readonly perPassSpread: number;
  /** `perPassSpread ≤ LINEAR_TOLERANCE`: every MC pass costs about the same. */
  readonly linear: boolean;
  /**
   * Median seconds per MC pass (`K > 1`) over the deterministic pass (`K = 1`, masks off):
   * what drawing and applying the masks adds; `null` without both.
   */
  readonly stochasticOverDeterministic: number | null;
}

/** What to measure. */
export interface McEvaluationOptions {
  readonly sampleCounts: readonly number[];
  readonly windows: number;
  readonly repetitions: number;
  readonly log: (line: string) => void;
}

/** Points from the timings per sample count (pure, for tests). */
export function mcPoints(
  timings: ReadonlyMap<number, readonly number[]>,
  tokens: number,
): Pick<McEvaluationResult, 'points' | 'perPassSpread' | 'linear' | 'stochasticOverDeterministic'> {
  const points = [...timings].map(([samples, seconds]) => {
    const summary = summarise(seconds);
    return {
      samples,
      seconds: summary,
      tokensPerSecond: tokens / summary.median,
      tokenPassesPerSecond: (tokens * samples) / summary.median,
      secondsPerPass: summary.median / samples,
    };
  });
  const stochastic = points.filter((point) => point.samples > 1).map((p) => p.secondsPerPass);
  const perPass = stochastic.length >= 2 ? stochastic : points.map((p) => p.secondsPerPass);
  const perPassSpread = Math.max(...perPass) / Math.min(...perPass);
  const deterministic = points.find((point) => point.samples === 1)?.secondsPerPass;
  return {
    points,
    perPassSpread,
    linear: perPassSpread <= LINEAR_TOLERANCE,
    stochasticOverDeterministic:
      stochastic.length === 0 ? null : ratio(median(stochastic), deterministic),
  };
}

/**
 * Times `evaluateLanguageModel(..., {mcSamples})` of the variational LM (Gal's rates) on
 * synthetic evaluation windows, the sample counts interleaved round-robin. `mcSamples = 1` is
 * the deterministic pass (masks off); `K > 1` runs K passes with fresh masks.
 */
export async function runMcEvaluation(
  shape: BenchShape,
  options: McEvaluationOptions,
): Promise<McEvaluationResult> {
  const model = createLanguageModel(benchModelConfig(shape, GAL_VARIATIONAL_DROPOUT));
  const weights = initWeights(model.weightSpecs, createKey(shape.seed));
  const windows = syntheticEvaluationWindows(shape, options.windows);
  const timings = new Map(options.sampleCounts.map((samples) => [samples, [] as number[]]));
  let tokens = 0;
  try {
    // One untimed pass first (kernel set-up), then the timed rounds.
    await evaluateLanguageModel(model, weights, windows, { mcSamples: 1 });
    for (const { index } of roundRobin(options.sampleCounts.length, options.repetitions)) {
      const samples = options.sampleCounts[index] ?? 1;
      const started = performance.now();
      const result = await evaluateLanguageModel(model, weights, windows, {
        mcSamples: samples,
        key: createKey(samples),
      });
      const seconds = (performance.now() - started) / 1000;
      timings.get(samples)?.push(seconds);
      tokens = result.tokens;
      options.log(`bench: MC evaluation, ${samples} sample(s): ${seconds.toFixed(3)} s`);
    }
  } finally {
    disposeTree(weights);
  }
  return {
    model: "variational LSTM LM (Gal's rates), the training shape",
    windows: options.windows,
    tokens,
    repetitions: options.repetitions,
    ...mcPoints(timings, tokens),
  };
}
