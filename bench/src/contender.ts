import type { BenchShape } from './shape.js';

/** A contender made ready for one shape: the harness times `step` and nothing else. */
export interface PreparedContender {
  /**
   * One full training step: forward, backward, optimiser update, and a read-back of data that
   * depends on the update, so the work is finished when the promise resolves.
   */
  step(): Promise<void>;
  /**
   * The seconds the last step took by the contender's own clock (an external process timing
   * itself, without the pipe); the harness records them beside its wall-clock time.
   */
  selfTimedSeconds?(): number | undefined;
  /** The loss of the last step, where the contender reads it (ours: for backend parity checks). */
  lastLoss?(): number | undefined;
  /** Tokens one step trains on (for tokens/s). */
  readonly tokensPerStep: number;
  /**
   * Figures the contender measured itself, read after the timed steps and before `dispose`:
   * e.g. an external process's peak RSS (`peakRssBytes`), its library versions, its BLAS.
   */
  details?(): Promise<Readonly<Record<string, unknown>>>;
  dispose(): void | Promise<void>;
}

/**
 * One thing the benchmark measures: one small module in `src/contenders/` (listed in
 * `contenders/index.ts`). The `name` is what the ratios refer to (`plain`, `bbb`, `psgld`, …).
 */
export interface Contender {
  readonly name: string;
  readonly description: string;
  /**
   * `true` when the steps run in this process on the active tfjs backend: then the harness
   * records the tfjs memory figures for it. `false` for an external program (PyTorch).
   */
  readonly inProcess: boolean;
  /**
   * Milliseconds to wait after each of its steps before the next contender's, so that work it
   * leaves running is not timed as another contender's: OpenBLAS's threads spin for about
   * 2^28 cycles (~0.1 s) after PyTorch's last matrix product before they sleep.
   */
  readonly settleMs?: number;
  /** Why it cannot run here (e.g. no PyTorch), or `undefined` when it can. */
  unavailable?(): Promise<string | undefined>;
  setup(shape: BenchShape): Promise<PreparedContender>;
}
