#!/usr/bin/env node
// Summarises the gan-warpeace runs of reproduce-gan-warpeace.sh as the Markdown table of
// Gan et al. 2017's Table 2: test cross-entropy per character (nats) by cell and optimiser.
// For pSGLD runs: the averaged predictive of all kept samples (what the paper reports), of
// the last 5 (eval-last-5.json, when the reproduction script wrote it), the last iterate and
// the number of samples. Also valid CE, bits per character, tokens/s, time.
// Usage: node apps/lm/scripts/summarize-warpeace.mjs runs/repro-gan-warpeace
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = process.argv[2] ?? 'runs/repro-gan-warpeace';
const runs = readdirSync(root, { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && existsSync(join(root, entry.name, 'results.json')))
  .map((entry) => entry.name)
  .sort();

const fmt = (value, digits = 4) =>
  typeof value === 'number' && Number.isFinite(value) ? value.toFixed(digits) : '–';

console.log(
  '| run | cell | method | test CE (nats/char) | test bpc | last 5 samples | last iterate | samples | valid CE | tokens/s | training s |',
);
console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
for (const run of runs) {
  const results = JSON.parse(readFileSync(join(root, run, 'results.json'), 'utf8'));
  const config = JSON.parse(readFileSync(join(root, run, 'config.json'), 'utf8'));
  const last = results.test.lastIteratePerplexity;
  const lastFive = join(root, run, 'eval-last-5.json');
  const lastFiveCe = existsSync(lastFive)
    ? JSON.parse(readFileSync(lastFive, 'utf8')).test.nll
    : undefined;
  console.log(
    `| ${run} | ${config.model.cell} | ${results.method} | ${fmt(results.test.nll)} | ${fmt(results.test.nll / Math.LN2, 3)} | ${fmt(lastFiveCe)} | ${last === undefined ? '–' : fmt(Math.log(last))} | ${results.samples ?? '–'} | ${fmt(results.valid.nll)} | ${results.tokensPerSecond} | ${results.trainingSeconds} |`,
  );
}
