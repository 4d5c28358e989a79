import { evaluateLanguageModel, type LanguageModel } from '@bayesrnn/models';
import type { RngKey, WeightSource } from '@bayesrnn/spec';
import { readJsonlLog, type TrainResult } from '@bayesrnn/train';
import type { LmCorpus } from './corpus.js';

/** One split's scores: deterministic pass, and MC-dropout when asked. */
export interface SplitResults {
  readonly perplexity: number;
  readonly nll: number;
  readonly tokens: number;
  /** K-pass Monte-Carlo perplexity (mean of probabilities), when `--mc K` was given. */
  readonly mcPerplexity?: number;
  /** SG-MCMC: the last kept sample's perplexity (`perplexity` is the samples' average). */
  readonly lastSamplePerplexity?: number;
  /** SG-MCMC: the chain's final iterate's perplexity. */
  readonly lastIteratePerplexity?: number;
}

/** `results.json`: what a person or a tool compares across runs. */
export interface LmResults {
  readonly method: string;
  readonly preset: string;
  readonly seed: number;
  readonly backend: string;
  readonly train: {
    readonly perplexity: number | null;
    /** Mean NLL per token of the last epoch (nats), the data term alone. */
    readonly nll: number | null;
    /** Mean KL(q ‖ p) of the last epoch's draws (nats, unscaled); 0 for point weights. */
    readonly kl: number | null;
    /** Mean sharpening KL of the last epoch (nats), for `bbb-sharpened`. */
    readonly sharpeningKl?: number;
    readonly epochs: number;
    readonly steps: number;
  };
  readonly valid: SplitResults;
  readonly test: SplitResults;
  readonly bestEpoch: number | null;
  readonly stopReason: string;
  readonly mcSamples: number;
  /** SG-MCMC: how many samples the averaged predictive used. */
  readonly samples?: number;
  readonly tokensPerSecond: number;
  readonly trainingSeconds: number;
  readonly date: string;
}

interface EvaluateRunOptions {
  readonly method: string;
  readonly preset: string;
  readonly seed: number;
  readonly backend: string;
  readonly model: LanguageModel;
  readonly weights: WeightSource;
  readonly corpus: LmCorpus;
  readonly result: TrainResult;
  readonly mcSamples: number;
  readonly evalKey: RngKey;
  readonly tokensPerSecond: number;
  readonly trainingSeconds: number;
}

function splitResults(
  evaluation: { readonly [metric: string]: number } | undefined,
  mc: number | undefined,
): SplitResults {
  return {
    perplexity: evaluation?.perplexity ?? Number.NaN,
    nll: evaluation?.nll ?? Number.NaN,
    tokens: evaluation?.tokens ?? 0,
    ...(mc === undefined ? {} : { mcPerplexity: mc }),
  };
}

/** The last epoch's training summary from `log.jsonl`: perplexity, NLL and KL apart. */
async function lastEpochTrain(logPath: string): Promise<{
  perplexity: number | null;
  nll: number | null;
  kl: number | null;
  sharpeningKl?: number;
}> {
  const records = await readJsonlLog(logPath);
  const epochs = records.filter((record) => record.type === 'epoch');
  const summary = epochs[epochs.length - 1]?.train as
    | { loss?: number; perplexity?: number; parts?: Record<string, number> }
    | undefined;
  const parts = summary?.parts ?? {};
  return {
    perplexity: summary?.perplexity ?? null,
    // The loss is steps × NLL (+ KL terms): the per-token NLL is its own part.
    nll: parts.nll ?? null,
    kl: parts.kl ?? null,
    ...(parts.sharpeningKl === undefined ? {} : { sharpeningKl: parts.sharpeningKl }),
  };
}

/** Prints `label: 40%` on stderr at every tenth of the work (MC evaluations run for minutes). */
function mcProgress(label: string): (done: number, total: number) => void {
  let shown = -1;
  return (done, total) => {
    const tenth = Math.floor((10 * done) / total);
    if (tenth === shown) return;
    shown = tenth;
    console.error(`bayesrnn-lm: ${label}: ${tenth * 10}%`);
  };
}

/** Assembles `results.json`, running the MC-dropout evaluations when `mcSamples > 1`. */
export async function evaluateRun(options: EvaluateRunOptions): Promise<LmResults> {
  const { result, corpus, model, weights, mcSamples, evalKey } = options;
  const mc = async (split: 'valid' | 'test') =>
    mcSamples > 1
      ? (
          await evaluateLanguageModel(model, weights, corpus.evaluation[split], {
            mcSamples,
            key: evalKey,
            onProgress: mcProgress(`Monte-Carlo evaluation on ${split}, ${mcSamples} passes`),
          })
        ).perplexity
      : undefined;
  const train = await lastEpochTrain(result.logPath);
  return {
    method: options.method,
    preset: options.preset,
    seed: options.seed,
    backend: options.backend,
    train: { ...train, epochs: result.epochs, steps: result.steps },
    valid: splitResults(result.evaluations.valid, await mc('valid')),
    test: splitResults(result.evaluations.test, await mc('test')),
    bestEpoch: result.best?.epoch ?? null,
    stopReason: result.stopReason,
    mcSamples: Math.max(1, mcSamples),
    tokensPerSecond: Math.round(options.tokensPerSecond),
    trainingSeconds: Math.round(options.trainingSeconds),
    date: new Date().toISOString(),
  };
}
