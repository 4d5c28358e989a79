import { checkPositiveInteger, checkShape } from '@bayesrnn/core';
import type { Memory, MemoryRead } from '@bayesrnn/spec';
import * as tf from '@tensorflow/tfjs-core';
import { contentWeighting } from './content-weighting.js';
import { type ControlLayout, controlWidth, parseControlVector } from './control-layout.js';
import { allocationWeighting } from './dnc-allocation.js';
import { directionalWeightings, updateLinkMatrix, updatePrecedence } from './dnc-temporal-link.js';
import { retentionVector, updateUsage } from './dnc-usage.js';
import { concatenateHeads, eraseAndAdd, readWords } from './memory-access.js';

/** Sizes of a Differentiable Neural Computer's memory (one write head). */
export interface DncMemoryConfig {
  /** N: slots. */
  readonly memorySize: number;
  /** W: numbers per slot. */
  readonly wordSize: number;
  /** R ≥ 1: read heads. */
  readonly numReads: number;
}

/**
 * DeepMind's DNC example (`train.py`: `memory_size=16`, `word_size=16`, `num_read_heads=4`,
 * one write head); the paper's bAbI model is larger (N = 256, W = 64, R = 4).
 */
export const DEFAULT_DNC_MEMORY_CONFIG: Readonly<DncMemoryConfig> = Object.freeze({
  memorySize: 16,
  wordSize: 16,
  numReads: 4,
});

/** The parts of the DNC's interface vector, in its order (Graves et al. 2016, Methods). */
export type DncControlName =
  | 'readKeys'
  | 'readStrengths'
  | 'writeKey'
  | 'writeStrength'
  | 'eraseVector'
  | 'writeVector'
  | 'freeGates'
  | 'allocationGate'
  | 'writeGate'
  | 'readModes';

/**
 * The parsed interface vector, each part `[batchSize, heads, width]` as `dncControlLayout`
 * says: `readKeys` `[batchSize, numReads, wordSize]`, `readStrengths` `[batchSize, numReads, 1]`,
 * `writeKey`, `eraseVector`, `writeVector` `[batchSize, 1, wordSize]`, `writeStrength`,
 * `allocationGate`, `writeGate` `[batchSize, 1, 1]`, `freeGates` `[batchSize, numReads, 1]`,
 * `readModes` `[batchSize, numReads, 3]` (backward, content, forward; rows sum to 1).
 */
export type DncControl = { readonly [K in DncControlName]: tf.Tensor3D };

/** The DNC's state (a type alias: the `NamedTensorTree` constraint needs its index signature). */
export type DncState = {
  /** M, `[batchSize, memorySize, wordSize]`. */
  readonly memory: tf.Tensor3D;
  /** u, `[batchSize, memorySize]`, in [0, 1]. */
  readonly usage: tf.Tensor2D;
  /** L, `[batchSize, memorySize, memorySize]`, zero diagonal. */
  readonly link: tf.Tensor3D;
  /** p, `[batchSize, memorySize]`, summing to at most 1. */
  readonly precedence: tf.Tensor2D;
  /** w^r, `[batchSize, numReads, memorySize]`. */
  readonly readWeights: tf.Tensor3D;
  /** w^w, `[batchSize, memorySize]`. */
  readonly writeWeights: tf.Tensor2D;
};

/** A DNC memory behind the `Memory` contract. */
export type DncMemory = Memory<DncControl, DncState>;

const OWNER = 'DNC memory';

/**
 * The DNC's interface vector (Graves et al. 2016, Methods; papers.md §4.4): strengths are
 * `oneplus`, gates and erase vectors `sigmoid`, read modes a 3-way softmax ordered
 * [backward, content, forward] as the paper's π. Its width is R·W + 3W + 5R + 3.
 */
