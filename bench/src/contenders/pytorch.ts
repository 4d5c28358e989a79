import { pytorchScript } from '../bench-root.js';
import type { Contender, PreparedContender } from '../contender.js';
import { startLineProcess } from '../line-process.js';
import { findTorchPython } from '../python.js';
import { type BenchShape, tokensPerStep } from '../shape.js';

/**
 * After each PyTorch step, the harness waits this long: OpenBLAS's idle threads spin for 2^28
 * cycles (its default THREAD_TIMEOUT, ~0.1 s here) and would otherwise take a core from the next
 * contender's step. PyTorch itself keeps its default (sleeping them sooner, with
 * OPENBLAS_THREAD_TIMEOUT=4, made its step about 10% slower).
 */
const OPENBLAS_SETTLE_MS = 150;

/** Which model `lm_step.py` trains: `nn.LSTM` with point weights, or Bayes by Backprop. */
type PytorchModel = 'plain' | 'bbb';

/**
 * PyTorch on the CPU, the same model, loss, clipping and Adam (bench/pytorch/lm_step.py), run
 * as a child process in serve mode: each `step` asks it for one step over a pipe, so PyTorch
 * takes its turn in the same round-robin as the JS contenders. Threads: `$BENCH_TORCH_THREADS`,
 * else torch's default. `$BENCH_TORCH_DEVICE=cuda` runs it on a CUDA GPU instead: the anchor
 * for our WebGPU backend on a machine with a GPU (its summary names the device).
 */
function pytorchContender(name: string, model: PytorchModel, description: string): Contender {
  return {
    name,
    description,
    inProcess: false,
    settleMs: OPENBLAS_SETTLE_MS,
    unavailable: async () =>
      findTorchPython() === undefined
        ? 'no python3 with torch (apt-get install -y python3-torch libopenblas0-pthread)'
        : undefined,
    setup: (shape) => prepare(shape, model),
  };
}

export const pytorch: Contender = pytorchContender(
  'pytorch',
  'plain',
  'PyTorch (CPU, eager): nn.Embedding → nn.LSTM → nn.Linear, Adam, clip 5',
);

/** The `bbb` contender's model in PyTorch (bench/pytorch/bbb_model.py): an anchor for BBB/plain. */
export const pytorchBbb: Contender = pytorchContender(
  'pytorch-bbb',
  'bbb',
  'PyTorch (CPU, eager): the same LM, Bayes by Backprop (Gaussian posterior, mixture prior), Adam',
);

function scriptArgs(shape: BenchShape, model: PytorchModel): string[] {
  const threads = process.env.BENCH_TORCH_THREADS;
  const device = process.env.BENCH_TORCH_DEVICE;
  const flags = {
    vocab: shape.vocabSize,
    embedding: shape.embeddingSize,
    hidden: shape.hiddenSize,
    layers: shape.layers,
    batch: shape.batchSize,
    steps: shape.steps,
    seed: shape.seed,
    model,
    ...(threads === undefined ? {} : { threads }),
    ...(device === undefined || device === '' ? {} : { device }),
  };
  return [
    pytorchScript(),
    '--serve',
    ...Object.entries(flags).flatMap(([flag, value]) => [`--${flag}`, String(value)]),
  ];
}

async function expectEvent(
  next: () => Promise<Record<string, unknown>>,
  event: string,
): Promise<Record<string, unknown>> {
  const record = await next();
  if (record.event !== event) {
    throw new Error(`pytorch: expected '${event}', got ${JSON.stringify(record)}`);
  }
  return record;
}

async function prepare(shape: BenchShape, model: PytorchModel): Promise<PreparedContender> {
  const python = findTorchPython();
  if (python === undefined) throw new Error('pytorch: no python3 with torch');
  const child = startLineProcess(python, scriptArgs(shape, model));
  await expectEvent(child.next, 'ready');
  let last: number | undefined;
  return {
    tokensPerStep: tokensPerStep(shape),
    step: async () => {
      child.send('step');
      const { seconds } = await expectEvent(child.next, 'step');
      last = typeof seconds === 'number' ? seconds : undefined;
    },
    selfTimedSeconds: () => last,
    details: async () => {
      child.send('done');
      const { event: _event, ...summary } = await expectEvent(child.next, 'summary');
      return { python, ...summary };
    },
    dispose: () => child.close(),
  };
}
