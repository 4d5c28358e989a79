import { mkdir, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { createKey, initWeights, selectBackend, splitKey } from '@bayesrnn/core';
import { createBinaryAlphabet, RECALL_TASKS, type RecallTask } from '@bayesrnn/data';
import { createGtmm } from '@bayesrnn/gtmm';
import {
  choiceOption,
  createAdam,
  integerOption,
  numberOption,
  parseOptions,
  train,
} from '@bayesrnn/train';
import * as tf from '@tensorflow/tfjs-core';
import { GTMM_MODELS, type GtmmModelName, gtmmConfigFor } from './gtmm-models.js';
import { createRecallGtmmTask, evaluateHeldOut } from './recall-gtmm-task.js';

export const GTMM_HELP = `Usage: bayesrnn-sequence-tasks gtmm [options]

Train a generative temporal model on a recall task of Gemici et al. (2017) (papers.md §4.5, the
small reproduction of §4.8: 10 random 7×7 binary symbols with 10% pixel noise), then write the
held-out per-frame KL by position, the recall frames' KL and the bound to results.json.

Options:
  --model NAME       ${GTMM_MODELS.join(' | ')} (default introspective)
  --task NAME        ${RECALL_TASKS.join(' | ')} (default perfect-recall)
  --pre L            pre-recall frames (default 10)
  --recall K         recall frames (default 3)
  --iterations N     training batches (default 3000)
  --eval-every N     batches between held-out evaluations (default 250)
  --batch N          sequences per batch (default 32)
  --lr X             Adam learning rate (default 1e-3)
  --held-out N       held-out sequences for the evaluations (default 256)
  --seed N           random seed: alphabet, initial weights, batches (default 1)
  --out DIR          run directory (default runs/gtmm-<task>-<model>-seed<N>)
  --resume           continue the run in --out from its last checkpoint (or start it)
  --backend NAME     tensorflow | webgpu | wasm | cpu (default: best available)
  -h, --help         this help`;

const OPTIONS = {
  model: { type: 'string' },
  task: { type: 'string' },
  pre: { type: 'string' },
  recall: { type: 'string' },
  iterations: { type: 'string' },
  'eval-every': { type: 'string' },
  batch: { type: 'string' },
  lr: { type: 'string' },
  'held-out': { type: 'string' },
  seed: { type: 'string' },
  out: { type: 'string' },
  resume: { type: 'boolean' },
  backend: { type: 'string' },
} as const;

/** `bayesrnn-sequence-tasks gtmm`: returns the process exit code. */
export async function gtmmCommand(argv: readonly string[]): Promise<number> {
  const args = parseOptions(argv, OPTIONS);
  if (args.help) {
    console.log(GTMM_HELP);
    return 0;
  }
  const model = choiceOption<GtmmModelName>(args.model, 'model', GTMM_MODELS, 'introspective');
  const task = choiceOption<RecallTask>(args.task, 'task', RECALL_TASKS, 'perfect-recall');
  const preRecall = integerOption(args.pre, 'pre', 10, 1);
  const recall = integerOption(args.recall, 'recall', 3, 1);
  const iterations = integerOption(args.iterations, 'iterations', 3000, 1);
  const evalEvery = Math.min(integerOption(args['eval-every'], 'eval-every', 250, 1), iterations);
  const batchSize = integerOption(args.batch, 'batch', 32, 1);
  const learningRate = numberOption(args.lr, 'lr', 1e-3);
  // Enough that the recall KL's standard error is small against its size.
  const heldOutSequences = integerOption(args['held-out'], 'held-out', 256, 1);
  const seed = integerOption(args.seed, 'seed', 1);
  const outDir = resolve(args.out ?? `runs/gtmm-${task}-${model}-seed${seed}`);
  const backend = await selectBackend(args.backend === undefined ? {} : { name: args.backend });

  const [alphabetKey, initKey, trainKey, heldOutKey] = splitKey(createKey(seed), 4) as [
    ReturnType<typeof createKey>,
    ReturnType<typeof createKey>,
    ReturnType<typeof createKey>,
    ReturnType<typeof createKey>,
  ];
  const alphabet = createBinaryAlphabet(alphabetKey);
  const batch = { task, alphabet, batchSize, preRecall, recall };
  const gtmm = createGtmm(
    gtmmConfigFor(model, {
      frameSize: alphabet.frameSize,
      latentSize: 8,
      hiddenSize: 64,
      mlpSize: 64,
      sequenceLength: preRecall + recall,
    }),
  );
  const variables = Object.fromEntries(
    Object.entries(initWeights(gtmm.weightSpecs, initKey)).map(([name, value]) => [
      name,
      tf.variable(value, true, `gtmm/${name}`),
    ]),
  );
  const heldOut = { key: heldOutKey, sequences: heldOutSequences };
  const epochs = Math.ceil(iterations / evalEvery);
  console.error(
    `bayesrnn-sequence-tasks gtmm: ${model} on ${task} (l ${preRecall}, k ${recall}), ` +
      `${epochs} × ${evalEvery} batches of ${batchSize} on ${backend.name} → ${outDir}`,
  );
  const started = performance.now();
  const result = await train(
    createRecallGtmmTask({ gtmm, variables, batch, iterationsPerEpoch: evalEvery, heldOut }),
    {
      key: trainKey,
      outDir,
      epochs,
      optimizer: createAdam(),
      learningRate,
      // The clip of the unofficial PyTorch re-implementation (papers.md §4.7).
      clipNorm: 10,
      checkpointEvery: evalEvery,
      resume: args.resume === true ? 'auto' : false,
      monitor: { metric: 'bound', mode: 'min' },
    },
  );
  const seconds = (performance.now() - started) / 1000;
  const { metrics, klByStep } = evaluateHeldOut(gtmm, variables, batch, heldOut);
  const results = {
    model,
    task,
    preRecall,
    recall,
    seed,
    backend: backend.name,
    iterations: result.steps,
    batchSize,
    learningRate,
    best: result.best,
    heldOut: { sequences: heldOutSequences, ...metrics, klByStep },
    secondsThisProcess: seconds,
  };
  await mkdir(outDir, { recursive: true });
  await writeFile(resolve(outDir, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  console.log(JSON.stringify(results, null, 2));
  tf.dispose(Object.values(variables));
  return 0;
}
