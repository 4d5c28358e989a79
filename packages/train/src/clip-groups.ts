import { clipScale } from '@bayesrnn/core';
import * as tf from '@tensorflow/tfjs-core';
import type { Gradients } from './optimizer.js';

/**
 * The clipping group of each variable (by its name in `task.variables`). Each group's
 * gradients are clipped to `clipNorm` by the group's own global norm, so one group's large
 * gradients do not shrink another group's step.
 *
 * Why: posterior sharpening's η (`<weight>/eta`) gets the gradient `−g_φ ⊙ ∂L/∂θ` plus the
 * sharpening KL's, which on a language model's softmax kernel can be six times the norm of every
 * other gradient together for the first epochs. Clipped in one group, that scales μ's and ρ's
 * steps down by as much; clipped apart, η's own steps grow (apps/lm/README.md, "Which weights
 * to sharpen", measures both).
 *
 * @example
 * const clipGroups = (name: string) => (name.endsWith('/eta') ? 'eta' : 'weights');
 */
export type ClipGroups = (variableName: string) => string;

/** The gradients by group, groups in order of first appearance; one group without `clipGroups`. */
export function gradientsByGroup(
  gradients: Gradients,
  clipGroups: ClipGroups | undefined,
): Map<string, Gradients> {
  const groups = new Map<string, Record<string, tf.Tensor>>();
  for (const [name, gradient] of Object.entries(gradients)) {
    const group = clipGroups === undefined ? 'all' : clipGroups(name);
    const members = groups.get(group) ?? {};
    members[name] = gradient;
    groups.set(group, members);
  }
  return groups;
}

/** The clipped step as the optimiser takes it: one scale, and gradients pre-scaled where needed. */
export interface GroupClipping {
  /** Global-norm clipping's factor, handed to the optimiser for every gradient. */
  readonly scale: number;
  /** The gradients to apply `scale` to: the reference group's as they are, others rescaled. */
  readonly gradients: Gradients;
  /** The rescaled copies (caller disposes them after the update). */
  readonly made: readonly tf.Tensor[];
}

/** Clipping thresholds of named groups, in place of `clipNorm` (e.g. `{ eta: 0.5 }`). */
export type GroupClipNorms = { readonly [group: string]: number };

/**
 * Per-group global-norm clipping: group `k` is scaled by `s_k = c_k / max(‖g_k‖, c_k)`, with
 * `c_k` its entry in `groupClipNorms` or else `clipNorm`. The optimiser takes one scale (Adam
 * and RMSprop fold it into their pass), so the largest group (by elements) passes as it is with
 * its `s_ref`, and every other group whose `s_k ≠ s_ref` is multiplied by `s_k / s_ref` first:
 * one extra pass over those groups' gradients only.
 *
 * @param norms - each group's norm, in the order of `groups` (finite).
 */
export function clipByGroup(
  groups: ReadonlyMap<string, Gradients>,
  norms: readonly number[],
  clipNorm: number,
  groupClipNorms: GroupClipNorms = {},
): GroupClipping {
  const entries = [...groups.values()];
  if (entries.length !== norms.length)
    throw new Error(`clipByGroup: ${entries.length} groups but ${norms.length} norms`);
  const limits = [...groups.keys()].map((group) => groupClipNorms[group] ?? clipNorm);
  const scales = norms.map((norm, index) => {
    const limit = limits[index] ?? clipNorm;
    return Number.isFinite(limit) ? clipScale(norm, limit) : 1;
  });
  const sizes = entries.map((group) =>
    Object.values(group).reduce((total, gradient) => total + gradient.size, 0),
  );
  const reference = sizes.indexOf(Math.max(...sizes));
  const scale = scales[reference] ?? 1;
  const gradients: Record<string, tf.Tensor> = {};
  const made: tf.Tensor[] = [];
  entries.forEach((group, index) => {
    const relative = Math.fround((scales[index] ?? 1) / scale);
    for (const [name, gradient] of Object.entries(group)) {
      if (relative === 1) {
        gradients[name] = gradient;
      } else {
        const rescaled = tf.mul(gradient, relative);
        made.push(rescaled);
        gradients[name] = rescaled;
      }
    }
  });
  return { scale, gradients, made };
}
