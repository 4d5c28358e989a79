import { checkShape } from '@bayesrnn/core';
import * as tf from '@tensorflow/tfjs-core';

/**
 * How a slice of the flat control vector is squashed (the DNC's interface conventions, Graves
 * et al. 2016, Methods):
 * - `identity`: keys, add and write vectors;
 * - `sigmoid`: gates and erase vectors, in (0, 1);
 * - `softplus`: NTM strengths, in (0, ∞);
 * - `oneplus`: 1 + softplus, DNC strengths and the NTM's sharpening γ, in (1, ∞);
 * - `softmax`: over the segment's width (NTM shifts, DNC read modes, positional attention).
 */
export type ControlActivation = 'identity' | 'sigmoid' | 'softplus' | 'oneplus' | 'softmax';

/** One named part of the control vector: `heads × width` numbers, squashed one way. */
export interface ControlSegment {
  readonly heads: number;
  readonly width: number;
  readonly activation: ControlActivation;
}

/**
 * The parts of a memory's flat control vector, in order: the first segment takes the first
 * `heads × width` columns, head by head, and so on. Each parses to `[batchSize, heads, width]`.
 */
export type ControlLayout<Name extends string> = { readonly [K in Name]: ControlSegment };

/** Width of the flat control vector a layout parses: Σ heads × width. */
export function controlWidth(layout: ControlLayout<string>): number {
  return Object.values<ControlSegment>(layout).reduce(
    (total, segment) => total + segment.heads * segment.width,
    0,
  );
}

function squash(x: tf.Tensor3D, activation: ControlActivation): tf.Tensor3D {
  switch (activation) {
    case 'identity':
      return x;
    case 'sigmoid':
      return tf.sigmoid(x);
    case 'softplus':
      return tf.softplus(x);
    case 'oneplus':
      return tf.add(tf.softplus(x), 1);
    case 'softmax':
      return tf.softmax(x);
  }
}

/**
 * Splits `[batchSize, controlWidth(layout)]` into the layout's named, squashed parts, each
 * `[batchSize, heads, width]`. The caller owns the results.
 *
 * @param owner - the memory, for the error message (`'NTM memory'`).
 * @throws Error naming `owner` when `flat` is not `[batchSize, controlWidth(layout)]`.
 */
export function parseControlVector<Name extends string>(
  owner: string,
  layout: ControlLayout<Name>,
  flat: tf.Tensor2D,
): Record<Name, tf.Tensor3D> {
  const names = Object.keys(layout) as Name[];
  const batchSize = flat.shape[0] ?? 0;
  checkShape(owner, 'control', flat, [batchSize, controlWidth(layout)]);
  return tf.tidy(() => {
    const sizes = names.map((name) => layout[name].heads * layout[name].width);
    const parts = tf.split(flat, sizes, 1);
    const entries = names.map((name, i) => {
      const { heads, width, activation } = layout[name];
      const part = tf.reshape(parts[i] as tf.Tensor2D, [batchSize, heads, width]);
      return [name, squash(part as tf.Tensor3D, activation)] as const;
    });
    return Object.fromEntries(entries) as Record<Name, tf.Tensor3D>;
  });
}
