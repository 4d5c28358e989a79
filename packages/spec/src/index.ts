export type { Cell, CellStepResult, CellWindowResult, WindowOptions } from './cell.js';
export type { Memory, MemoryRead } from './memory.js';
export type { Draw, DrawContext, Posterior, WeightSource } from './posterior.js';
export type { RngKey } from './rng-key.js';
export type { Sampler } from './sampler.js';
export type { NamedTensorTree, TensorTree } from './tensor-tree.js';
export type { Initializer, WeightNamesOf, WeightSpec, WeightSpecs, Weights } from './weights.js';
