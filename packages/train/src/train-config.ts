import { assertKey } from '@bayesrnn/core';
import type { RngKey } from '@bayesrnn/spec';
import type { ClipGroups, GroupClipNorms } from './clip-groups.js';
import type { MonitorConfig } from './early-stopping.js';
import type { LogRecord } from './jsonl-log.js';
import { constantSchedule, type LearningRateSchedule } from './learning-rate-schedule.js';
import type { Optimizer } from './optimizer.js';
import type { ProgressReporter } from './progress-reporter.js';
import type { SampleBankOptions } from './sample-bank.js';
import type { EvaluationResult, TrainTask } from './train-task.js';

/** The tunable settings of `train`, all with defaults (`DEFAULT_TRAIN_CONFIG`). */
export interface TrainConfig {
  /** Global-norm clipping threshold; `Infinity` is off (Zaremba: 5 medium, 10 large). */
  readonly clipNorm: number;
  /** Save `outDir/checkpoint` every this many steps (and always at each epoch end). */
  readonly checkpointEvery: number;
  /** Write a `step` line to `log.jsonl` every this many steps (epoch lines are always written). */
  readonly logEvery: number;
  /** Least time between two progress reports, in milliseconds. */
  readonly progressIntervalMs: number;
  /** The validation metric for the best model and early stopping. */
  readonly monitor: MonitorConfig;
  /** At the end (completed or early-stopped), load `outDir/best` back into the variables. */
  readonly restoreBest: boolean;
  /** Splits evaluated once at the end, after restoring the best model (e.g. `['test']`). */
  readonly testSplits: readonly string[];
}

/** Defaults for `TrainConfig`. */
export const DEFAULT_TRAIN_CONFIG: TrainConfig = {
  clipNorm: Number.POSITIVE_INFINITY,
  // About a minute of PTB-medium training on a laptop CPU: a kill loses little.
  checkpointEvery: 1000,
  logEvery: 10,
  // Often enough to look alive, rare enough not to flood a log file.
  progressIntervalMs: 2000,
  // Validation NLL per token; perplexity = exp(nll) ranks models identically.
  monitor: {
    split: 'valid',
    metric: 'nll',
    mode: 'min',
    patience: Number.POSITIVE_INFINITY,
    minDelta: 0,
  },
  restoreBest: true,
  testSplits: [],
};

/** Arguments of `train`: the run's identity (required) and any `TrainConfig` overrides. */
export interface TrainOptions extends Partial<Omit<TrainConfig, 'monitor'>> {
  /** The run key: with the data and this config it determines every number of the run. */
  readonly key: RngKey;
  /** Directory for `checkpoint/`, `best/` and `log.jsonl` (created if missing). */
  readonly outDir: string;
  readonly optimizer: Optimizer;
  /** A fixed rate or a schedule of (epoch, step), e.g. `zarembaSchedule(ZAREMBA_MEDIUM_SCHEDULE)`. */
  readonly learningRate: number | LearningRateSchedule;
  /** Epochs to train in total (counting those done before a resume). */
  readonly epochs: number;
  readonly monitor?: Partial<MonitorConfig>;
  /**
   * `true`: continue from `outDir/checkpoint` (which must exist); `'auto'`: continue if it
   * exists, else start; `false` (default): start, refusing to overwrite an existing checkpoint.
   */
  readonly resume?: boolean | 'auto';
  /** Stop (after saving a checkpoint) once this many steps in total are done. */
  readonly stopAfterSteps?: number;
  /**
   * Clip groups of variables each by its own global norm (default: all together), e.g.
   * sharpening's η apart from the weights: see `ClipGroups`.
   */
  readonly clipGroups?: ClipGroups;
  /** Thresholds of named `clipGroups` in place of `clipNorm`, e.g. `{ eta: 0.5 }`. */
  readonly groupClipNorms?: GroupClipNorms;
  /** Aborting stops after the current step, saving a checkpoint to resume from. */
  readonly signal?: AbortSignal;
  /** Progress snapshots; default `createConsoleReporter()` on stderr; `false` for none. */
  readonly onProgress?: ProgressReporter | false;
  /** Called with every record appended to `log.jsonl`. */
  readonly onLog?: (record: LogRecord) => void;
  /**
   * Keep SG-MCMC samples (burn-in, thinning, maximum count) in `outDir/samples/`, saved and
   * restored with the run. Use with a sampler optimiser (`createSamplerOptimizer`) and
   * `restoreBest: false`, so the last iterate stays the last sample.
   */
  readonly sampleBank?: SampleBankOptions;
}

