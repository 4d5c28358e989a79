import type { Tensor } from '@tensorflow/tfjs-core';

/**
 * A readonly tree of tensors: a tensor, a named record of trees, or a list of trees.
 *
 * Recurrent state is always a *named* record (`{h, c}`, `{memory, usage, link}`), never a
 * positional array, so that code reads by meaning and structure mismatches are type errors.
 * Lists are allowed for collections that really are ordered (e.g. the layers of a stack).
 */
export type TensorTree = Tensor | readonly TensorTree[] | { readonly [name: string]: TensorTree };

/** A named record of trees: the shape every cell and memory state takes. */
export type NamedTensorTree = { readonly [name: string]: TensorTree };
