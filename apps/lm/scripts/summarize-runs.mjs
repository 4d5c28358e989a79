#!/usr/bin/env node
// Summarises bayesrnn-lm runs (each a folder with results.json and log.jsonl) as a Markdown
// table: best validation perplexity, the train–valid gap at the best epoch, test perplexity,
// MC-dropout perplexity, wall time and tokens/s; then the per-epoch validation curves.
// Usage: node apps/lm/scripts/summarize-runs.mjs runs/repro-gal
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = process.argv[2] ?? 'runs';
const runs = readdirSync(root, { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && existsSync(join(root, entry.name, 'results.json')))
  .map((entry) => entry.name)
  .sort();

const fmt = (value, digits = 1) =>
  typeof value === 'number' && Number.isFinite(value) ? value.toFixed(digits) : '–';

function epochs(run) {
  return readFileSync(join(root, run, 'log.jsonl'), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line))
    .filter((record) => record.type === 'epoch');
}

console.log(
  '| run | method | best epoch | train ppl (best epoch) | valid ppl | gap (valid − train) | test ppl | MC test ppl | tokens/s | training s |',
);
console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
const curves = [];
for (const run of runs) {
  const results = JSON.parse(readFileSync(join(root, run, 'results.json'), 'utf8'));
  const history = epochs(run);
  const best =
    history.find((record) => record.epoch === results.bestEpoch) ?? history[history.length - 1];
  const trainPpl = best?.train?.perplexity;
  const validPpl = results.valid.perplexity;
  console.log(
    `| ${run} | ${results.method} | ${(results.bestEpoch ?? 0) + 1} | ${fmt(trainPpl)} | ${fmt(validPpl)} | ${fmt(validPpl - trainPpl)} | ${fmt(results.test.perplexity)} | ${fmt(results.test.mcPerplexity)} | ${results.tokensPerSecond} | ${results.trainingSeconds} |`,
  );
  curves.push(
    `| ${run} | ${history.map((r) => `${fmt(r.train?.perplexity, 0)} / ${fmt(r.validation?.perplexity, 0)}`).join(' | ')} |`,
  );
}
const width = Math.max(0, ...runs.map((run) => epochs(run).length));
console.log(
  `\nPer-epoch train / valid perplexity:\n\n| run | ${Array.from({ length: width }, (_, i) => `epoch ${i + 1}`).join(' | ')} |`,
);
console.log(`| --- | ${Array.from({ length: width }, () => '---').join(' | ')} |`);
for (const line of curves) console.log(line);
