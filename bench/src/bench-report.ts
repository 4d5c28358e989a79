import type { ContenderResult } from './contender-result.js';
import type { MachineInfo } from './machine.js';
import type { McEvaluationResult } from './mc-evaluation.js';
import type { Interval } from './ratio-interval.js';
import { computeRatioIntervals, computeRatios, RATIOS, type RatioDefinition } from './ratios.js';
import type { BenchShape } from './shape.js';

/** PyTorch's version, threads and BLAS, as its script reported them. */
export interface PytorchInfo {
  readonly version: string;
  readonly threads: number;
  readonly blas: string;
  readonly blasLibraries: readonly string[];
  /** OpenBLAS's own thread count (it threads independently of torch), when OpenBLAS is used. */
  readonly openblasThreads: number | null;
  readonly python: string;
  /** Where its step ran: `cpu`, or the CUDA GPU's name (`BENCH_TORCH_DEVICE=cuda`). */
  readonly device: string;
}

/** Everything results.json holds. */
export interface BenchReport {
  readonly schema: 1;
  readonly date: string;
  readonly command: string;
  readonly quick: boolean;
  readonly machine: MachineInfo;
  readonly pytorch: PytorchInfo | null;
  readonly shape: BenchShape;
  readonly settings: {
    readonly warmupRounds: number;
    readonly timedRounds: number;
    readonly interleaving: string;
  };
  readonly contenders: readonly ContenderResult[];
  /** Headline ratios by key; `null` when a contender is missing or failed. */
  readonly ratios: Readonly<Record<string, number | null>>;
  /**
   * 95% bootstrap intervals of the ratios (the timed rounds resampled in pairs), `null` where
   * the ratio is.
   */
  readonly ratioIntervals: Readonly<Record<string, Interval | null>>;
  readonly ratioDefinitions: readonly RatioDefinition[];
  /** This process's RSS high-water mark (every in-process contender together). */
  readonly processPeakRssBytes: number;
  readonly mcEvaluation: McEvaluationResult | null;
}

/** The pieces a report is made of. */
export interface ReportInput {
  readonly date: Date;
  readonly command: string;
  readonly quick: boolean;
  readonly machine: MachineInfo;
  readonly shape: BenchShape;
  readonly warmupRounds: number;
  readonly timedRounds: number;
  readonly contenders: readonly ContenderResult[];
  readonly processPeakRssBytes: number;
  readonly mcEvaluation: McEvaluationResult | null;
}

/** PyTorch's facts from the `pytorch` contender's details, or `null` if it did not run. */
export function pytorchInfo(contenders: readonly ContenderResult[]): PytorchInfo | null {
  const details = contenders.find(
    (entry) => entry.name === 'pytorch' && entry.status === 'ok',
  )?.details;
  if (details === undefined) return null;
  const blas = (details.blas ?? {}) as {
    kind?: unknown;
    loadedLibraries?: unknown;
    openblasThreads?: unknown;
  };
  return {
    version: String(details.torchVersion ?? 'unknown'),
    threads: Number(details.threads ?? Number.NaN),
    blas: String(blas.kind ?? 'unknown'),
    blasLibraries: Array.isArray(blas.loadedLibraries) ? blas.loadedLibraries.map(String) : [],
    openblasThreads: typeof blas.openblasThreads === 'number' ? blas.openblasThreads : null,
    python: String(details.python ?? 'unknown'),
    device: String(details.device ?? 'cpu'),
  };
}

function interleaving(contenders: readonly ContenderResult[]): string {
  const ran = contenders.filter((entry) => entry.status === 'ok').map((entry) => entry.name);
  const pytorch = ran.includes('pytorch')
    ? ' PyTorch runs as a child process in serve mode and takes its one step per round between the JS contenders (fully interleaved).'
    : '';
  return `round-robin in one process, one step per contender per round (the order shuffled per round, the same on every run): ${ran.join(', ')}.${pytorch}`;
}

/** The report: contenders, ratios (from their medians), machine and settings. */
export function buildReport(input: ReportInput): BenchReport {
  const medians = input.contenders.map((entry) => ({
    name: entry.name,
    ...(entry.status === 'ok' && entry.tokensPerSecond && entry.stepSeconds
      ? { tokensPerSecond: entry.tokensPerSecond.median, stepSeconds: entry.stepSeconds.median }
      : {}),
  }));
  return {
    schema: 1,
    date: input.date.toISOString(),
    command: input.command,
    quick: input.quick,
    machine: input.machine,
    pytorch: pytorchInfo(input.contenders),
    shape: input.shape,
    settings: {
      warmupRounds: input.warmupRounds,
      timedRounds: input.timedRounds,
      interleaving: interleaving(input.contenders),
    },
    contenders: input.contenders,
    ratios: computeRatios(medians),
    ratioIntervals: computeRatioIntervals(
      input.contenders.map((entry) => ({
        name: entry.name,
        ...(entry.status === 'ok' && entry.stepSeconds
          ? { tokensPerStep: entry.tokensPerStep, stepSeconds: entry.stepSeconds.samples }
          : {}),
      })),
    ),
    ratioDefinitions: RATIOS,
    processPeakRssBytes: input.processPeakRssBytes,
    mcEvaluation: input.mcEvaluation,
  };
}
