import { checkPositiveInteger, checkShape } from '@bayesrnn/core';
import type { Memory } from '@bayesrnn/spec';
import * as tf from '@tensorflow/tfjs-core';
import { type ControlLayout, controlWidth, parseControlVector } from './control-layout.js';
import { concatenateHeads, eraseAndAdd, readWords } from './memory-access.js';
import { type NtmHeadControl, ntmAddressing } from './ntm-addressing.js';

const OWNER = 'NTM memory';

/** Sizes of a Neural Turing Machine memory (Graves et al. 2014) with one write head. */
export interface NtmMemoryConfig {
  /** N, the number of slots. */
  readonly memorySize: number;
  /** W, the width of a slot. */
  readonly wordSize: number;
  /** R ≥ 1 read heads. */
  readonly numReads: number;
  /** s: every head shifts by −s..+s (2s + 1 shift weights, 2s + 1 ≤ memorySize). */
  readonly shiftRange: number;
}

/**
 * Defaults. 20 × 50 is the digit memory of the unofficial GTMM re-implementation (papers.md
 * §4.7; the paper's sizes are not in the retrieved pages). One read head and shifts −1..+1
 * are Graves et al. (2014)'s setting for copy and repeat copy (§4.1–4.2, Table 2).
 */
export const DEFAULT_NTM_MEMORY_CONFIG: Readonly<NtmMemoryConfig> = Object.freeze({
  memorySize: 20,
  wordSize: 50,
  numReads: 1,
  shiftRange: 1,
});

/** The names of the NTM's control segments, in the order of the flat control vector. */
export type NtmControlName =
  | 'writeKey'
  | 'writeStrength'
  | 'writeGate'
  | 'writeShift'
  | 'writeSharpening'
  | 'erase'
  | 'add'
  | 'readKeys'
  | 'readStrengths'
  | 'readGates'
  | 'readShifts'
  | 'readSharpening';

/**
 * The parsed NTM control, each entry `[batchSize, heads, width]`: the write head's `writeKey`
 * (W), `writeStrength` (β, softplus), `writeGate` (g, sigmoid), `writeShift` (2s + 1, softmax;
 * index 0 is the shift −s, index 2s the shift +s), `writeSharpening` (γ, oneplus), `erase` (W,
 * sigmoid) and `add` (W), then the R read heads' `readKeys`, `readStrengths`, `readGates`,
 * `readShifts` and `readSharpening`, squashed the same way.
 */
export type NtmControl = { readonly [K in NtmControlName]: tf.Tensor3D };

/**
 * NTM state: `memory` `[batchSize, memorySize, wordSize]`, the read heads' weightings
 * `readWeights` `[batchSize, numReads, memorySize]` and the write head's `writeWeights`
 * `[batchSize, 1, memorySize]`.
 */
export type NtmState = {
  readonly memory: tf.Tensor3D;
  readonly readWeights: tf.Tensor3D;
  readonly writeWeights: tf.Tensor3D;
};

/** An NTM memory and the config it was made with. */
export interface NtmMemory extends Memory<NtmControl, NtmState> {
  readonly config: NtmMemoryConfig;
}

/**
 * The NTM control layout (this order is the flat control vector's): the write head, then the
 * read heads.
 */
export function ntmControlLayout(config: NtmMemoryConfig): ControlLayout<NtmControlName> {
  const { wordSize, numReads, shiftRange } = config;
  const shiftWidth = 2 * shiftRange + 1;
  return {
    writeKey: { heads: 1, width: wordSize, activation: 'identity' },
    writeStrength: { heads: 1, width: 1, activation: 'softplus' },
    writeGate: { heads: 1, width: 1, activation: 'sigmoid' },
    writeShift: { heads: 1, width: shiftWidth, activation: 'softmax' },
    writeSharpening: { heads: 1, width: 1, activation: 'oneplus' },
    erase: { heads: 1, width: wordSize, activation: 'sigmoid' },
    add: { heads: 1, width: wordSize, activation: 'identity' },
    readKeys: { heads: numReads, width: wordSize, activation: 'identity' },
    readStrengths: { heads: numReads, width: 1, activation: 'softplus' },
    readGates: { heads: numReads, width: 1, activation: 'sigmoid' },
    readShifts: { heads: numReads, width: shiftWidth, activation: 'softmax' },
    readSharpening: { heads: numReads, width: 1, activation: 'oneplus' },
  };
}

function checkConfig(config: NtmMemoryConfig): void {
  const { memorySize, shiftRange } = config;
  checkPositiveInteger(memorySize, 'NtmMemoryConfig.memorySize');
  checkPositiveInteger(config.wordSize, 'NtmMemoryConfig.wordSize');
  checkPositiveInteger(config.numReads, 'NtmMemoryConfig.numReads');
  if (!Number.isInteger(shiftRange) || shiftRange < 0 || 2 * shiftRange + 1 > memorySize) {
    throw new RangeError(
      `NtmMemoryConfig.shiftRange must be an integer ≥ 0 with 2·shiftRange + 1 ≤ memorySize (${memorySize}), got ${String(shiftRange)}`,
    );
  }
}

