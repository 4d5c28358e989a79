import { createKey, disposeTree, selectBackend } from '@bayesrnn/core';
import { evaluateLanguageModel } from '@bayesrnn/models';
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
  --split NAME     valid | test | both (default both)
  --seed N         key for the MC masks (default 1)
  --data DIR       PTB folder (default: the one the run was trained on)
  --backend NAME   tensorflow | wasm | cpu (default: best available)
  -h, --help       this help`;

const OPTIONS = {
  run: { type: 'string' },
  mc: { type: 'string' },
  last: { type: 'string' },
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
  const { config, model, corpus, posterior } = await openRun(args.run, args.data);
  const splits = split === 'both' ? (['valid', 'test'] as const) : ([split] as const);
  const report: Record<string, unknown> = {
    run: args.run,
    method: config.method,
    mcSamples: Math.max(1, mcSamples),
  };
  if (last !== undefined && !isSampler(config.method)) {
    throw new UsageError(
      `--last applies to sgld/psgld runs; ${args.run} is a ${config.method} run`,
    );
  }
  if (isSampler(config.method)) {
    // SG-MCMC: the averaged predictive over the kept samples, and the last sample alone.
    for (const name of splits) {
      const ensemble = await evaluateSamples(args.run, model, corpus.evaluation[name], name, last);
      report[name] = {
        perplexity: ensemble.perplexity,
        nll: ensemble.nll,
        tokens: ensemble.tokens,
        lastSamplePerplexity: ensemble.memberPerplexities[ensemble.memberPerplexities.length - 1],
        samples: ensemble.steps.length,
        sampleSteps: ensemble.steps,
      };
    }
  }
  for (const name of isSampler(config.method) ? [] : splits) {
    const result = await evaluateLanguageModel(model, posterior, corpus.evaluation[name], {
      mcSamples,
      key: createKey(integerOption(args.seed, 'seed', 1)),
    });
    report[name] = { perplexity: result.perplexity, nll: result.nll, tokens: result.tokens };
  }
  disposeTree(Object.values(posterior.variables));
  console.log(JSON.stringify(report, null, 2));
  return 0;
}
