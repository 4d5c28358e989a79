import { join } from 'node:path';
import { createKey, disposeTree, selectBackend } from '@bayesrnn/core';
import { createEvaluationBatches, reverseSentences } from '@bayesrnn/data';
import { predictiveEntropy } from '@bayesrnn/models';
import { integerOption, parseOptions, UsageError } from '@bayesrnn/train';
import { openRun } from '../open-run.js';
import { writeJson } from '../run-files.js';

export const UNCERTAINTY_HELP = `Usage: bayesrnn-lm uncertainty --run DIR [options]

The reversed-PTB uncertainty benchmark (Fortunato et al. 2017, §5.1): the per-word predictive
entropy on the test set and on its sentence-reversed copy, and the gap between them (a model
that knows it is out of distribution is less certain on reversed text). Writes
DIR/uncertainty.json.

Options:
  --run DIR        the run directory written by 'bayesrnn-lm train' (required)
  --samples K      K passes with weight draws (bbb) or dropout masks, probabilities averaged
                   (default 0: the posterior mean / dropout off)
  --seed N         key for the draws and masks (default 1)
  --data DIR       PTB folder (default: the one the run was trained on)
  --backend NAME   tensorflow | wasm | cpu (default: best available)
  -h, --help       this help`;

const OPTIONS = {
  run: { type: 'string' },
  samples: { type: 'string' },
  seed: { type: 'string' },
  data: { type: 'string' },
  backend: { type: 'string' },
} as const;

/** `bayesrnn-lm uncertainty`: prints and writes `{test, reversed, gap}` entropies in nats/word. */
export async function uncertaintyCommand(argv: readonly string[]): Promise<number> {
  const args = parseOptions(argv, OPTIONS);
  if (args.help) {
    console.log(UNCERTAINTY_HELP);
    return 0;
  }
  if (args.run === undefined) throw new UsageError('--run DIR is required');
  const samples = integerOption(args.samples, 'samples', 0);
  const key = createKey(integerOption(args.seed, 'seed', 1));
  await selectBackend(args.backend === undefined ? {} : { name: args.backend });
  const { model, corpus, posterior, config } = await openRun(args.run, args.data);
  if (corpus.vocabulary.eosId === undefined) {
    disposeTree(Object.values(posterior.variables));
    throw new UsageError(
      `${args.run}: uncertainty reverses sentences at <eos>, and this run's corpus (${config.data.corpus}) has none: it applies to PTB runs`,
    );
  }
  const test = corpus.evaluation.test;
  const batching = { batchSize: test.batchSize, steps: config.training.steps };
  const reversed = createEvaluationBatches(
    reverseSentences(corpus.ids.test, corpus.vocabulary.eosId),
    batching,
  );
  const forward = await predictiveEntropy(model, posterior, test, { samples, key });
  const backward = await predictiveEntropy(model, posterior, reversed, { samples, key });
  disposeTree(Object.values(posterior.variables));
  const report = {
    run: args.run,
    method: config.method,
    samples: forward.samples,
    test: forward.entropy,
    reversed: backward.entropy,
    gap: backward.entropy - forward.entropy,
    tokens: forward.tokens,
    date: new Date().toISOString(),
  };
  await writeJson(join(args.run, `uncertainty-${forward.samples}.json`), report);
  console.log(JSON.stringify(report, null, 2));
  return 0;
}