/** w_0: each head one-hot on slot 0, `[batchSize, numHeads, memorySize]`. */
function firstSlot(batchSize: number, numHeads: number, memorySize: number): tf.Tensor3D {
  return tf.tidy(() =>
    tf.pad(tf.ones([batchSize, numHeads, 1]), [
      [0, 0],
      [0, 0],
      [0, memorySize - 1],
    ]),
  );
}

/** The write head's controls, as `ntmAddressing` takes them. */
function writeHead(control: NtmControl): NtmHeadControl {
  return {
    keys: control.writeKey,
    strengths: control.writeStrength,
    gates: control.writeGate,
    shifts: control.writeShift,
    sharpening: control.writeSharpening,
  };
}

/** The read heads' controls, as `ntmAddressing` takes them. */
function readHeads(control: NtmControl): NtmHeadControl {
  return {
    keys: control.readKeys,
    strengths: control.readStrengths,
    gates: control.readGates,
    shifts: control.readShifts,
    sharpening: control.readSharpening,
  };
}

const WRITE_CONTROLS: readonly NtmControlName[] = [
  'writeKey',
  'writeStrength',
  'writeGate',
  'writeShift',
  'writeSharpening',
  'erase',
  'add',
];
const READ_CONTROLS: readonly NtmControlName[] = [
  'readKeys',
  'readStrengths',
  'readGates',
  'readShifts',
  'readSharpening',
];

/**
 * Checks the state's shapes and the named controls' shapes (shapes only, no tensor op).
 *
 * @returns the batch size, read from `state.memory`.
 */
function checkStep(
  config: NtmMemoryConfig,
  layout: ControlLayout<NtmControlName>,
  state: NtmState,
  control: NtmControl,
  names: readonly NtmControlName[],
): number {
  const { memorySize, wordSize, numReads } = config;
  const batchSize = state.memory.shape[0] ?? 0;
  checkShape(OWNER, 'state.memory', state.memory, [batchSize, memorySize, wordSize]);
  checkShape(OWNER, 'state.readWeights', state.readWeights, [batchSize, numReads, memorySize]);
  checkShape(OWNER, 'state.writeWeights', state.writeWeights, [batchSize, 1, memorySize]);
  for (const name of names) {
    const { heads, width } = layout[name];
    checkShape(OWNER, `control.${name}`, control[name], [batchSize, heads, width]);
  }
  return batchSize;
}

/**
 * A Neural Turing Machine memory (Graves et al. 2014, §3; papers.md §4.4) with one write head
 * and `numReads` read heads, each addressed by content, interpolation with its previous
 * weighting, circular shift and sharpening (`ntmAddressing`).
 *
 * - `write` addresses the write head on M_{t−1} from its previous weighting and erases then adds,
 *   M_t(i) = M_{t−1}(i) ⊙ (1 − w(i) e) + w(i) a (eq. 3–4).
 * - `read` addresses the read heads on M_t (after the write) from their previous weightings and
 *   returns r = Σ_i w(i) M_t(i) (eq. 2), heads side by side: `readSize` = numReads · wordSize.
 * - `initialState` is a zero memory with every head one-hot on slot 0: the heads start at the
 *   first location, so location-based shifts walk from there.
 *
 * Every entry of a returned state is a new tensor handle (entries that do not change are
 * clones, sharing data), so a caller may dispose the previous state.
 *
 * @throws RangeError naming the option (`NtmMemoryConfig.numReads`) for a bad config.
 */
export function createNtmMemory(config: Partial<NtmMemoryConfig> = {}): NtmMemory {
  const full: NtmMemoryConfig = { ...DEFAULT_NTM_MEMORY_CONFIG, ...config };
  checkConfig(full);
  const { memorySize, wordSize, numReads } = full;
  const layout = ntmControlLayout(full);
  return {
    config: full,
    controlSize: controlWidth(layout),
    readSize: numReads * wordSize,
    parseControl: (flat) => parseControlVector(OWNER, layout, flat),
    initialState(batchSize) {
      checkPositiveInteger(batchSize, `${OWNER}.initialState: batchSize`);
      return {
        memory: tf.zeros([batchSize, memorySize, wordSize]),
        readWeights: firstSlot(batchSize, numReads, memorySize),
        writeWeights: firstSlot(batchSize, 1, memorySize),
      };
    },
    write(state, control) {
      const batchSize = checkStep(full, layout, state, control, WRITE_CONTROLS);
      return tf.tidy(() => {
        const writeWeights = ntmAddressing(state.memory, state.writeWeights, writeHead(control));
        const memory = eraseAndAdd(
          state.memory,
          tf.reshape(writeWeights, [batchSize, memorySize]),
          tf.reshape(control.erase, [batchSize, wordSize]),
          tf.reshape(control.add, [batchSize, wordSize]),
        );
        return { memory, readWeights: state.readWeights.clone(), writeWeights };
      });
    },
    read(state, control) {
      checkStep(full, layout, state, control, READ_CONTROLS);
      return tf.tidy(() => {
        const readWeights = ntmAddressing(state.memory, state.readWeights, readHeads(control));
        const readVector = concatenateHeads(readWords(readWeights, state.memory));
        const writeWeights = state.writeWeights.clone();
        return { readVector, state: { memory: state.memory.clone(), readWeights, writeWeights } };
      });
    },
  };
}
