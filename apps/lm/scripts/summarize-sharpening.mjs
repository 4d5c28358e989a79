#!/usr/bin/env node
// The Markdown table of the sharpening reproductions (README, "Which weights to sharpen"):
// one row per run folder written by reproduce-sharpening-scope.sh and scored by `eval --bound`.
// Usage: node apps/lm/scripts/summarize-sharpening.mjs RUN_DIR...
//   e.g. node apps/lm/scripts/summarize-sharpening.mjs runs/repro-sharpen*/*-seed?
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

const json = (path) => (existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')) : undefined);
const fixed = (digits) => (x) =>
  typeof x === 'number' && Number.isFinite(x) ? x.toFixed(digits) : '–';
const [f0, f1, f2, f4] = [fixed(0), fixed(1), fixed(2), fixed(4)];
const median = (values) => {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

/** The log's records of one type. */
const records = (run, type) =>
  readFileSync(join(run, 'log.jsonl'), 'utf8')
    .split('\n')
    .filter((line) => line.includes(`"type":"${type}"`))
    .map((line) => JSON.parse(line));

/** Median gradient norms over the first epoch's logged steps: all, and by clipping group. */
function firstEpochNorms(run) {
  const steps = records(run, 'step').filter((record) => record.epoch === 0);
  const group = (name) => median(steps.map((record) => record.gradientNorms?.[name]));
  return { all: median(steps.map((record) => record.gradientNorm)), eta: group('eta') };
}

const header = [
  'run',
  'clip η',
  'valid ppl after epoch 1',
  'valid ppl (mean)',
  'test ppl (mean)',
  'valid bound ≤',
  'test bound ≤',
  'sharpening KL, nats/word (valid / test)',
  'train ppl',
  '‖g‖ epoch 1 (η alone)',
  'tokens/s',
];
const rows = [];
for (const run of process.argv.slice(2)) {
  const results = json(join(run, 'results.json'));
  if (results === undefined) continue;
  const config = json(join(run, 'config.json'));
  const bound = json(join(run, 'bound.json'));
  const sharpened = config.posterior?.kind === 'sharpened';
  const clipEta = sharpened ? (config.posterior.clipEta ?? 'together') : '–';
  const firstEpoch = records(run, 'epoch').find((record) => record.epoch === 0);
  const norms = firstEpochNorms(run);
  const valid = bound?.valid?.sharpenedBound;
  const test = bound?.test?.sharpenedBound;
  rows.push([
    `${basename(dirname(run))}/${basename(run)}`,
    clipEta,
    f1(firstEpoch?.validation?.perplexity),
    f2(results.valid.perplexity),
    f2(results.test.perplexity),
    f2(valid?.perplexity),
    f2(test?.perplexity),
    valid === undefined ? '–' : `${f4(valid.sharpeningKl)} / ${f4(test?.sharpeningKl)}`,
    f1(results.train.perplexity),
    Number.isFinite(norms.eta) ? `${f0(norms.all)} (${f0(norms.eta)})` : f0(norms.all),
    f0(results.tokensPerSecond),
  ]);
}
console.log(`| ${header.join(' | ')} |`);
console.log(`| ${header.map(() => '---').join(' | ')} |`);
for (const row of rows) console.log(`| ${row.join(' | ')} |`);
