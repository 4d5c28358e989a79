import type { TensorTree } from '@bayesrnn/spec';
import * as tf from '@tensorflow/tfjs-core';

/** Replaces every tensor leaf by `T` while keeping the tree's structure (and its names). */
export type MappedTree<Tree, T> = Tree extends tf.Tensor
  ? T
  : Tree extends readonly unknown[]
    ? { readonly [I in keyof Tree]: MappedTree<Tree[I], T> }
    : { readonly [K in keyof Tree]: MappedTree<Tree[K], T> };

/** One leaf of a flattened tree: its `/`-joined path (e.g. `layers/0/h`) and tensor. */
export interface TreeLeaf {
  readonly path: string;
  readonly tensor: tf.Tensor;
}

function isTensor(value: unknown): value is tf.Tensor {
  return value instanceof tf.Tensor;
}

function walk(tree: TensorTree, path: string, visit: (leaf: TreeLeaf) => void): void {
  if (isTensor(tree)) {
    visit({ path, tensor: tree });
  } else if (Array.isArray(tree)) {
    tree.forEach((child: TensorTree, index) => {
      walk(child, join(path, String(index)), visit);
    });
  } else {
    for (const [name, child] of Object.entries(tree as Record<string, TensorTree>)) {
      walk(child, join(path, name), visit);
    }
  }
}

function join(path: string, name: string): string {
  return path === '' ? name : `${path}/${name}`;
}

/**
 * Applies `fn` to every tensor of a tree; the result has the same structure. `fn` gets the
 * leaf's path for error messages and per-name logic. Not wrapped in `tidy`: `fn` decides.
 */
export function mapTree<Tree extends TensorTree, T extends tf.Tensor>(
  tree: Tree,
  fn: (tensor: tf.Tensor, path: string) => T,
): MappedTree<Tree, T> {
  return mapUntyped(tree, fn, '') as MappedTree<Tree, T>;
}

function mapUntyped(
  tree: TensorTree,
  fn: (tensor: tf.Tensor, path: string) => tf.Tensor,
  path: string,
): TensorTree {
  if (isTensor(tree)) return fn(tree, path);
  if (Array.isArray(tree)) {
    return tree.map((child: TensorTree, index) => mapUntyped(child, fn, join(path, String(index))));
  }
  const mapped: Record<string, TensorTree> = {};
  for (const [name, child] of Object.entries(tree as Record<string, TensorTree>)) {
    mapped[name] = mapUntyped(child, fn, join(path, name));
  }
  return mapped;
}

/** Leaves in a stable depth-first order, keys in insertion order. */
export function flattenTree(tree: TensorTree): TreeLeaf[] {
  const leaves: TreeLeaf[] = [];
  walk(tree, '', (leaf) => leaves.push(leaf));
  return leaves;
}

/** Disposes every tensor of a tree (each once, even if it appears twice). */
export function disposeTree(tree: TensorTree): void {
  const seen = new Set<tf.Tensor>();
  walk(tree, '', ({ tensor }) => {
    if (!seen.has(tensor)) {
      seen.add(tensor);
      tensor.dispose();
    }
  });
}

/** Tensor leaves and their total number of elements (e.g. to report a model's size). */
export function countTree(tree: TensorTree): { tensors: number; elements: number } {
  let tensors = 0;
  let elements = 0;
  walk(tree, '', ({ tensor }) => {
    tensors += 1;
    elements += tensor.size;
  });
  return { tensors, elements };
}
