import type { EvaluationResult } from './train-task.js';

/** A snapshot of training for a progress display. */
export interface TrainProgress {
  /** `'train'` during an epoch, `'epoch-end'` after its evaluation, `'done'` at the end. */
  readonly phase: 'train' | 'epoch-end' | 'done';
  /** Zero-based epoch (shown counted from 1). */
  readonly epoch: number;
  readonly epochs: number;
  /** Steps completed, and in the whole run. */
  readonly step: number;
  readonly totalSteps: number;
  /**
   * Mean training loss of the epoch so far (token-weighted when the task gives tokens);
   * `undefined` at `'done'`.
   */
  readonly loss: number | undefined;
  /** `exp` of the epoch's mean per-token NLL, when the task gives tokens. */
  readonly perplexity: number | undefined;
  readonly learningRate: number;
  /** Tokens per second in this process since the last report; `undefined` without tokens. */
  readonly tokensPerSecond: number | undefined;
  /** What a token is (`TrainTask.unit`); `undefined` = `'tok'`. */
  readonly unit?: string;
  /** Seconds left at this process's pace; `undefined` before it is known. */
  readonly etaSeconds: number | undefined;
  /** The epoch's validation metrics (at `'epoch-end'`, when the task evaluates). */
  readonly validation?: EvaluationResult;
  /** The best validation result (at `'done'`, when the task evaluates). */
  readonly best?: { readonly epoch: number; readonly metric: string; readonly value: number };
  /** The test splits' results (at `'done'`). */
  readonly evaluations?: { readonly [split: string]: EvaluationResult };
}

/** Receives progress snapshots (throttled by the trainer). */
export type ProgressReporter = (progress: TrainProgress) => void;

/** Where the console reporter writes: `process.stderr`, or a fake in tests. */
export interface ProgressStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

/** `3725` → `1h02m`, `185` → `3m05s`, `12.4` → `12s`. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const whole = Math.round(seconds);
  const hours = Math.floor(whole / 3600);
  const minutes = Math.floor((whole % 3600) / 60);
  if (hours > 0) return `${hours}h${String(minutes).padStart(2, '0')}m`;
  if (minutes > 0) return `${minutes}m${String(whole % 60).padStart(2, '0')}s`;
  return `${whole}s`;
}

/** `12345` → `12.3k`, `2.5e6` → `2.50M`, `950` → `950`. */
function formatCount(value: number): string {
  if (value >= 1e6) return `${(value / 1e6).toFixed(2)}M`;
  if (value >= 1e3) return `${(value / 1e3).toFixed(1)}k`;
  return value.toFixed(0);
}

function formatMetrics(metrics: EvaluationResult): string {
  return Object.entries(metrics)
    .map(([name, value]) => `${name} ${Number.isInteger(value) ? value : value.toPrecision(5)}`)
    .join(' ');
}

/**
 * One line for a progress snapshot, e.g.
 * `epoch 3/39  step 1200/51753 (2.3%)  loss 4.8120  ppl 123.0  lr 1  12.3k tok/s  ETA 1h02m`.
 */
export function formatProgress(progress: TrainProgress): string {
  const { epoch, epochs, step, totalSteps } = progress;
  const percent = totalSteps > 0 ? ((100 * step) / totalSteps).toFixed(1) : '0.0';
  const fields = [`epoch ${epoch + 1}/${epochs}`, `step ${step}/${totalSteps} (${percent}%)`];
  if (progress.phase === 'done') return formatDone(fields, progress);
  if (progress.loss !== undefined) fields.push(`loss ${progress.loss.toFixed(4)}`);
  if (progress.perplexity !== undefined) fields.push(`ppl ${progress.perplexity.toFixed(1)}`);
  fields.push(`lr ${progress.learningRate.toPrecision(4).replace(/\.?0+$/, '')}`);
  if (progress.tokensPerSecond !== undefined) {
    fields.push(`${formatCount(progress.tokensPerSecond)} ${progress.unit ?? 'tok'}/s`);
  }
  if (progress.phase === 'train' && progress.etaSeconds !== undefined) {
    fields.push(`ETA ${formatDuration(progress.etaSeconds)}`);
  }
  if (progress.validation !== undefined) {
    fields.push(`| valid ${formatMetrics(progress.validation)}`);
  }
  return fields.join('  ');
}

/** The closing line: where the run ended, its best validation result, the test results. */
function formatDone(fields: string[], progress: TrainProgress): string {
  const { best, evaluations = {} } = progress;
  if (best !== undefined) {
    fields.push(`| best ${best.metric} ${best.value.toPrecision(5)} (epoch ${best.epoch + 1})`);
  }
  for (const [split, metrics] of Object.entries(evaluations)) {
    fields.push(`| ${split} ${formatMetrics(metrics)}`);
  }
  return ['done:', ...fields].join('  ');
}

/**
 * The default reporter: on a terminal one line refreshed in place (`\r`, erase to end of
 * line), ended by a newline after each epoch; otherwise (a file, CI) one plain line per report.
 */
export function createConsoleReporter(stream: ProgressStream = process.stderr): ProgressReporter {
  return (progress) => {
    const line = formatProgress(progress);
    if (stream.isTTY === true) {
      const end = progress.phase === 'train' ? '' : '\n';
      stream.write(`\r${line}\u001b[K${end}`);
    } else {
      stream.write(`${line}\n`);
    }
  };
}
