import type { Tensor } from '@tensorflow/tfjs-core';
import type { RngKey } from './rng-key.js';

/**
 * Makes the initial value of one weight tensor from a key and a shape.
 *
 * `@bayesrnn/core` provides the usual ones (uniform, Glorot, orthogonal, zeros, constant);
 * users can pass any function with this signature.
 */
export type Initializer = (key: RngKey, shape: readonly number[]) => Tensor;

/** What a component declares about one weight it needs: its shape and how to initialise it. */
export interface WeightSpec {
  /** Full shape, e.g. `[inputSize + hiddenSize, 4 * hiddenSize]`. */
  readonly shape: readonly number[];
  /** How to make the initial value (for point weights, or a posterior's mean). */
  readonly init: Initializer;
}

/** Weight declarations by name. `Name` is a union of string literals, e.g. `'kernel' | 'bias'`. */
export type WeightSpecs<Name extends string = string> = { readonly [K in Name]: WeightSpec };

/**
 * Concrete weights by name, exactly the names declared in the matching `WeightSpecs`.
 * Missing or misspelled names are type errors.
 */
export type Weights<Name extends string = string> = { readonly [K in Name]: Tensor };

/** The weight names of a `WeightSpecs` record or of anything with `weightSpecs`. */
export type WeightNamesOf<T> = T extends { readonly weightSpecs: WeightSpecs<infer N> }
  ? N
  : T extends WeightSpecs<infer N>
    ? N
    : never;
