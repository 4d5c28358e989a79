#!/usr/bin/env node
// Prints a Markdown table of every caption run under a folder (results.json of
// `bayesrnn-caption train`): perplexity, BLEU-1…4 and CIDEr-D on the test images, with pSGLD's
// last iterate beside its averaged samples. Usage: node apps/caption/scripts/summarize.mjs DIR
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = process.argv[2];
if (root === undefined) {
  console.error('usage: node apps/caption/scripts/summarize.mjs DIR');
  process.exit(2);
}
const runs = readdirSync(root, { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && existsSync(join(root, entry.name, 'results.json')))
  .map((entry) => ({
    name: entry.name,
    ...JSON.parse(readFileSync(join(root, entry.name, 'results.json'), 'utf8')),
  }));
const fixed = (value, digits) => (Number.isFinite(value) ? value.toFixed(digits) : '–');
console.log(
  '| run | epochs | test perplexity | B-1 | B-2 | B-3 | B-4 | CIDEr-D | ROUGE-L | models | distinct captions | last samples averaged perplexity | last iterate perplexity | tok/s |',
);
console.log(
  '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
);
for (const run of runs) {
  const bleu = run.captions.bleu.map((value) => fixed(value, 1));
  const cells = [
    run.name,
    run.config.epochs,
    fixed(run.test.perplexity, 2),
    ...bleu,
    fixed(run.captions.ciderD, 1),
    fixed(run.captions.rougeL, 1),
    run.captions.models,
    run.captions.distinctCaptions,
    run.lastSamples === undefined
      ? '–'
      : `${fixed(run.lastSamples.test.perplexity, 2)} (${run.lastSamples.count})`,
    fixed(run.lastIterate?.test.perplexity, 2),
    run.tokensPerSecond > 0 ? fixed(run.tokensPerSecond, 0) : '– (not trained in this process)',
  ];
  console.log(`| ${cells.join(' | ')} |`);
}
