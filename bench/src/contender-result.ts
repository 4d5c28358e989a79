import type { Summary } from './stats.js';
import { summarise } from './stats.js';

/** Memory figures of one contender (bytes). */
export interface ContenderMemory {
  /** In-process: the largest process RSS sampled right after its timed steps (the process is shared). */
  readonly rssAfterStepBytes?: number;
  /** External process: its own RSS high-water mark (`ru_maxrss`). */
  readonly peakRssBytes?: number;
  /** In-process: `tf.profile(step).peakBytes`, the tensor high-water mark within one step. */
  readonly tfPeakBytes?: number;
  /**
   * In-process: the tfjs bytes it holds between steps (weights, optimiser state, carried state,
   * input batches): what its setup and steps added to `tf.memory().numBytes`.
   */
  readonly tfResidentBytes?: number;
}

/** One contender's outcome. Timing fields exist only when `status` is `ok`. */
export interface ContenderResult {
  readonly name: string;
  readonly description: string;
  readonly status: 'ok' | 'unavailable' | 'failed';
  /** Why it is unavailable or failed. */
  readonly reason?: string;
  readonly tokensPerStep?: number;
  /** Wall-clock seconds per timed step, as the harness measured them. */
  readonly stepSeconds?: Summary & { readonly samples: readonly number[] };
  /** `tokensPerStep / stepSeconds` (median from the median step, min from the slowest). */
  readonly tokensPerSecond?: Summary;
  /** The contender's own clock (external processes), when it reports one. */
  readonly selfTimedStepSeconds?: Summary;
  /**
   * In-process: this process's CPU time over the wall time of each timed step, all threads
   * together: how many of the machine's cores the step kept busy.
   */
  readonly coresBusy?: Summary;
  readonly memory?: ContenderMemory;
  readonly details?: Readonly<Record<string, unknown>>;
}

/** What the harness gathered for one contender that ran. */
export interface Measurements {
  readonly name: string;
  readonly description: string;
  readonly tokensPerStep: number;
  readonly samples: readonly number[];
  readonly selfTimed: readonly number[];
  /** CPU over wall time of each timed step (in-process contenders; empty otherwise). */
  readonly coresBusy?: readonly number[];
  readonly memory: ContenderMemory;
  readonly details: Readonly<Record<string, unknown>>;
}

/** The result of a contender that ran: medians, extremes and tokens/s of its samples. */
export function measuredResult(measured: Measurements): ContenderResult {
  const steps = summarise(measured.samples);
  const { tokensPerStep } = measured;
  return {
    name: measured.name,
    description: measured.description,
    status: 'ok',
    tokensPerStep,
    stepSeconds: { ...steps, samples: measured.samples },
    tokensPerSecond: {
      median: tokensPerStep / steps.median,
      min: tokensPerStep / steps.max,
      max: tokensPerStep / steps.min,
    },
    ...(measured.selfTimed.length > 0
      ? { selfTimedStepSeconds: summarise(measured.selfTimed) }
      : {}),
    ...(measured.coresBusy !== undefined && measured.coresBusy.length > 0
      ? { coresBusy: summarise(measured.coresBusy) }
      : {}),
    memory: measured.memory,
    details: measured.details,
  };
}
