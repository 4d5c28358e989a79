import { createKey, disposeTree, selectBackend } from '@bayesrnn/core';
import { createEvaluationBatches } from '@bayesrnn/data';
import { evaluateLanguageModel, evaluateSharpenedBound } from '@bayesrnn/models';
import type { RngKey } from '@bayesrnn/spec';
import { choiceOption, integerOption, parseOptions, UsageError } from '@bayesrnn/train';
import { openRun } from '../open-run.js';
import { isSampler } from '../settings.js';
import { evaluateSamples } from '../sgmcmc-setup.js';

export const EVAL_HELP = `Usage: bayesrnn-lm eval --run DIR [options]

Evaluate a trained run's best weights on PTB valid and/or test: the posterior mean (point
weights as they are), or with --mc K the mean of K Monte-Carlo passes' probabilities. For
sgld/psgld runs: the averaged predictive of the kept samples, and the last sample alone.

Options:
  --run DIR        the run directory written by 'bayesrnn-lm train' (required)
  --mc K           K passes with fresh dropout masks and (bbb runs) weight draws, averaging
                   probabilities (default 0: one pass, masks off, posterior mean)
  --last K         sgld/psgld runs: average only the last K kept samples (default: all)
  --bound          bbb-sharpened runs: also the paper's sharpened bound (option (b), Table 1's
                   "≤" figures): each window's weights sharpened on its own targets, paying
                   the sharpening KL; one draw per window from --seed, in windows of the
                   training batch size (the minibatches η was learned on)
  --split NAME     valid | test | both (default both)
  --seed N         key for the MC masks (default 1)
  --data DIR       PTB folder (default: the one the run was trained on)
  --backend NAME   tensorflow | wasm | cpu (default: best available)
  -h, --help       this help`;

const OPTIONS = {
  run: { type: 'string' },
  mc: { type: 'string' },
  last: { type: 'string' },
  bound: { type: 'boolean' },
  split: { type: 'string' },
  seed: { type: 'string' },
  data: { type: 'string' },
  backend: { type: 'string' },
} as const;

/** `bayesrnn-lm eval`: prints `{split: {perplexity, nll, tokens}}` as JSON. */
export async function evalCommand(argv: readonly string[]): Promise<number> {
  const args = parseOptions(argv, OPTIONS);
  if (args.help) {
    console.log(EVAL_HELP);
    return 0;
  }
  if (args.run === undefined) throw new UsageError('--run DIR is required');
  const split = choiceOption(args.split, 'split', ['valid', 'test', 'both'], 'both');
  const mcSamples = integerOption(args.mc, 'mc', 0);
  const last = args.last === undefined ? undefined : integerOption(args.last, 'last', 1, 1);
  await selectBackend(args.backend === undefined ? {} : { name: args.backend });
  const run = await openRun(args.run, args.data);
  try {
    const { config } = run;
    if (last !== undefined && !isSampler(config.method)) {
      throw new UsageError(
        `--last applies to sgld/psgld runs; ${args.run} is a ${config.method} run`,
      );
    }
    if (args.bound === true && config.method !== 'bbb-sharpened') {
      throw new UsageError(
        `--bound applies to bbb-sharpened runs; ${args.run} is a ${config.method} run`,
      );
    }
    const report: Record<string, unknown> = {
      run: args.run,
      method: config.method,
      mcSamples: Math.max(1, mcSamples),
    };
    const key = createKey(integerOption(args.seed, 'seed', 1));
    for (const name of split === 'both' ? (['valid', 'test'] as const) : [split]) {
      report[name] = isSampler(config.method)
        ? await scoreSamples(args.run, run, name, last)
        : await scoreWeights(run, name, { mcSamples, key, bound: args.bound === true });
    }
    console.log(JSON.stringify(report, null, 2));
    return 0;
  } finally {
    disposeTree(Object.values(run.posterior.variables));
  }
}

type OpenedRun = Awaited<ReturnType<typeof openRun>>;

/** SG-MCMC: the averaged predictive over the kept samples, and the last sample alone. */
async function scoreSamples(
  runDir: string,
  { model, corpus }: OpenedRun,
  split: 'valid' | 'test',
  last: number | undefined,
): Promise<object> {
  const ensemble = await evaluateSamples(runDir, model, corpus.evaluation[split], split, last);
  return {
    perplexity: ensemble.perplexity,
    nll: ensemble.nll,
    tokens: ensemble.tokens,
    lastSamplePerplexity: ensemble.memberPerplexities[ensemble.memberPerplexities.length - 1],
    samples: ensemble.steps.length,
    sampleSteps: ensemble.steps,
  };
}

/** Point or Bayesian weights: the mean (or K MC passes), and with `bound` the sharpened bound. */
async function scoreWeights(
  { model, corpus, posterior, config }: OpenedRun,
  split: 'valid' | 'test',
  options: { mcSamples: number; key: RngKey; bound: boolean },
): Promise<object> {
  const windows = corpus.evaluation[split];
  const { mcSamples, key } = options;
  const result = await evaluateLanguageModel(model, posterior, windows, { mcSamples, key });
  const scores = { perplexity: result.perplexity, nll: result.nll, tokens: result.tokens };
  if (!options.bound) return scores;
  // The bound's minibatches have the training shape: q(θ | φ, x) and its KL are defined on
  // the minibatches η was learned on (g_φ's noise, and so the KL, grow as the batch shrinks).
  const { batchSize, steps } = config.training;
  const minibatches = createEvaluationBatches(corpus.ids[split], { batchSize, steps });
  const bound = await evaluateSharpenedBound(model, posterior, minibatches, { key });
  const { perplexity, nll, dataNll, sharpeningKl, tokens } = bound;
  const sharpenedBound = { perplexity, nll, dataNll, sharpeningKl, tokens, batchSize };
  return { ...scores, sharpenedBound };
}
