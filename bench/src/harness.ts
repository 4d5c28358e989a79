import type { Contender, PreparedContender } from './contender.js';
import { type ContenderResult, measuredResult } from './contender-result.js';
import { roundRobin } from './interleave.js';
import { createMemoryTracker, type MemoryTracker } from './memory.js';
import type { BenchShape } from './shape.js';

/** How many steps to run, and where progress goes. */
export interface HarnessOptions {
  /** Untimed rounds first (compilation, allocation, caches). */
  readonly warmup: number;
  /** Timed rounds; every contender runs one step per round. */
  readonly repetitions: number;
  /** Runs one extra untimed step per in-process contender under `tf.profile` (peak tensor bytes). */
  readonly profileMemory: boolean;
  readonly log: (line: string) => void;
  /** Milliseconds; `performance.now` unless a test injects one. */
  readonly clock?: () => number;
  /**
   * CPU milliseconds this process has used, all its threads together (the wasm backend's and
   * our kernels' helper threads included); `process.cpuUsage` unless a test injects one.
   */
  readonly cpuClock?: () => number;
}

/** Both clocks of a step: wall and CPU milliseconds. */
interface Clocks {
  readonly wall: () => number;
  readonly cpu: () => number;
}

const processCpuMilliseconds = (): number => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

