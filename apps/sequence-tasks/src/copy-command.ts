import { resolve } from 'node:path';
import { foldIn, selectBackend } from '@bayesrnn/core';
import { choiceOption, integerOption, parseOptions, UsageError } from '@bayesrnn/train';
import * as tf from '@tensorflow/tfjs-core';
import { COPY_METHODS, type CopyMethod, createCopyModel } from './copy-model.js';
import { createCopyTask, evaluateCopy } from './copy-train-task.js';
import {
  createVariables,
  parseTrainingOptions,
  TRAINING_HELP,
  TRAINING_OPTIONS,
  trainWithSetup,
  writeResults,
} from './training-options.js';

export const COPY_HELP = `Usage: bayesrnn-sequence-tasks copy [options]

Train an LSTM on the copying problem (papers.md §5.4, §5.6: S symbols of 8, a delay T, a
marker, then the S symbols to reproduce) with full BPTT, truncated BPTT or sparse attentive
backtracking (Ke et al. 2018), then write the held-out copy accuracy, at the training delay and
at longer ones, to results.json.

Options:
  --method NAME      ${COPY_METHODS.join(' | ')} (default sab)
  --delay T          delay of the training sequences (default 20)
  --copy-length S    symbols to copy (default 5)
  --hidden N         LSTM units (default 64)
  --truncation K     tbptt and sab: k_trunc (default 5)
  --top-k K          sab: memories attended (default 3)
  --attend-every K   sab: store a memory every K steps (default 2)
  --scoring NAME     sab: mlp (the paper's MLP over [ĥ; m], default) | linear (the official
                     code's read-out, whose attention does not depend on ĥ)
  --transfer LIST    longer delays to evaluate at the end (default 40,100)
${TRAINING_HELP}`;

const OPTIONS = {
  method: { type: 'string' },
  delay: { type: 'string' },
  'copy-length': { type: 'string' },
  hidden: { type: 'string' },
  truncation: { type: 'string' },
  'top-k': { type: 'string' },
  'attend-every': { type: 'string' },
  scoring: { type: 'string' },
  transfer: { type: 'string' },
  ...TRAINING_OPTIONS,
} as const;

/** The symbols of the SAB code's copying problem (papers.md §5.4). */
const SYMBOLS = 8;

function transferDelays(value: string | undefined): number[] {
  const text = value ?? '40,100';
  const delays = text.split(',').map((part) => Number(part.trim()));
  if (delays.some((delay) => !Number.isInteger(delay) || delay < 1)) {
    throw new UsageError(`--transfer must be a comma-separated list of delays ≥ 1, got '${text}'`);
  }
  return delays;
}

/** `bayesrnn-sequence-tasks copy`: returns the process exit code. */
export async function copyCommand(argv: readonly string[]): Promise<number> {
  const args = parseOptions(argv, OPTIONS);
  if (args.help) {
    console.log(COPY_HELP);
    return 0;
  }
  const method = choiceOption<CopyMethod>(args.method, 'method', COPY_METHODS, 'sab');
  const delay = integerOption(args.delay, 'delay', 20, 1);
  const copyLength = integerOption(args['copy-length'], 'copy-length', 5, 1);
  const model = createCopyModel({
    method,
    vocabularySize: SYMBOLS + 2,
    hiddenSize: integerOption(args.hidden, 'hidden', 64, 1),
    truncation: integerOption(args.truncation, 'truncation', 5, 1),
    topK: integerOption(args['top-k'], 'top-k', 3, 1),
    attendEvery: integerOption(args['attend-every'], 'attend-every', 2, 1),
    scoring: choiceOption(args.scoring, 'scoring', ['mlp', 'linear'] as const, 'mlp'),
  });
  const transfer = transferDelays(args.transfer);
  const setup = parseTrainingOptions(args);
  const outDir = resolve(args.out ?? `runs/copy-T${delay}-${method}-seed${setup.seed}`);
  const backend = await selectBackend(setup.backendOptions);
  const data = { batchSize: setup.batchSize, copyLength, delay, symbols: SYMBOLS };
  const variables = createVariables(model.weightSpecs, setup.keys.init, 'copy');
  const heldOut = { key: setup.keys.heldOut, sequences: setup.heldOutSequences };
  const { result, seconds } = await trainWithSetup(
    createCopyTask({ model, variables, data, iterationsPerEpoch: setup.evalEvery, heldOut }),
    setup,
    {
      outDir,
      // The SAB code's clip (papers.md §5.4); best model by the copy's cross-entropy.
      clipNorm: 1,
      monitor: { metric: 'copyCe', mode: 'min' },
      description: `copy: ${method}, T ${delay}, S ${copyLength}`,
      backendName: backend.name,
    },
  );
  const evaluateAt = (at: number) =>
    evaluateCopy(model, variables, foldIn(heldOut.key, at), {
      ...data,
      delay: at,
      batchSize: heldOut.sequences,
    });
  await writeResults(outDir, {
    ...model.config,
    delay,
    copyLength,
    seed: setup.seed,
    backend: backend.name,
    iterations: result.steps,
    batchSize: setup.batchSize,
    learningRate: setup.learningRate,
    best: result.best,
    heldOut: {
      sequences: setup.heldOutSequences,
      ...evaluateCopy(model, variables, heldOut.key, { ...data, batchSize: heldOut.sequences }),
    },
    transfer: Object.fromEntries(transfer.map((at) => [String(at), evaluateAt(at)])),
    secondsThisProcess: seconds,
  });
  tf.dispose(Object.values(variables));
  return 0;
}
