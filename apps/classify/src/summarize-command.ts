import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseOptions, UsageError } from '@bayesrnn/train';
import type { ClassifierResults } from './classifier-results.js';

export const SUMMARIZE_HELP = `Usage: bayesrnn-classify summarize RUN_DIR...

Reads each run's results.json and prints, per arm (runs whose settings differ only by seed and
fold), the test error as mean ± standard deviation over its runs (folds or seeds), Gan et al. (2017) Table 5's format, as a
Markdown table; with --json, the same as JSON.

Options:
  --json        print JSON instead of Markdown
  -h, --help    this help`;

/** One row of the summary: a dataset and method over its runs. */
export interface SummaryRow {
  readonly dataset: string;
  /** The method, and the settings in which this arm differs from the method's first arm. */
  readonly method: string;
  readonly runs: number;
  /** Test error in %: mean and sample standard deviation over the runs. */
  readonly testError: { readonly mean: number; readonly std: number };
  /** pSGLD runs: the same for the last iterate alone (what averaging adds). */
  readonly lastIterateError?: { readonly mean: number; readonly std: number };
}

function meanStd(values: readonly number[]): { mean: number; std: number } {
  const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
  const variance =
    values.length < 2
      ? 0
      : values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (values.length - 1);
  return { mean, std: Math.sqrt(variance) };
}

async function readResults(dir: string): Promise<ClassifierResults> {
  const path = join(dir, 'results.json');
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new Error(`${path}: no results (the run has not finished, or it is not a run directory)`);
  }
  const results = JSON.parse(text) as ClassifierResults;
  if (results.config?.dataset === undefined || results.test?.error === undefined)
    throw new Error(`${path}: not a bayesrnn-classify results file`);
  return results;
}

/** The settings that make runs replicates of one arm: the whole config but the seed and fold. */
function armOf(run: ClassifierResults): Record<string, unknown> {
  const { seed: _seed, fold: _fold, ...arm } = run.config;
  return arm;
}

/**
 * `method`, and the settings in which this arm differs from the first arm of the same dataset
 * and method (e.g. `psgld (temperature 0.0004)`), so that every row says what it measured.
 */
function armLabel(arm: Record<string, unknown>, first: Record<string, unknown>): string {
  // Keys of both: a run from an older version may lack a setting (it ran at its default).
  const keys = [...new Set([...Object.keys(first), ...Object.keys(arm)])];
  const differing = keys.filter((key) => JSON.stringify(arm[key]) !== JSON.stringify(first[key]));
  const settings = differing
    .map((key) => `${key} ${arm[key] === undefined ? 'default' : JSON.stringify(arm[key])}`)
    .join(', ');
  return settings === '' ? String(arm.method) : `${String(arm.method)} (${settings})`;
}

/**
 * Groups runs into arms (runs whose configs differ only by seed and fold, in the order first
 * seen), with each arm's test error over its runs.
 */
export function summarize(runs: readonly ClassifierResults[]): SummaryRow[] {
  const groups = new Map<string, ClassifierResults[]>();
  for (const run of runs) {
    const name = JSON.stringify(armOf(run));
    groups.set(name, [...(groups.get(name) ?? []), run]);
  }
  const firstArm = new Map<string, Record<string, unknown>>();
  return [...groups.values()].map((group) => {
    const first = group[0] as ClassifierResults;
    const arm = armOf(first);
    const family = `${first.config.dataset}/${first.config.method}`;
    if (!firstArm.has(family)) firstArm.set(family, arm);
    const last = group.flatMap((run) => (run.lastIterate ? [run.lastIterate.test.error] : []));
    return {
      dataset: first.config.dataset,
      method: armLabel(arm, firstArm.get(family) ?? arm),
      runs: group.length,
      testError: meanStd(group.map((run) => run.test.error)),
      ...(last.length === group.length ? { lastIterateError: meanStd(last) } : {}),
    };
  });
}

function formatError(value: { mean: number; std: number }): string {
  return `${value.mean.toFixed(2)} ± ${value.std.toFixed(2)}`;
}

/** `bayesrnn-classify summarize`: returns the process exit code. */
export async function summarizeCommand(argv: readonly string[]): Promise<number> {
  const dirs = argv.filter((arg) => !arg.startsWith('-'));
  const args = parseOptions(
    argv.filter((arg) => arg.startsWith('-')),
    { json: { type: 'boolean' } } as const,
  );
  if (args.help) {
    console.log(SUMMARIZE_HELP);
    return 0;
  }
  if (dirs.length === 0) throw new UsageError('name at least one run directory');
  const rows = summarize(await Promise.all(dirs.map(readResults)));
  if (args.json === true) {
    console.log(JSON.stringify(rows, null, 2));
    return 0;
  }
  console.log('| dataset | method | runs | test error % | last iterate % |');
  console.log('| --- | --- | --- | --- | --- |');
  for (const row of rows) {
    const last = row.lastIterateError === undefined ? '' : formatError(row.lastIterateError);
    console.log(
      `| ${row.dataset} | ${row.method} | ${row.runs} | ${formatError(row.testError)} | ${last} |`,
    );
  }
  return 0;
}