/** One contender on its way through the rounds. */
interface Runner {
  readonly contender: Contender;
  readonly prepared: PreparedContender;
  readonly memory: MemoryTracker;
  readonly samples: number[];
  readonly selfTimed: number[];
  /** In-process: CPU time over wall time of each timed step (cores kept busy). */
  readonly coresBusy: number[];
  failure?: string;
  /** Set once its prepared state is disposed (at the end, or as soon as it fails). */
  disposed?: boolean;
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** Runs `fn` for the contender; in-process, the tfjs bytes it keeps are attributed to it. */
function attributed<T>(contender: Contender, memory: MemoryTracker, fn: () => Promise<T>) {
  return contender.inProcess ? memory.attribute(fn) : fn();
}

async function prepare(contender: Contender, shape: BenchShape): Promise<Runner | ContenderResult> {
  const { name, description } = contender;
  try {
    const reason = await contender.unavailable?.();
    if (reason !== undefined) return { name, description, status: 'unavailable', reason };
    const memory = createMemoryTracker();
    const prepared = await attributed(contender, memory, () => contender.setup(shape));
    return { contender, prepared, memory, samples: [], selfTimed: [], coresBusy: [] };
  } catch (error) {
    return { name, description, status: 'failed', reason: `setup: ${message(error)}` };
  }
}

/** What one step took: wall and CPU milliseconds. */
interface StepTime {
  readonly wall: number;
  readonly cpu: number;
}

/** One step of `runner`; a throw marks the runner failed. */
async function step(runner: Runner, clocks: Clocks): Promise<StepTime | undefined> {
  if (runner.failure !== undefined) return undefined;
  try {
    const started = clocks.wall();
    const cpuStarted = clocks.cpu();
    await attributed(runner.contender, runner.memory, () => runner.prepared.step());
    return { wall: clocks.wall() - started, cpu: clocks.cpu() - cpuStarted };
  } catch (error) {
    await fail(runner, `step: ${message(error)}`);
    return undefined;
  }
}

/** Runs `rounds` round-robin rounds over the runners, handing each finished step to `onStep`. */
async function runRounds(
  runners: readonly Runner[],
  rounds: number,
  clocks: Clocks,
  onStep: (runner: Runner, time: StepTime) => void = () => {},
): Promise<void> {
  for (const { index } of roundRobin(runners.length, rounds)) {
    const runner = runners[index];
    const time = runner === undefined ? undefined : await step(runner, clocks);
    if (runner !== undefined && time !== undefined) onStep(runner, time);
    const settle = runner?.contender.settleMs ?? 0;
    if (settle > 0) await new Promise((resolve) => setTimeout(resolve, settle));
  }
}

/**
 * Marks `runner` failed and frees what it holds at once: a contender that ran out of memory
 * (wasm's 4 GiB heap) would otherwise keep its weights until the end and starve the others.
 */
async function fail(runner: Runner, reason: string): Promise<void> {
  runner.failure = reason;
  await disposeOnce(runner).catch(() => {});
}

async function disposeOnce(runner: Runner): Promise<void> {
  if (runner.disposed === true) return;
  runner.disposed = true;
  await runner.prepared.dispose();
}

async function profile(runner: Runner): Promise<void> {
  if (!runner.contender.inProcess || runner.failure !== undefined) return;
  try {
    await runner.memory.profile(() => runner.prepared.step());
  } catch (error) {
    await fail(runner, `profiled step: ${message(error)}`);
  }
}

async function finish(runner: Runner): Promise<ContenderResult> {
  const { contender, prepared } = runner;
  const { name, description } = contender;
  try {
    if (runner.samples.length === 0) runner.failure ??= 'no timed step ran';
    if (runner.failure !== undefined) {
      return { name, description, status: 'failed', reason: runner.failure };
    }
    const details = (await prepared.details?.()) ?? {};
    const { peakRssBytes } = details;
    return measuredResult({
      name,
      description,
      tokensPerStep: prepared.tokensPerStep,
      samples: runner.samples,
      selfTimed: runner.selfTimed,
      coresBusy: runner.coresBusy,
      memory: {
        ...runner.memory.figures(),
        ...(typeof peakRssBytes === 'number' ? { peakRssBytes } : {}),
      },
      details,
    });
  } catch (error) {
    return { name, description, status: 'failed', reason: `details: ${message(error)}` };
  } finally {
    await disposeOnce(runner);
  }
}

/**
 * Measures the contenders in one process, interleaved: all are set up, then `warmup` untimed
 * rounds, one profiled step each (in-process), and `repetitions` timed rounds, round-robin
 * (A, B, C, A, B, C, …) so that drift hits every contender alike. A contender that is
 * unavailable or throws is reported as such; the others go on. Results keep the input order.
 */
export async function runHarness(
  contenders: readonly Contender[],
  shape: BenchShape,
  options: HarnessOptions,
): Promise<ContenderResult[]> {
  const clocks: Clocks = {
    wall: options.clock ?? (() => performance.now()),
    cpu: options.cpuClock ?? processCpuMilliseconds,
  };
  const entries: (Runner | ContenderResult)[] = [];
  for (const contender of contenders) entries.push(await prepare(contender, shape));
  const runners = entries.filter((entry): entry is Runner => 'prepared' in entry);
  const names = runners.map((runner) => runner.contender.name).join(', ');
  options.log(`bench: ${options.warmup} warm-up round(s) of ${names}`);
  await runRounds(runners, options.warmup, clocks);
  if (options.profileMemory) for (const runner of runners) await profile(runner);
  const total = options.repetitions * runners.length;
  let done = 0;
  await runRounds(runners, options.repetitions, clocks, (runner, { wall: milliseconds, cpu }) => {
    runner.samples.push(milliseconds / 1000);
    // An external contender's CPU is its own process's; this one only waits on the pipe.
    if (runner.contender.inProcess && milliseconds > 0) runner.coresBusy.push(cpu / milliseconds);
    const own = runner.prepared.selfTimedSeconds?.();
    if (own !== undefined) runner.selfTimed.push(own);
    if (runner.contender.inProcess) runner.memory.afterStep();
    done += 1;
    const seconds = (milliseconds / 1000).toFixed(3);
    options.log(`bench: ${runner.contender.name} ${seconds} s (timed step ${done}/${total})`);
  });
  const results: ContenderResult[] = [];
  for (const entry of entries) results.push('prepared' in entry ? await finish(entry) : entry);
  return results;
}
