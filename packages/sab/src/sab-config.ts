import { checkPositiveInteger } from '@bayesrnn/core';

/**
 * The three integers of sparse attentive backtracking (Ke et al. 2018; papers.md §5.1).
 */
export interface SabConfig {
  /** k_top: how many stored memories each step attends to (the rest get weight 0). */
  readonly topK: number;
  /** k_att: a memory is stored after every `attendEvery`-th step, when (t + 1) mod k_att = 0. */
  readonly attendEvery: number;
  /**
   * k_trunc: the recurrent state is detached before step t when (t + 1) mod k_trunc = 0, so
   * ordinary backpropagation runs back at most to the previous boundary of that fixed grid.
   */
  readonly truncation: number;
}

/**
 * The defaults of the official release code (`train_copying_torch.py`, papers.md §5.4):
 * k_top = 10, k_att = 2, k_trunc = 10. Its README's copying run uses k_top = 5, k_trunc = 5.
 */
export const DEFAULT_SAB_CONFIG: SabConfig = Object.freeze({
  /** Official code default `--topk 10`. */
  topK: 10,
  /** Official code default `--attn_every_k 2`. */
  attendEvery: 2,
  /** Official code default `--trunc 10`. */
  truncation: 10,
});

/**
 * A full config from a partial one: missing fields from `DEFAULT_SAB_CONFIG`, every field
 * checked.
 *
 * @throws RangeError naming the option, e.g. `SabConfig.topK must be a positive integer, got 0`.
 */
export function resolveSabConfig(config: Partial<SabConfig> = {}): SabConfig {
  return Object.freeze({
    topK: checkPositiveInteger(config.topK ?? DEFAULT_SAB_CONFIG.topK, 'SabConfig.topK'),
    attendEvery: checkPositiveInteger(
      config.attendEvery ?? DEFAULT_SAB_CONFIG.attendEvery,
      'SabConfig.attendEvery',
    ),
    truncation: checkPositiveInteger(
      config.truncation ?? DEFAULT_SAB_CONFIG.truncation,
      'SabConfig.truncation',
    ),
  });
}
