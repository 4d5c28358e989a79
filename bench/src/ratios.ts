import { type Interval, medianRatioInterval } from './ratio-interval.js';
import { ratio } from './stats.js';

/** What a ratio compares: higher-is-better throughput, or lower-is-better step time. */
export type RatioMetric = 'tokensPerSecond' | 'stepSeconds';

/** One headline ratio: `numerator / denominator` of the two contenders' medians. */
export interface RatioDefinition {
  readonly key: string;
  readonly numerator: string;
  readonly denominator: string;
  readonly metric: RatioMetric;
  /** Issue 6's target, e.g. `≥ 0.5`, or what the ratio is for when it has none. */
  readonly target: string;
}

/** The ratios of issue 6, by contender name; a contender not (yet) measured makes its ratio `null`. */
export const RATIOS: readonly RatioDefinition[] = [
  {
    key: 'oursOverPytorch',
    numerator: 'plain',
    denominator: 'pytorch',
    metric: 'tokensPerSecond',
    target: '≥ 0.5',
  },
  {
    key: 'oursOverTfjsLayers',
    numerator: 'plain',
    denominator: 'tfjs-layers',
    metric: 'tokensPerSecond',
    target: '≥ 1.5',
  },
  {
    key: 'bbbOverPlain',
    numerator: 'bbb',
    denominator: 'plain',
    metric: 'stepSeconds',
    target: '≤ 1.2',
  },
  {
    key: 'sharpenedOverPlain',
    numerator: 'bbb-sharpened',
    denominator: 'plain',
    metric: 'stepSeconds',
    target: '≤ 1.8',
  },
  {
    // Not one of the issue's targets: sharpening only the LSTM layers' weights (isSharpened).
    key: 'sharpenedRecurrentOverPlain',
    numerator: 'bbb-sharpened-recurrent',
    denominator: 'plain',
    metric: 'stepSeconds',
    target: 'anchor, no target',
  },
  {
    key: 'psgldOverRmsprop',
    numerator: 'psgld',
    denominator: 'rmsprop',
    metric: 'stepSeconds',
    target: '≤ 1.05',
  },
  {
    // Not one of the targets: the same extra work in PyTorch, beside bbbOverPlain.
    key: 'pytorchBbbOverPlain',
    numerator: 'pytorch-bbb',
    denominator: 'pytorch',
    metric: 'stepSeconds',
    target: 'anchor, no target',
  },
];

/** A contender's medians, as far as they were measured. */
export interface MeasuredMedians {
  readonly name: string;
  readonly tokensPerSecond?: number;
  readonly stepSeconds?: number;
}

/** Every ratio of `definitions`, `null` where a contender is missing or was not measured. */
export function computeRatios(
  measured: readonly MeasuredMedians[],
  definitions: readonly RatioDefinition[] = RATIOS,
): Record<string, number | null> {
  const byName = new Map(measured.map((entry) => [entry.name, entry]));
  return Object.fromEntries(
    definitions.map(({ key, numerator, denominator, metric }) => [
      key,
      ratio(byName.get(numerator)?.[metric], byName.get(denominator)?.[metric]),
    ]),
  );
}

/** A contender's timed step samples, in round order, and its tokens per step. */
export interface MeasuredSamples {
  readonly name: string;
  readonly tokensPerStep?: number | undefined;
  readonly stepSeconds?: readonly number[] | undefined;
}

/**
 * A 95% bootstrap interval for every ratio of `definitions` (rounds resampled in pairs, see
 * {@link medianRatioInterval}), `null` where its ratio is. A tokens/s ratio is the inverse
 * ratio of step times scaled by the two contenders' tokens per step.
 */
export function computeRatioIntervals(
  measured: readonly MeasuredSamples[],
  definitions: readonly RatioDefinition[] = RATIOS,
): Record<string, Interval | null> {
  const byName = new Map(measured.map((entry) => [entry.name, entry]));
  return Object.fromEntries(
    definitions.map(({ key, numerator, denominator, metric }) => {
      const top = byName.get(numerator);
      const bottom = byName.get(denominator);
      if (top?.stepSeconds === undefined || bottom?.stepSeconds === undefined) return [key, null];
      if (metric === 'stepSeconds') {
        return [key, medianRatioInterval(top.stepSeconds, bottom.stepSeconds)];
      }
      const tokens = ratio(top.tokensPerStep, bottom.tokensPerStep);
      const inverse = medianRatioInterval(bottom.stepSeconds, top.stepSeconds);
      return [
        key,
        tokens === null || inverse === null
          ? null
          : { low: tokens * inverse.low, high: tokens * inverse.high },
      ];
    }),
  );
}
