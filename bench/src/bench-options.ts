import { parseArgs } from 'node:util';

/** What one `npm run bench` does. */
export interface BenchOptions {
  readonly quick: boolean;
  /** tfjs backend for selectBackend (`auto`: tensorflow → webgpu → wasm → cpu). */
  readonly backend: string;
  readonly warmup: number;
  readonly repetitions: number;
  /** Contender names to run; empty = all. */
  readonly only: readonly string[];
  readonly mc: boolean;
  readonly mcSamples: readonly number[];
  readonly mcWindows: number;
  readonly mcRepetitions: number;
  /** Profile one step of each selected contender kernel by kernel instead of timing rounds. */
  readonly profile: boolean;
  /** Profiled steps per contender with `--profile`; the table holds their means. */
  readonly profileSteps: number;
  /** Folder for results.json and RESULTS.md; `undefined` = the bench workspace. */
  readonly outDir?: string;
  readonly help: boolean;
  /** Embedding and LSTM width (PTB-small's 200 by default; Zaremba's medium 650, large 1500). */
  readonly size: number;
}

export const HELP = `Usage: npm run bench -- [options]   (or node bench/dist/cli.js [options])

Side-by-side training-step benchmark on the PTB-small shape (embedding 200, 2 × LSTM 200,
vocabulary 10,000, batch 20 × 20): contenders interleaved in one process, medians of the
timed rounds. Writes bench/results.json and bench/RESULTS.md and prints the tables.

Options:
  --quick               fewer rounds (same shape), under 10 minutes
  --backend NAME        tfjs backend: auto (default), wasm, cpu, tensorflow, webgpu
  --warmup N            untimed rounds (default 2; quick 1)
  --repetitions N       timed rounds, at least 1 (default 30; quick 5)
  --only a,b            run only these contenders (e.g. plain,pytorch)
  --size N              embedding and LSTM width (default 200; 650 and 1500 are Zaremba's
                        medium and large): where a GPU overtakes the CPU
  --no-mc               skip the MC-evaluation benchmark
  --mc-windows N        evaluation windows for the MC benchmark (default 4; quick 2)
  --mc-repetitions N    timed rounds of the MC benchmark (default 5; quick 1)
  --profile             print a kernel-by-kernel profile (tf.profile) of one step of each
                        selected in-process contender, and the time spent outside kernels
  --profile-steps N     with --profile, the mean of N profiled steps (default 1)
  --out DIR             write results.json and RESULTS.md there (default: the bench folder)
  -h, --help            this text

Environment: BENCH_PYTHON (interpreter with torch), BENCH_TORCH_THREADS (default: torch's own),
  BENCH_TORCH_DEVICE (cpu by default; cuda runs the PyTorch anchor on a CUDA GPU).`;

/** A command-line mistake (exit code 2). */
export class UsageError extends Error {}

function count(value: string | undefined, flag: string, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < min) {
    throw new UsageError(`--${flag} must be an integer ≥ ${min}, got '${value}'`);
  }
  return parsed;
}

/** Parses the bench's command line. */
export function parseBenchOptions(argv: readonly string[]): BenchOptions {
  let values: ReturnType<typeof parse>;
  try {
    values = parse(argv);
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const quick = values.quick === true;
  return {
    quick,
    backend: values.backend ?? 'auto',
    warmup: count(values.warmup, 'warmup', quick ? 1 : 2, 0),
    repetitions: count(values.repetitions, 'repetitions', quick ? 5 : 30, 1),
    only: (values.only ?? '').split(',').filter((name) => name !== ''),
    mc: values['no-mc'] !== true,
    mcSamples: [1, 2, 4, 8],
    mcWindows: count(values['mc-windows'], 'mc-windows', quick ? 2 : 4, 1),
    mcRepetitions: count(values['mc-repetitions'], 'mc-repetitions', quick ? 1 : 5, 1),
    profile: values.profile === true,
    profileSteps: count(values['profile-steps'], 'profile-steps', 1, 1),
    ...(values.out === undefined ? {} : { outDir: values.out }),
    help: values.help === true,
    size: count(values.size, 'size', 200, 1),
  };
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      quick: { type: 'boolean' },
      backend: { type: 'string' },
      warmup: { type: 'string' },
      repetitions: { type: 'string' },
      only: { type: 'string' },
      'no-mc': { type: 'boolean' },
      'mc-windows': { type: 'string' },
      'mc-repetitions': { type: 'string' },
      out: { type: 'string' },
      profile: { type: 'boolean' },
      'profile-steps': { type: 'string' },
      size: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  }).values;
}
