import { checkInRange, checkPositiveInteger, checkShape } from '@bayesrnn/core';
import type { Memory } from '@bayesrnn/spec';
import * as tf from '@tensorflow/tfjs-core';
import { contentWeighting } from './content-weighting.js';
import { type ControlLayout, controlWidth, parseControlVector } from './control-layout.js';
import { leastUsedWeightings } from './least-used.js';
import { concatenateHeads, readWords } from './memory-access.js';

const OWNER = 'LRU memory';

/** Options of `createLruMemory`. */
export interface LruMemoryConfig {
  /** N: slots (rows) of the memory. */
  readonly memorySize: number;
  /** W: numbers per slot. */
  readonly wordSize: number;
  /** R ≥ 1 heads; in MANN each head both reads and writes, so R ≤ memorySize. */
  readonly numReads: number;
  /** γ, the decay of the usage w^u, in [0, 1]. */
  readonly usageDecay: number;
}

/**
 * MANN's Omniglot memory (Santoro et al. 2016: 128 slots of 40, 4 read heads) with the usage
 * decay γ at the low end of the 0.95–0.99 of papers.md §4.4 "LRU".
 */
export const DEFAULT_LRU_MEMORY_CONFIG: Readonly<LruMemoryConfig> = Object.freeze({
  memorySize: 128,
  wordSize: 40,
  numReads: 4,
  usageDecay: 0.95,
});

/**
 * The parsed control of the LRU memory, in the order of the flat control vector:
 * - `keys`: k_h, `[batchSize, numReads, wordSize]` (identity), each head's read key and the
 *   word it writes;
 * - `strengths`: β_h = oneplus(·) ≥ 1, `[batchSize, numReads, 1]`;
 * - `writeGates`: σ(α_h), `[batchSize, numReads, 1]`, 1 writes where the head last read, 0 to
 *   its least-used slot.
 */
export type LruControl = {
  readonly keys: tf.Tensor3D;
  readonly strengths: tf.Tensor3D;
  readonly writeGates: tf.Tensor3D;
};

/**
 * State of the LRU memory (a type alias for the `NamedTensorTree` constraint):
 * - `memory`: M, `[batchSize, memorySize, wordSize]`;
 * - `readWeights`: w^r of the last read, `[batchSize, numReads, memorySize]`;
 * - `writeWeights`: w^w of the last write, `[batchSize, numReads, memorySize]`;
 * - `usage`: w^u, `[batchSize, memorySize]`.
 */
export type LruState = {
  readonly memory: tf.Tensor3D;
  readonly readWeights: tf.Tensor3D;
  readonly writeWeights: tf.Tensor3D;
  readonly usage: tf.Tensor2D;
};

/** The LRU memory: the `Memory` contract with `LruControl` and `LruState`. */
export type LruMemory = Memory<LruControl, LruState> & { readonly config: LruMemoryConfig };

function lruControlLayout(wordSize: number, numReads: number) {
  return {
    keys: { heads: numReads, width: wordSize, activation: 'identity' },
    strengths: { heads: numReads, width: 1, activation: 'oneplus' },
    writeGates: { heads: numReads, width: 1, activation: 'sigmoid' },
  } as const satisfies ControlLayout<keyof LruControl>;
}

function checkLruConfig(partial: Partial<LruMemoryConfig>) {
  const config = { ...DEFAULT_LRU_MEMORY_CONFIG, ...partial };
  const memorySize = checkPositiveInteger(config.memorySize, 'LruMemoryConfig.memorySize');
  const wordSize = checkPositiveInteger(config.wordSize, 'LruMemoryConfig.wordSize');
  const numReads = checkPositiveInteger(config.numReads, 'LruMemoryConfig.numReads');
  if (numReads > memorySize) {
    throw new RangeError(
      `LruMemoryConfig.numReads must be at most memorySize (${memorySize}): each head needs its own least-used slot, got ${numReads}`,
    );
  }
  const usageDecay = checkInRange(config.usageDecay, 0, 1, 'LruMemoryConfig.usageDecay');
  return { memorySize, wordSize, numReads, usageDecay };
}

/** MANN's write (run inside `tf.tidy`); returns the new `memory` and `writeWeights`. */
function lruWrite(state: LruState, control: LruControl, numReads: number): LruState {
  const [batchSize, memorySize] = state.usage.shape;
  // lu_h from usage_{t−1}: indices only, no gradient.
  const leastUsed = leastUsedWeightings(state.usage, numReads);
  // w^w_h = σ(α_h) w^r_{t−1,h} + (1 − σ(α_h)) lu_h
  const gates = control.writeGates;
  const writeWeights = tf.add(
    tf.mul(gates, state.readWeights),
    tf.mul(tf.sub(1, gates), leastUsed),
  ) as tf.Tensor3D;
  // M' = M_{t−1} ⊙ (1 − lu_0): the least-used slot is cleared before it is written.
  const leastUsedSlot = tf.reshape(tf.slice(leastUsed, [0, 0, 0], [-1, 1, -1]), [
    batchSize,
    memorySize,
    1,
  ]);
  const cleared = tf.mul(state.memory, tf.sub(1, leastUsedSlot));
  // M_t = M' + Σ_h w^w_h k_hᵀ
  const memory = tf.add(cleared, tf.matMul(writeWeights, control.keys, true, false));
  return {
    memory: memory as tf.Tensor3D,
    readWeights: tf.clone(state.readWeights),
    writeWeights,
    usage: tf.clone(state.usage),
  };
}

