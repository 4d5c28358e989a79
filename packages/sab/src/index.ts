// Re-exports by name only; see the files beside it.
export {
  ATTENTION_BIAS,
  ATTENTION_KERNEL,
  ATTENTION_MEMORY,
  ATTENTION_QUERY,
  type AttentionWeightName,
  attentionScores,
  attentionWeightSpecs,
  linearAttentionScores,
  type MlpAttentionWeights,
  mlpAttentionScores,
} from './attention-scores.js';
export {
  createSabCell,
  innerWeightName,
  type SabOptions,
  type SabState,
  type SabWeightName,
  sab,
} from './sab-cell.js';
export {
  DEFAULT_SAB_CONFIG,
  resolveSabConfig,
  SAB_SCORINGS,
  type SabConfig,
  type SabScoring,
} from './sab-config.js';
export { detachesBefore, memoryCount, storesAfter } from './sab-schedule.js';
export {
  ATTENTION_EPSILON,
  attentionSummary,
  SMALL_MACROSTATE_MARGIN,
  sparseAttentionWeights,
} from './sparse-attention.js';
