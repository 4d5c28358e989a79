import type { Tensor2D } from '@tensorflow/tfjs-core';
import type { NamedTensorTree } from './tensor-tree.js';

/** A read from memory and the memory state after it (reads may update usage or links). */
export interface MemoryRead<State extends NamedTensorTree> {
  /** `[batchSize, readSize]` (all read heads concatenated). */
  readonly readVector: Tensor2D;
  readonly state: State;
}

/**
 * An external memory (NTM, LRU, DNC, introspective FIFO; Gemici et al. 2017).
 *
 * A memory has no learned weights: the controller's projection to the flat control vector
 * belongs to the memory-augmented cell. The memory parses that vector into named controls
 * (keys, strengths, gates) and updates its named state.
 *
 * @typeParam Control - the parsed control, e.g. `{ writeKey, writeStrength, eraseVector }`.
 * @typeParam State - e.g. `{ memory: [batchSize, memorySize, wordSize], usage, link }`.
 */
export interface Memory<
  Control extends NamedTensorTree = NamedTensorTree,
  State extends NamedTensorTree = NamedTensorTree,
> {
  /** Width of the flat control vector the controller must produce. */
  readonly controlSize: number;
  /** Width of `readVector`. */
  readonly readSize: number;
  /** Split and squash `[batchSize, controlSize]` into named controls. */
  parseControl(flat: Tensor2D): Control;
  /** The empty memory for `batchSize` sequences. */
  initialState(batchSize: number): State;
  /** Write with the parsed control. Returns the new state; never disposes inputs. */
  write(state: State, control: Control): State;
  /**
   * Read with the parsed control. The state comes back even when a read changes nothing (as
   * new handles, e.g. `tf.clone`): the caller owns and disposes every tensor it gets.
   */
  read(state: State, control: Control): MemoryRead<State>;
}
