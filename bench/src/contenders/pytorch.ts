import { pytorchScript } from '../bench-root.js';
import type { Contender, PreparedContender } from '../contender.js';
import { startLineProcess } from '../line-process.js';
import { findTorchPython } from '../python.js';
import { type BenchShape, tokensPerStep } from '../shape.js';

/**
 * PyTorch on the CPU, the same model, loss, clipping and Adam (bench/pytorch/lm_step.py), run
 * as a child process in serve mode: each `step` asks it for one step over a pipe, so PyTorch
 * takes its turn in the same round-robin as the JS contenders. Threads: `$BENCH_TORCH_THREADS`,
 * else torch's default.
 */
export const pytorch: Contender = {
  name: 'pytorch',
  description: 'PyTorch (CPU, eager): nn.Embedding → nn.LSTM → nn.Linear, Adam, clip 5',
  inProcess: false,
  unavailable: async () =>
    findTorchPython() === undefined
      ? 'no python3 with torch (apt-get install -y python3-torch libopenblas0-pthread)'
      : undefined,
  setup: (shape) => prepare(shape),
};

function scriptArgs(shape: BenchShape): string[] {
  const threads = process.env.BENCH_TORCH_THREADS;
  const flags = {
    vocab: shape.vocabSize,
    embedding: shape.embeddingSize,
    hidden: shape.hiddenSize,
    layers: shape.layers,
    batch: shape.batchSize,
    steps: shape.steps,
    seed: shape.seed,
    ...(threads === undefined ? {} : { threads }),
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

async function prepare(shape: BenchShape): Promise<PreparedContender> {
  const python = findTorchPython();
  if (python === undefined) throw new Error('pytorch: no python3 with torch');
  const child = startLineProcess(python, scriptArgs(shape));
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
