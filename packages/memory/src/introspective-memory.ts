import { checkPositiveInteger, checkShape } from '@bayesrnn/core';
import type { Memory, MemoryRead } from '@bayesrnn/spec';
import * as tf from '@tensorflow/tfjs-core';
import { type ControlLayout, controlWidth, parseControlVector } from './control-layout.js';
import { concatenateHeads, readWords } from './memory-access.js';

/** Sizes of the introspective memory (Gemici et al. 2017, §3.3; papers.md §4.3). */
export interface IntrospectiveMemoryConfig {
  /** L, the number of slots: the memory keeps the last L words written. */
  readonly memorySize: number;
  /** Size of a stored word; in the introspective GTMM, the latent z_t. */
  readonly wordSize: number;
  /** R, the number of read heads. */
  readonly numReads: number;
}

/**
 * Sizes of papers.md §4.8's small reproduction: a FIFO of l + k = 13 slots for recall with
 * l = 10, k = 3, latents of size 8 and R = 2 heads.
 */
export const DEFAULT_INTROSPECTIVE_MEMORY_CONFIG: Readonly<IntrospectiveMemoryConfig> =
  Object.freeze({
    memorySize: 13,
    wordSize: 8,
    numReads: 2,
  });

/** The parsed control, each `[batchSize, heads, width]`. */
export interface IntrospectiveControl {
  readonly [name: string]: tf.Tensor3D;
  /** The word to store, z_t, `[batchSize, 1, wordSize]`. */
  readonly writeVector: tf.Tensor3D;
  /** w_t^r = f_att(h_t), a softmax over the slots, `[batchSize, numReads, memorySize]`. */
  readonly attention: tf.Tensor3D;
  /** σ(g^r), each head's read gate, `[batchSize, numReads, 1]`. */
  readonly gates: tf.Tensor3D;
}

/** The FIFO, `[batchSize, memorySize, wordSize]`; slot 0 holds the newest word. */
export interface IntrospectiveState {
  readonly [name: string]: tf.Tensor3D;
  readonly memory: tf.Tensor3D;
}

/** The introspective memory as a `Memory` of `@bayesrnn/spec`. */
export type IntrospectiveMemory = Memory<IntrospectiveControl, IntrospectiveState> & {
  readonly config: IntrospectiveMemoryConfig;
};

const OWNER = 'introspective memory';

function checkConfig(partial: Partial<IntrospectiveMemoryConfig>): IntrospectiveMemoryConfig {
  const config = { ...DEFAULT_INTROSPECTIVE_MEMORY_CONFIG, ...partial };
  for (const option of ['memorySize', 'wordSize', 'numReads'] as const) {
    checkPositiveInteger(config[option], `IntrospectiveMemoryConfig.${option}`);
  }
  return config;
}

/**
 * The introspective memory of Gemici et al. (2017, eq. 9–12): a FIFO of the last L words
 * written (in the GTMM, the sampled latents), read by R heads with purely positional attention.
 *
 * - write: M_t = [z_t; M_{t−1}[0 .. L−2]] (the oldest word drops out);
 * - read: φ_t^r = w_t^r · M_t with w_t^r a softmax over the L positions, then the gated
 *   Ψ_t^r = φ_t^r ⊙ σ(g^r) (eq. 11–12).
 *
 * Because slot i always holds the word written i writes ago, a head learns "look exactly k
 * steps back" by putting its attention on slot k − 1, whatever the words hold; there is no
 * content addressing. The attention comes from the controller, through the control vector.
 *
 * Control layout, in order: `writeVector` (W, identity), `attention` (R × L, softmax over the
 * slots), `gates` (R, sigmoid). `readVector` is `[batchSize, numReads · wordSize]`.
 */
export function createIntrospectiveMemory(
  config: Partial<IntrospectiveMemoryConfig> = {},
): IntrospectiveMemory {
  const { memorySize, wordSize, numReads } = checkConfig(config);
  const layout = {
    writeVector: { heads: 1, width: wordSize, activation: 'identity' },
    attention: { heads: numReads, width: memorySize, activation: 'softmax' },
    gates: { heads: numReads, width: 1, activation: 'sigmoid' },
  } as const satisfies ControlLayout<keyof IntrospectiveControl & string>;

  const checkState = (state: IntrospectiveState): number => {
    const batchSize = state.memory.shape[0];
    checkShape(OWNER, 'state.memory', state.memory, [batchSize, memorySize, wordSize]);
    return batchSize;
  };

  return {
    config: { memorySize, wordSize, numReads },
    controlSize: controlWidth(layout),
    readSize: numReads * wordSize,
    parseControl: (flat) => parseControlVector(OWNER, layout, flat),
    initialState: (batchSize) => ({
      memory: tf.zeros([
        checkPositiveInteger(batchSize, `${OWNER}: batchSize`),
        memorySize,
        wordSize,
      ]),
    }),
    write(state, control): IntrospectiveState {
      const batchSize = checkState(state);
      checkShape(OWNER, 'control.writeVector', control.writeVector, [batchSize, 1, wordSize]);
      return tf.tidy(() => {
        if (memorySize === 1) return { memory: tf.clone(control.writeVector) };
        const kept = tf.slice(state.memory, [0, 0, 0], [batchSize, memorySize - 1, wordSize]);
        return { memory: tf.concat([control.writeVector, kept], 1) as tf.Tensor3D };
      });
    },
    read(state, control): MemoryRead<IntrospectiveState> {
      const batchSize = checkState(state);
      checkShape(OWNER, 'control.attention', control.attention, [batchSize, numReads, memorySize]);
      const readVector = tf.tidy(() => {
        const retrieved = readWords(control.attention, state.memory);
        return concatenateHeads(tf.mul(retrieved, control.gates) as tf.Tensor3D);
      });
      // A new handle on the same data: the caller owns every tensor it gets back.
      return { readVector, state: { memory: tf.clone(state.memory) } };
    },
  };
}