export function dncControlLayout(config: DncMemoryConfig): ControlLayout<DncControlName> {
  const { wordSize, numReads } = config;
  return {
    readKeys: { heads: numReads, width: wordSize, activation: 'identity' },
    readStrengths: { heads: numReads, width: 1, activation: 'oneplus' },
    writeKey: { heads: 1, width: wordSize, activation: 'identity' },
    writeStrength: { heads: 1, width: 1, activation: 'oneplus' },
    eraseVector: { heads: 1, width: wordSize, activation: 'sigmoid' },
    writeVector: { heads: 1, width: wordSize, activation: 'identity' },
    freeGates: { heads: numReads, width: 1, activation: 'sigmoid' },
    allocationGate: { heads: 1, width: 1, activation: 'sigmoid' },
    writeGate: { heads: 1, width: 1, activation: 'sigmoid' },
    readModes: { heads: numReads, width: 3, activation: 'softmax' },
  };
}

function checkConfig(config: Partial<DncMemoryConfig>): DncMemoryConfig {
  const merged = { ...DEFAULT_DNC_MEMORY_CONFIG, ...config };
  return {
    memorySize: checkPositiveInteger(merged.memorySize, 'DncMemoryConfig.memorySize'),
    wordSize: checkPositiveInteger(merged.wordSize, 'DncMemoryConfig.wordSize'),
    numReads: checkPositiveInteger(merged.numReads, 'DncMemoryConfig.numReads'),
  };
}

/** The expected shape of every state entry for `batchSize` sequences. */
function stateShapes(config: DncMemoryConfig, batchSize: number): Record<keyof DncState, number[]> {
  const { memorySize: n, wordSize: w, numReads: r } = config;
  return {
    memory: [batchSize, n, w],
    usage: [batchSize, n],
    link: [batchSize, n, n],
    precedence: [batchSize, n],
    readWeights: [batchSize, r, n],
    writeWeights: [batchSize, n],
  };
}

/** Checks every state and control entry's shape against `state.memory`'s batch size. */
function checkInputs(
  config: DncMemoryConfig,
  layout: ControlLayout<DncControlName>,
  state: DncState,
  control: DncControl,
): void {
  const batchSize = state.memory.shape[0];
  for (const [name, shape] of Object.entries(stateShapes(config, batchSize))) {
    checkShape(OWNER, `state.${name}`, state[name as keyof DncState], shape);
  }
  for (const name of Object.keys(layout) as DncControlName[]) {
    const { heads, width } = layout[name];
    checkShape(OWNER, `control.${name}`, control[name], [batchSize, heads, width]);
  }
}

/** `[batchSize, heads, 1]` → `[batchSize, heads]`; `[batchSize, 1, width]` → `[batchSize, width]`. */
const dropAxis = (x: tf.Tensor3D, axis: 1 | 2) => tf.squeeze(x, [axis]) as tf.Tensor2D;

/** The DNC's write (Graves et al. 2016, Methods): usage, allocation, write weights, memory, links. */
function dncWrite(state: DncState, control: DncControl): DncState {
  return tf.tidy(() => {
    // ψ_t, then u_t from the previous write and read weightings.
    const retention = retentionVector(dropAxis(control.freeGates, 2), state.readWeights);
    const usage = updateUsage(state.usage, state.writeWeights, retention);
    // w^w_t = g^w [g^a a_t + (1 − g^a) c^w_t], c^w_t = C(M_{t−1}, k^w, β^w).
    const allocation = allocationWeighting(usage);
    const strength = dropAxis(control.writeStrength, 2);
    const content = dropAxis(contentWeighting(state.memory, control.writeKey, strength), 1);
    const allocationGate = dropAxis(control.allocationGate, 2);
    const location = tf.add(
      tf.mul(allocationGate, allocation),
      tf.mul(tf.sub(1, allocationGate), content),
    );
    const writeWeights = tf.mul(dropAxis(control.writeGate, 2), location) as tf.Tensor2D;
    // M_t = M_{t−1} ⊙ (E − w eᵀ) + w vᵀ.
    const erase = dropAxis(control.eraseVector, 1);
    const memory = eraseAndAdd(state.memory, writeWeights, erase, dropAxis(control.writeVector, 1));
    // L_t from the previous precedence, then p_t.
    const link = updateLinkMatrix(state.link, state.precedence, writeWeights);
    const precedence = updatePrecedence(state.precedence, writeWeights);
    const readWeights = tf.clone(state.readWeights);
    return { memory, usage, link, precedence, readWeights, writeWeights };
  });
}

