/**
 * One training gradient of Gan et al.'s sentence classifier (biLSTM 400, embedding 300) on a
 * batch of 50 sentences with CR-like lengths drawn at random, run on the whole padded batch
 * against the same rows split into 2–6 groups of similar length (each padded to its own
 * longest sentence, one `logits` call per group): what splitting a batch by length would gain
 * on batches that are not length-sorted. `@bayesrnn/data`'s classification batches come from
 * length-sorted pools already (`length-sorted-batches.ts`), which is why the classifier does
 * not split (docs/results.md, 2026-11-22).
 * `npx turbo run build --filter=./bench...`, then `node bench/dist/experiments/classifier-groups.js`.
 */
import { createKey, selectBackend } from '@bayesrnn/core';
import { createSentenceClassifier, DEFAULT_SENTENCE_CLASSIFIER_CONFIG } from '@bayesrnn/models';
import { createPointPosterior } from '@bayesrnn/posteriors';
import * as tf from '@tensorflow/tfjs-core';

await selectBackend({ name: 'wasm', log: () => {} });
const vocabSize = 5000;
const model = createSentenceClassifier({ ...DEFAULT_SENTENCE_CLASSIFIER_CONFIG, vocabSize });
const posterior = createPointPosterior(model.weightSpecs, createKey(1));
const variables = Object.values(posterior.variables);
// CR-like lengths: a log-normal around 17 words, capped at 100.
let seed = 7;
const random = () => {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed / 2147483648;
};
const lengthOf = () => {
  const normal = Math.sqrt(-2 * Math.log(random() + 1e-9)) * Math.cos(2 * Math.PI * random());
  return Math.max(1, Math.min(100, Math.round(Math.exp(Math.log(17) + 0.6 * normal))));
};
const lengths = Array.from({ length: 50 }, lengthOf);
const batchOf = (rowLengths: number[]) => {
  const steps = Math.max(...rowLengths);
  const tokens = new Int32Array(rowLengths.length * steps);
  rowLengths.forEach((length, row) => {
    for (let t = 0; t < length; t += 1) tokens[row * steps + t] = 1 + ((row * 31 + t * 7) % 4999);
  });
  return {
    rows: rowLengths.length,
    steps,
    tokens,
    lengths: Int32Array.from(rowLengths),
    labels: Int32Array.from(rowLengths, (l) => l % 2),
  };
};
const sorted = [...lengths].sort((a, b) => a - b);
const groupsOf = (count: number) =>
  Array.from({ length: count }, (_, g) =>
    sorted.slice(Math.floor((g * 50) / count), Math.floor(((g + 1) * 50) / count)),
  );
const step = (groups: number[][]) => {
  const start = performance.now();
  const { grads, value } = tf.variableGrads(() => {
    const losses = groups.map((group) => {
      const batch = batchOf(group);
      const logits = model.logits(posterior.mean(), batch, { key: createKey(2), training: false });
      const labels = tf.oneHot(tf.tensor1d(batch.labels, 'int32'), 2);
      return tf.mul(tf.losses.softmaxCrossEntropy(labels, logits), group.length / 50);
    });
    return tf.addN(losses) as tf.Scalar;
  }, variables as tf.Variable[]);
  value.dataSync();
  tf.dispose([value, ...Object.values(grads)]);
  return performance.now() - start;
};
console.log(`lengths: mean ${lengths.reduce((a, b) => a + b) / 50}, max ${Math.max(...lengths)}`);
const variants: [string, number[][]][] = [
  ['whole batch', [lengths]],
  ...[2, 3, 4, 6].map((count): [string, number[][]] => [`${count} groups`, groupsOf(count)]),
];
const times = new Map(variants.map(([name]) => [name, [] as number[]]));
for (let round = 0; round < 12; round += 1) {
  for (const [name, groups] of variants) {
    const ms = step(groups);
    if (round >= 2) times.get(name)?.push(ms);
  }
}
for (const [name, ms] of times) {
  const sortedMs = [...ms].sort((a, b) => a - b);
  console.log(`${name}: median ${sortedMs[Math.floor(ms.length / 2)]?.toFixed(1)} ms`);
}
