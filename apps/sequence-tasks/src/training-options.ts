import { mkdir, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { createKey, initWeights, type selectBackend, splitKey } from '@bayesrnn/core';
import type { RngKey, TensorTree, WeightSpecs } from '@bayesrnn/spec';
import {
  createAdam,
  integerOption,
  type MonitorConfig,
  numberOption,
  type OptionValues,
  type TrainResult,
  type TrainTask,
  type TrainVariables,
  train,
} from '@bayesrnn/train';
import * as tf from '@tensorflow/tfjs-core';

/** The flags every training command of the app takes. */
export const TRAINING_OPTIONS = {
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

/** Their help lines. */
export const TRAINING_HELP = `  --iterations N     training batches (default 3000)
  --eval-every N     batches between held-out evaluations and checkpoints (default 250)
  --batch N          sequences per batch (default 32)
  --lr X             Adam learning rate (default 1e-3)
  --held-out N       held-out sequences for the evaluations (default 256)
  --seed N           random seed: data, initial weights, batches (default 1)
  --out DIR          run directory (default runs/<command>-<task>-<model>-seed<N>)
  --resume           continue the run in --out from its last checkpoint (or start it)
  --backend NAME     tensorflow | webgpu | wasm | cpu (default: best available)
  -h, --help         this help`;

/** The parsed training flags and the keys the seed gives. */
export interface TrainingSetup {
  readonly iterations: number;
  readonly evalEvery: number;
  readonly epochs: number;
  readonly batchSize: number;
  readonly learningRate: number;
  readonly heldOutSequences: number;
  readonly seed: number;
  readonly resume: boolean;
  /** Independent keys: the task's fixed data (alphabet), initial weights, batches, held-out set. */
  readonly keys: {
    readonly data: RngKey;
    readonly init: RngKey;
    readonly train: RngKey;
    readonly heldOut: RngKey;
  };
  readonly backendOptions: Parameters<typeof selectBackend>[0];
}

export function parseTrainingOptions(args: OptionValues<typeof TRAINING_OPTIONS>): TrainingSetup {
  const iterations = integerOption(args.iterations, 'iterations', 3000, 1);
  const evalEvery = Math.min(integerOption(args['eval-every'], 'eval-every', 250, 1), iterations);
  const seed = integerOption(args.seed, 'seed', 1);
  const [data, init, train, heldOut] = splitKey(createKey(seed), 4) as [
    RngKey,
    RngKey,
    RngKey,
    RngKey,
  ];
  return {
    iterations,
    evalEvery,
    epochs: Math.ceil(iterations / evalEvery),
    batchSize: integerOption(args.batch, 'batch', 32, 1),
    learningRate: numberOption(args.lr, 'lr', 1e-3),
    // Enough that a held-out mean's standard error is small against the differences measured.
    heldOutSequences: integerOption(args['held-out'], 'held-out', 256, 1),
    seed,
    resume: args.resume === true,
    keys: { data, init, train, heldOut },
    backendOptions: args.backend === undefined ? {} : { name: args.backend },
  };
}

/** Trainable variables initialised from `weightSpecs`, named `<prefix>/<weight>` in tfjs. */
export function createVariables(specs: WeightSpecs, key: RngKey, prefix: string): TrainVariables {
  const initial = initWeights(specs, key);
  const variables = Object.fromEntries(
    Object.entries(initial).map(([name, value]) => [
      name,
      tf.variable(value, true, `${prefix}/${name}`),
    ]),
  );
  // A variable keeps its own handle on the data: the initial tensors are ours to free.
  tf.dispose(Object.values(initial));
  return variables;
}

/** What a training command passes to `trainWithSetup` besides the task. */
export interface TrainingRun {
  readonly outDir: string;
  readonly clipNorm: number;
  readonly monitor: Partial<MonitorConfig>;
  /** What is trained, for the opening line, e.g. `copy: sab, T 20, S 5`. */
  readonly description: string;
  readonly backendName: string;
}

/**
 * Trains `task` with Adam for the setup's iterations, a held-out evaluation and a checkpoint
 * every `evalEvery` batches, resuming from `outDir` when asked; says what it trains on stderr
 * first, and returns the result with the seconds this process spent.
 */
export async function trainWithSetup<State extends TensorTree>(
  task: TrainTask<State>,
  setup: TrainingSetup,
  run: TrainingRun,
): Promise<{ readonly result: TrainResult; readonly seconds: number }> {
  console.error(
    `bayesrnn-sequence-tasks ${run.description}, ${setup.epochs} × ${setup.evalEvery} batches ` +
      `of ${setup.batchSize} on ${run.backendName} → ${run.outDir}`,
  );
  const started = performance.now();
  const result = await train(task, {
    key: setup.keys.train,
    outDir: run.outDir,
    epochs: setup.epochs,
    optimizer: createAdam(),
    learningRate: setup.learningRate,
    clipNorm: run.clipNorm,
    checkpointEvery: setup.evalEvery,
    resume: setup.resume ? 'auto' : false,
    monitor: run.monitor,
  });
  return { result, seconds: (performance.now() - started) / 1000 };
}

/** Writes `results.json` into the run directory and prints it. */
export async function writeResults(outDir: string, results: object): Promise<void> {
  await mkdir(outDir, { recursive: true });
  await writeFile(resolve(outDir, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  console.log(JSON.stringify(results, null, 2));
}