/** The DNC's read (Graves et al. 2016, Methods): temporal and content weightings mixed by π. */
function dncRead(state: DncState, control: DncControl): MemoryRead<DncState> {
  return tf.tidy(() => {
    // f^i = L_t w^{r,i}_{t−1}, b^i = L_tᵀ w^{r,i}_{t−1}.
    const { forward, backward } = directionalWeightings(state.link, state.readWeights);
    // c^{r,i} = C(M_t, k^{r,i}, β^{r,i}).
    const strengths = dropAxis(control.readStrengths, 2);
    const content = contentWeighting(state.memory, control.readKeys, strengths);
    // w^{r,i} = π[0] b + π[1] c + π[2] f, each mode [batchSize, numReads, 1].
    const [backwardMode, contentMode, forwardMode] = tf.split(control.readModes, 3, 2);
    const readWeights = tf.addN([
      tf.mul(backwardMode as tf.Tensor3D, backward),
      tf.mul(contentMode as tf.Tensor3D, content),
      tf.mul(forwardMode as tf.Tensor3D, forward),
    ]) as tf.Tensor3D;
    const readVector = concatenateHeads(readWords(readWeights, state.memory));
    const kept = {
      memory: tf.clone(state.memory),
      usage: tf.clone(state.usage),
      link: tf.clone(state.link),
      precedence: tf.clone(state.precedence),
      writeWeights: tf.clone(state.writeWeights),
    };
    return { readVector, state: { ...kept, readWeights } };
  });
}

/**
 * Creates the Differentiable Neural Computer's memory (Graves et al. 2016, "Hybrid computing
 * using a neural network with dynamic external memory", Methods; papers.md §4.4): R content and
 * temporal read heads and one write head that writes by content or to the least-used slot
 * (dynamic allocation with free gates), with a temporal link matrix recording write order.
 *
 * At each step a cell calls `write` (usage u_t, allocation a_t, write weighting w^w_t,
 * memory M_t, link L_t, precedence p_t), then `read` (forward, backward and content
 * weightings mixed by the read modes; read vectors r^i = M_tᵀ w^{r,i}). The initial state is
 * all zeros: the first write allocates slot 0 (the lowest index wins ties). The allocation's
 * usage floor ε (see `allocationWeighting`) leaks ε(1 − ε) of that write to slot 1, ε² to
 * slot 2, …, so the next allocation from an otherwise empty memory goes to the last slot, as
 * in DeepMind's implementation.
 *
 * @param config - sizes; missing ones come from `DEFAULT_DNC_MEMORY_CONFIG`.
 * @throws RangeError naming the option, e.g. `DncMemoryConfig.numReads must be a positive integer, got 0`.
 */
export function createDncMemory(config: Partial<DncMemoryConfig> = {}): DncMemory {
  const checked = checkConfig(config);
  const { wordSize, numReads } = checked;
  const layout = dncControlLayout(checked);
  const controlSize = numReads * wordSize + 3 * wordSize + 5 * numReads + 3;
  if (controlWidth(layout) !== controlSize) {
    throw new Error(`${OWNER}: control layout width ${controlWidth(layout)} ≠ ${controlSize}`);
  }
  return {
    controlSize,
    readSize: numReads * wordSize,
    parseControl: (flat) => parseControlVector(OWNER, layout, flat),
    initialState(batchSize) {
      checkPositiveInteger(batchSize, `${OWNER}.initialState: batchSize`);
      const shapes = Object.entries(stateShapes(checked, batchSize));
      return Object.fromEntries(
        shapes.map(([name, shape]) => [name, tf.zeros<tf.Rank>(shape)]),
      ) as DncState;
    },
    write(state, control) {
      checkInputs(checked, layout, state, control);
      return dncWrite(state, control);
    },
    read(state, control) {
      checkInputs(checked, layout, state, control);
      return dncRead(state, control);
    },
  };
}
