import { join } from 'node:path';
import { disposeTree, selectBackend } from '@bayesrnn/core';
import { createLanguageModel } from '@bayesrnn/models';
import {
  type GaussianPosterior,
  type SharpenedPosterior,
  type Spread,
  summarizePosterior,
  type WeightPosteriorSummary,
} from '@bayesrnn/posteriors';
import { parseOptions, UsageError } from '@bayesrnn/train';
import { loadRunPosterior, readRunSetup, writeJson } from '../run-files.js';

export const POSTERIOR_HELP = `Usage: bayesrnn-lm posterior --run DIR [options]

What a bbb or bbb-sharpened run's posterior learned, weight by weight (its best variables):
the spread (mean, 5th, 50th and 95th percentiles) of |μ|, σ, the signal-to-noise ratio |μ|/σ
and, for sharpened weights, η. Prints a table and writes DIR/posterior.json.

Options:
  --run DIR          a run trained with --method bbb or bbb-sharpened (required)
  --backend NAME     tensorflow | wasm | cpu (default: best available)
  -h, --help         this help`;

const OPTIONS = {
  run: { type: 'string' },
  backend: { type: 'string' },
} as const;

const format = (value: number) => value.toPrecision(3);
const spreadCell = (spread: Spread) =>
  `${format(spread.median)} [${format(spread.p5)}, ${format(spread.p95)}]`;

/** The summaries as a Markdown table: median [5th, 95th percentile] per quantity. */
export function posteriorTable(weights: readonly WeightPosteriorSummary[]): string {
  const sharpened = weights.some((weight) => weight.eta !== undefined);
  const header = ['weight', 'elements', '|μ|', 'σ', '|μ|/σ', ...(sharpened ? ['η'] : [])];
  const rows = weights.map((weight) => [
    weight.name,
    String(weight.size),
    spreadCell(weight.absMu),
    spreadCell(weight.sigma),
    spreadCell(weight.signalToNoise),
    ...(sharpened ? [weight.eta === undefined ? '–' : spreadCell(weight.eta)] : []),
  ]);
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** `bayesrnn-lm posterior`: prints the table and writes `{run, method, sigma0?, weights}`. */
export async function posteriorCommand(argv: readonly string[]): Promise<number> {
  const args = parseOptions(argv, OPTIONS);
  if (args.help) {
    console.log(POSTERIOR_HELP);
    return 0;
  }
  if (args.run === undefined) throw new UsageError('--run DIR is required');
  await selectBackend(args.backend === undefined ? {} : { name: args.backend });
  const { config } = await readRunSetup(args.run);
  const run = await loadRunPosterior(args.run, config, createLanguageModel(config.model));
  try {
    if (run.gaussian === undefined) {
      throw new UsageError(
        `${args.run} was trained with --method ${config.method}: it has no posterior to summarise (train with bbb or bbb-sharpened)`,
      );
    }
    // With a Gaussian part, createRunPosterior made the Gaussian or the sharpened posterior.
    const posterior = run.posterior as GaussianPosterior | SharpenedPosterior;
    const weights = await summarizePosterior(posterior);
    const sigma0 = posterior.kind === 'sharpened' ? { sigma0: posterior.config.sigma0 } : {};
    console.log(posteriorTable(weights));
    const report = { run: args.run, method: config.method, ...sigma0, weights };
    await writeJson(join(args.run, 'posterior.json'), report);
    return 0;
  } finally {
    disposeTree(Object.values(run.posterior.variables));
  }
}