/**
 * MANN's content read and usage update (run inside `tf.tidy`). A type literal, not
 * `MemoryRead`, so that `tf.tidy` accepts it as a tensor container.
 */
function lruRead(
  state: LruState,
  control: LruControl,
  usageDecay: number,
): { readonly readVector: tf.Tensor2D; readonly state: LruState } {
  const [batchSize, numReads] = control.strengths.shape;
  // w^r_h = C(M_t, k_h, β_h); r_h = Σ_i w^r_h(i) M_t(i)
  const strengths = tf.reshape(control.strengths, [batchSize, numReads]) as tf.Tensor2D;
  const readWeights = contentWeighting(state.memory, control.keys, strengths);
  const readVector = concatenateHeads(readWords(readWeights, state.memory));
  // usage_t = γ usage_{t−1} + Σ_h w^r_h + Σ_h w^w_h (the w^w stored by write)
  const usage = tf.addN([
    tf.mul(state.usage, usageDecay),
    tf.sum(readWeights, 1),
    tf.sum(state.writeWeights, 1),
  ]) as tf.Tensor2D;
  return {
    readVector,
    state: {
      memory: tf.clone(state.memory),
      readWeights,
      writeWeights: tf.clone(state.writeWeights),
      usage,
    },
  };
}

/**
 * Least-Recently-Used Access, the memory of MANN (Santoro et al. 2016; papers.md §4.4 "LRU";
 * Gemici et al. 2017's LRU-GTMM). Each of the `numReads` heads reads by content and writes
 * its key either where it last read or to a least-used slot:
 *
 * - write: lu_h = the one-hot on the h-th least-used slot of usage_{t−1} (`leastUsedWeightings`);
 *   w^w_h = σ(α_h) w^r_{t−1,h} + (1 − σ(α_h)) lu_h; the single least-used slot is zeroed,
 *   M' = M_{t−1} ⊙ (1 − lu_0), then M_t = M' + Σ_h w^w_h k_hᵀ.
 * - read: w^r_h = C(M_t, k_h, β_h) (`contentWeighting`), r_h = Σ_i w^r_h(i) M_t(i), and
 *   usage_t = γ usage_{t−1} + Σ_h w^r_h + Σ_h w^w_h.
 *
 * Deviation from MANN: MANN reads with a plain cosine softmax, β = 1. A softmax over cosines in
 * [−1, 1] cannot focus on one of many slots (a slot at cosine 1 weighs at most e² ≈ 7.4 times
 * one at −1, so among 128 slots it gets at most 6%), so a learned strength β_h = oneplus(·) ≥ 1
 * is added (control `strengths`); with β = 1 this is MANN's rule.
 *
 * Every entry of a returned state is a new tensor handle (entries a step leaves unchanged are
 * clones, which share data), so the caller may dispose the old state and the new one apart.
 * `controlSize` = numReads · (wordSize + 2), `readSize` = numReads · wordSize.
 *
 * @throws RangeError at creation naming the option (`LruMemoryConfig.numReads`), and Error at
 *   `write`/`read` naming the argument when a state or control has the wrong shape.
 */
export function createLruMemory(config: Partial<LruMemoryConfig> = {}): LruMemory {
  const { memorySize, wordSize, numReads, usageDecay } = checkLruConfig(config);
  const layout = lruControlLayout(wordSize, numReads);

  function checkStateAndControl(state: LruState, control: LruControl): void {
    const batchSize = state.memory.shape[0] ?? 0;
    checkShape(OWNER, 'state.memory', state.memory, [batchSize, memorySize, wordSize]);
    checkShape(OWNER, 'state.readWeights', state.readWeights, [batchSize, numReads, memorySize]);
    checkShape(OWNER, 'state.writeWeights', state.writeWeights, [batchSize, numReads, memorySize]);
    checkShape(OWNER, 'state.usage', state.usage, [batchSize, memorySize]);
    checkShape(OWNER, 'control.keys', control.keys, [batchSize, numReads, wordSize]);
    checkShape(OWNER, 'control.strengths', control.strengths, [batchSize, numReads, 1]);
    checkShape(OWNER, 'control.writeGates', control.writeGates, [batchSize, numReads, 1]);
  }

  return {
    config: { memorySize, wordSize, numReads, usageDecay },
    controlSize: controlWidth(layout),
    readSize: numReads * wordSize,
    parseControl(flat) {
      return parseControlVector(OWNER, layout, flat);
    },
    initialState(batchSize) {
      checkPositiveInteger(batchSize, `${OWNER}.initialState: batchSize`);
      return {
        memory: tf.zeros([batchSize, memorySize, wordSize]),
        readWeights: tf.zeros([batchSize, numReads, memorySize]),
        writeWeights: tf.zeros([batchSize, numReads, memorySize]),
        usage: tf.zeros([batchSize, memorySize]),
      };
    },
    write(state, control) {
      checkStateAndControl(state, control);
      return tf.tidy(() => lruWrite(state, control, numReads));
    },
    read(state, control) {
      checkStateAndControl(state, control);
      return tf.tidy(() => lruRead(state, control, usageDecay));
    },
  };
}
