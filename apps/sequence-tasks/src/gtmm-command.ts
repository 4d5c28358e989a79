import { resolve } from 'node:path';
import { selectBackend } from '@bayesrnn/core';
import { createBinaryAlphabet, RECALL_TASKS, type RecallTask } from '@bayesrnn/data';
import { createGtmm } from '@bayesrnn/gtmm';
import { choiceOption, integerOption, parseOptions } from '@bayesrnn/train';
import * as tf from '@tensorflow/tfjs-core';
import { GTMM_MODELS, type GtmmModelName, gtmmConfigFor } from './gtmm-models.js';
import { createRecallGtmmTask, evaluateHeldOut } from './recall-gtmm-task.js';
import {
  createVariables,
  parseTrainingOptions,
  TRAINING_HELP,
  TRAINING_OPTIONS,
  trainWithSetup,
  writeResults,
} from './training-options.js';

export const GTMM_HELP = `Usage: bayesrnn-sequence-tasks gtmm [options]

Train a generative temporal model on a recall task of Gemici et al. (2017) (papers.md §4.5, the
small reproduction of §4.8: 10 random 7×7 binary symbols with 10% pixel noise), then write the
held-out per-frame KL by position, the recall frames' KL and the bound to results.json.

Options:
  --model NAME       ${GTMM_MODELS.join(' | ')} (default introspective)
  --task NAME        ${RECALL_TASKS.join(' | ')} (default perfect-recall)
  --pre L            pre-recall frames (default 10)
  --recall K         recall frames (default 3)
${TRAINING_HELP}`;

const OPTIONS = {
  model: { type: 'string' },
  task: { type: 'string' },
  pre: { type: 'string' },
  recall: { type: 'string' },
  ...TRAINING_OPTIONS,
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
  const setup = parseTrainingOptions(args);
  const outDir = resolve(args.out ?? `runs/gtmm-${task}-${model}-seed${setup.seed}`);
  const backend = await selectBackend(setup.backendOptions);

  const alphabet = createBinaryAlphabet(setup.keys.data);
  const batch = { task, alphabet, batchSize: setup.batchSize, preRecall, recall };
  const sizes = { frameSize: alphabet.frameSize, latentSize: 8, hiddenSize: 64, mlpSize: 64 };
  const gtmm = createGtmm(gtmmConfigFor(model, { ...sizes, sequenceLength: preRecall + recall }));
  const variables = createVariables(gtmm.weightSpecs, setup.keys.init, 'gtmm');
  const heldOut = { key: setup.keys.heldOut, sequences: setup.heldOutSequences };
  const { result, seconds } = await trainWithSetup(
    createRecallGtmmTask({ gtmm, variables, batch, iterationsPerEpoch: setup.evalEvery, heldOut }),
    setup,
    {
      outDir,
      // The clip of the unofficial PyTorch re-implementation (papers.md §4.7).
      clipNorm: 10,
      monitor: { metric: 'bound', mode: 'min' },
      description: `gtmm: ${model} on ${task} (l ${preRecall}, k ${recall})`,
      backendName: backend.name,
    },
  );
  const { metrics, klByStep } = evaluateHeldOut(gtmm, variables, batch, heldOut);
  await writeResults(outDir, {
    model,
    task,
    preRecall,
    recall,
    seed: setup.seed,
    backend: backend.name,
    iterations: result.steps,
    batchSize: setup.batchSize,
    learningRate: setup.learningRate,
    best: result.best,
    heldOut: { sequences: setup.heldOutSequences, ...metrics, klByStep },
    secondsThisProcess: seconds,
  });
  tf.dispose(Object.values(variables));
  return 0;
}
