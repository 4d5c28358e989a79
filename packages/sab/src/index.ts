// Re-exports by name only; see the files beside it.
export {
  ATTENTION_KERNEL,
  createSabCell,
  innerWeightName,
  type SabState,
  type SabWeightName,
  sab,
} from './sab-cell.js';
export { DEFAULT_SAB_CONFIG, resolveSabConfig, type SabConfig } from './sab-config.js';
export { detachesBefore, memoryCount, storesAfter } from './sab-schedule.js';
export {
  ATTENTION_EPSILON,
  attentionScores,
  attentionSummary,
  SMALL_MACROSTATE_MARGIN,
  sparseAttentionWeights,
} from './sparse-attention.js';
