#!/usr/bin/env node
// Times corpusBleu, corpusCiderD and corpusRougeL (from this package's dist/) on a caption run's
// test-captions.jsonl (one {caption, references} per image, as bayesrnn-caption writes it),
// repeated five times: 5,000 hypotheses × their references for Flickr8k's 1,000 test images.
// Usage: npx turbo run build --filter=@bayesrnn/metrics && \
//        node packages/metrics/scripts/time-caption-metrics.mjs RUN/test-captions.jsonl
import { readFileSync } from 'node:fs';
import { corpusBleu, corpusCiderD, corpusRougeL } from '../dist/index.js';

const file = process.argv[2];
if (file === undefined) {
  console.error(
    'usage: node packages/metrics/scripts/time-caption-metrics.mjs test-captions.jsonl',
  );
  process.exit(2);
}
const words = (text) => text.split(' ').filter((word) => word !== '');
const images = readFileSync(file, 'utf8')
  .trim()
  .split('\n')
  .map((line) => JSON.parse(line));
const hypotheses = [];
const references = [];
for (let copy = 0; copy < 5; copy += 1) {
  for (const image of images) {
    hypotheses.push(words(image.caption));
    references.push(image.references.map(words));
  }
}
for (const [name, score] of [
  ['BLEU', corpusBleu],
  ['CIDEr-D', corpusCiderD],
  ['ROUGE-L', corpusRougeL],
]) {
  const seconds = [];
  for (let round = 0; round < 5; round += 1) {
    const started = performance.now();
    score(hypotheses, references);
    seconds.push((performance.now() - started) / 1000);
  }
  seconds.sort((a, b) => a - b);
  console.log(`${name}: ${hypotheses.length} hypotheses, median of 5: ${seconds[2].toFixed(3)} s`);
}