/** Why `train` returned. */
export type StopReason = 'completed' | 'early-stopped' | 'stopped' | 'aborted';

/** What `train` returns. */
export interface TrainResult {
  readonly stopReason: StopReason;
  /** Steps completed in total; epochs completed in total. */
  readonly steps: number;
  readonly epochs: number;
  /** The best validation result, when the task evaluates. */
  readonly best:
    | {
        readonly epoch: number;
        readonly step: number;
        readonly metric: string;
        readonly value: number;
      }
    | undefined;
  /** Whether the variables now hold `outDir/best` (completed or early-stopped runs). */
  readonly restoredBest: boolean;
  /** The `testSplits` results (after restoring the best model). */
  readonly evaluations: { readonly [split: string]: EvaluationResult };
  readonly checkpointPath: string;
  readonly bestPath: string;
  readonly logPath: string;
  /** The kept samples, when `sampleBank` was given: their folder and steps, oldest first. */
  readonly samples?: { readonly dir: string; readonly steps: readonly number[] };
}

/** The options with defaults filled in and checked. */
export interface ResolvedTrainOptions extends TrainConfig {
  readonly key: RngKey;
  readonly outDir: string;
  readonly optimizer: Optimizer;
  readonly schedule: LearningRateSchedule;
  readonly epochs: number;
  readonly resume: boolean | 'auto';
  readonly stopAfterSteps: number;
  readonly clipGroups: ClipGroups | undefined;
  readonly groupClipNorms: GroupClipNorms | undefined;
  readonly signal: AbortSignal | undefined;
  readonly onProgress: ProgressReporter | undefined;
  readonly onLog: ((record: LogRecord) => void) | undefined;
  readonly sampleBank: SampleBankOptions | undefined;
}

function checkCount(value: number, what: string, allowInfinity = false): void {
  const ok = (Number.isSafeInteger(value) && value >= 1) || (allowInfinity && value === Infinity);
  if (!ok) throw new RangeError(`train: ${what} must be an integer ≥ 1, got ${value}`);
}

/** Fills defaults and validates, naming the offending option. */
export function resolveTrainOptions(
  task: Pick<TrainTask, 'windowsPerEpoch' | 'evaluate'>,
  options: TrainOptions,
  defaultReporter: () => ProgressReporter,
): ResolvedTrainOptions {
  assertKey(options.key, 'train: key');
  const config = { ...DEFAULT_TRAIN_CONFIG, ...options };
  const monitor = { ...DEFAULT_TRAIN_CONFIG.monitor, ...options.monitor };
  checkCount(task.windowsPerEpoch, 'task.windowsPerEpoch');
  checkCount(options.epochs, 'epochs');
  checkCount(config.checkpointEvery, 'checkpointEvery', true);
  checkCount(config.logEvery, 'logEvery', true);
  checkCount(monitor.patience, 'monitor.patience', true);
  if (!(config.clipNorm > 0))
    throw new RangeError(`train: clipNorm must be > 0, got ${config.clipNorm}`);
  checkGroupClipNorms(options);
  if (Number.isFinite(monitor.patience) && task.evaluate === undefined) {
    throw new Error('train: early stopping (monitor.patience) needs a task with evaluate()');
  }
  if (config.testSplits.length > 0 && task.evaluate === undefined) {
    throw new Error('train: testSplits need a task with evaluate()');
  }
  const stopAfterSteps = options.stopAfterSteps ?? Number.POSITIVE_INFINITY;
  if (!(stopAfterSteps >= 0))
    throw new RangeError(`train: stopAfterSteps must be ≥ 0, got ${stopAfterSteps}`);
  const { learningRate } = options;
  return {
    ...config,
    monitor,
    schedule: typeof learningRate === 'number' ? constantSchedule(learningRate) : learningRate,
    resume: options.resume ?? false,
    stopAfterSteps,
    clipGroups: options.clipGroups,
    groupClipNorms: options.groupClipNorms,
    signal: options.signal,
    onProgress:
      options.onProgress === false ? undefined : (options.onProgress ?? defaultReporter()),
    onLog: options.onLog,
    sampleBank: options.sampleBank,
  };
}

/** `groupClipNorms` needs `clipGroups`, and each threshold must be > 0. */
function checkGroupClipNorms(options: TrainOptions): void {
  const norms = options.groupClipNorms;
  if (norms === undefined) return;
  if (options.clipGroups === undefined)
    throw new Error('train: groupClipNorms needs clipGroups (which variables form each group)');
  for (const [group, norm] of Object.entries(norms)) {
    if (!(norm > 0))
      throw new RangeError(`train: groupClipNorms.${group} must be > 0, got ${norm}`);
  }
}
