import { createKey, disposeTree, selectBackend } from '@bayesrnn/core';
import { createLanguageModel, evaluateLanguageModel } from '@bayesrnn/models';
import { choiceOption, integerOption, parseOptions, UsageError } from '../cli-args.js';
import { loadLmCorpus } from '../corpus.js';
import { locatePtb } from '../data-location.js';
import { loadRunWeights, readRunSetup } from '../run-files.js';

export const EVAL_HELP = `Usage: bayesrnn-lm eval --run DIR [options]

Evaluate a trained run's best weights on PTB valid and/or test.

Options:
  --run DIR        the run directory written by 'bayesrnn-lm train' (required)
  --mc K           K MC-dropout passes, averaging probabilities (default 0: masks off)
  --split NAME     valid | test | both (default both)
  --seed N         key for the MC masks (default 1)
  --data DIR       PTB folder (default: the one the run was trained on)
  --backend NAME   tensorflow | wasm | cpu (default: best available)
  -h, --help       this help`;

const OPTIONS = {
  run: { type: 'string' },
  mc: { type: 'string' },
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
  await selectBackend(args.backend === undefined ? {} : { name: args.backend });
  const { config, vocabulary } = await readRunSetup(args.run);
  const corpus = await loadLmCorpus(
    locatePtb(args.data ?? config.dataDir),
    config.data,
    config.training,
    vocabulary,
  );
  const model = createLanguageModel(config.model);
  const weights = await loadRunWeights(args.run, model);
  const splits = split === 'both' ? (['valid', 'test'] as const) : ([split] as const);
  const report: Record<string, unknown> = {
    run: args.run,
    method: config.method,
    mcSamples: Math.max(1, mcSamples),
  };
  for (const name of splits) {
    const result = await evaluateLanguageModel(model, weights, corpus.evaluation[name], {
      mcSamples,
      key: createKey(integerOption(args.seed, 'seed', 1)),
    });
    report[name] = { perplexity: result.perplexity, nll: result.nll, tokens: result.tokens };
  }
  disposeTree(Object.values(weights));
  console.log(JSON.stringify(report, null, 2));
  return 0;
}
