import { join } from 'node:path';
import { disposeTree, selectBackend } from '@bayesrnn/core';
import { evaluateLanguageModel } from '@bayesrnn/models';
import { pruneBySignalToNoise } from '@bayesrnn/posteriors';
import { choiceOption, parseOptions, UsageError } from '@bayesrnn/train';
import { openRun } from '../open-run.js';
import { writeJson } from '../run-files.js';

export const PRUNE_HELP = `Usage: bayesrnn-lm prune --run DIR [options]

Signal-to-noise pruning of a bbb run (Fortunato et al. 2017, Fig. 2): for each fraction, zero
that fraction of the Bayesian weights with the lowest |μ|/σ in the posterior mean and report the
perplexity. Writes DIR/prune.json.

Options:
  --run DIR          a run trained with --method bbb or bbb-sharpened (required)
  --fractions LIST   comma-separated fractions in [0, 1] (default 0,0.1,0.2,0.3,0.4,0.5,0.6,0.7,0.8,0.9,0.95,0.98)
  --split NAME       valid | test (default valid)
  --data DIR         PTB folder (default: the one the run was trained on)
  --backend NAME     tensorflow | wasm | cpu (default: best available)
  -h, --help         this help`;

const OPTIONS = {
  run: { type: 'string' },
  fractions: { type: 'string' },
  split: { type: 'string' },
  data: { type: 'string' },
  backend: { type: 'string' },
} as const;

const DEFAULT_FRACTIONS = [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.98];

function parseFractions(value: string | undefined): number[] {
  if (value === undefined) return DEFAULT_FRACTIONS;
  const fractions = value.split(',').map((part) => Number(part.trim()));
  if (fractions.length === 0 || fractions.some((f) => !(f >= 0 && f <= 1)))
    throw new UsageError(`--fractions must be comma-separated numbers in [0, 1], got '${value}'`);
  return fractions;
}

/** `bayesrnn-lm prune`: prints and writes `{split, rows: [{fraction, pruned, perplexity}]}`. */
export async function pruneCommand(argv: readonly string[]): Promise<number> {
  const args = parseOptions(argv, OPTIONS);
  if (args.help) {
    console.log(PRUNE_HELP);
    return 0;
  }
  if (args.run === undefined) throw new UsageError('--run DIR is required');
  const fractions = parseFractions(args.fractions);
  const split = choiceOption(args.split, 'split', ['valid', 'test'], 'valid');
  await selectBackend(args.backend === undefined ? {} : { name: args.backend });
  const run = await openRun(args.run, args.data);
  if (run.gaussian === undefined) {
    disposeTree(Object.values(run.posterior.variables));
    throw new UsageError(
      `${args.run} was trained with --method ${run.config.method}: pruning needs a bbb run`,
    );
  }
  const rows = [];
  for (const fraction of fractions) {
    const pruned = await pruneBySignalToNoise(run.gaussian, fraction);
    const result = await evaluateLanguageModel(
      run.model,
      pruned.weights,
      run.corpus.evaluation[split],
    );
    disposeTree(Object.values(pruned.weights));
    const row = {
      fraction,
      pruned: pruned.pruned,
      total: pruned.total,
      threshold: pruned.threshold,
      perplexity: result.perplexity,
    };
    console.error(
      `bayesrnn-lm prune: ${(100 * fraction).toFixed(0)}% removed → ${split} perplexity ${result.perplexity.toFixed(2)}`,
    );
    rows.push(row);
  }
  disposeTree(Object.values(run.posterior.variables));
  const report = {
    run: args.run,
    method: run.config.method,
    split,
    rows,
    date: new Date().toISOString(),
  };
  await writeJson(join(args.run, 'prune.json'), report);
  console.log(JSON.stringify(report, null, 2));
  return 0;
}
