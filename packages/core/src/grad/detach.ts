import * as tf from '@tensorflow/tfjs-core';

/**
 * The same values as `x` in a new tensor that no gradient tape knows: operations on the result
 * are not connected to whatever produced `x`, so a gradient taken inside another gradient
 * (posterior sharpening's `g_phi`, Fortunato et al. 2017 §4) neither reaches nor is
 * back-propagated through by the outer one. Unlike `stopGradient`, which records a zero-gradient
 * op the outer backward pass still walks through, this costs nothing in the backward pass.
 *
 * How: the copy is made with recording paused (tfjs records an op only while
 * `engine.state.gradientDepth > 0`); the depth is restored even if the copy throws. The result
 * is a new tensor the caller owns (backends may share storage: cpu does, wasm copies).
 */
export function detach<T extends tf.Tensor>(x: T): T {
  const state = tf.engine().state;
  const depth = state.gradientDepth;
  state.gradientDepth = 0;
  try {
    return x.clone();
  } finally {
    state.gradientDepth = depth;
  }
}
