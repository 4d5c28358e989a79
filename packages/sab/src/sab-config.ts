import { checkPositiveInteger } from '@bayesrnn/core';

/**
 * How a memory m_i is scored against the provisional state ĥ (Ke et al. 2018; papers.md §5.1,
 * step 2):
 *
 * - `'mlp'`: a_i = vᵀ tanh(W_q ĥ + W_m m_i + b), the paper's MLP over [ĥ; m_i] with one hidden
 *   layer of `attentionSize` units (additive, Bahdanau-style). The attention depends on ĥ.
 * - `'linear'`: a_i = wᵀ tanh([ĥ; m_i]), the official code's read-out. Its ĥ term is the same
 *   for every memory and the sparsifier ignores such a shift, so the attention weights do NOT
 *   depend on ĥ: every step attends to the same memories whatever it needs.
 */
export type SabScoring = 'mlp' | 'linear';

/** The scorings `SabConfig.scoring` accepts. */
export const SAB_SCORINGS: readonly SabScoring[] = Object.freeze(['mlp', 'linear'] as const);

/**
 * The options of sparse attentive backtracking (Ke et al. 2018; papers.md §5.1).
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
  /** The attention score (`SabScoring`): `'mlp'` (the paper's) or `'linear'` (the code's). */
  readonly scoring: SabScoring;
  /**
   * The hidden width of the `'mlp'` score; the wrapped cell's hidden size when not given.
   * Ignored by `'linear'`, which has no hidden layer.
   */
  readonly attentionSize?: number;
  /**
   * M_max: the macrostate keeps at most this many memories, dropping the oldest when a new one
   * is stored. Unbounded when not given, as in the paper, whose sequences end; a stateful
   * language model carries the state across windows, so its memories would grow for a whole
   * epoch (and the attention's cost with them) without a bound.
   */
  readonly maxMemories?: number;
}

/**
 * The defaults of the official release code (`train_copying_torch.py`, papers.md §5.4):
 * k_top = 10, k_att = 2, k_trunc = 10 (its README's copying run uses k_top = 5, k_trunc = 5),
 * with the paper's MLP score rather than the code's linear one.
 */
export const DEFAULT_SAB_CONFIG: SabConfig = Object.freeze({
  /** Official code default `--topk 10`. */
  topK: 10,
  /** Official code default `--attn_every_k 2`. */
  attendEvery: 2,
  /** Official code default `--trunc 10`. */
  truncation: 10,
  /**
   * The paper's MLP over [ĥ; m_i]. The official code's linear read-out wᵀ tanh([ĥ; m_i]) makes
   * the attention independent of ĥ (its ĥ term shifts all scores alike, which the sparsifier
   * ignores), so a step cannot choose what to recall: on the copying problem it cannot point
   * at symbol i at output step i.
   */
  scoring: 'mlp',
});

/**
 * A full config from a partial one: missing fields from `DEFAULT_SAB_CONFIG`, every field
 * checked (`attentionSize` stays absent when not given: it defaults to the wrapped cell's
 * hidden size, which only `sab` knows; `maxMemories` stays absent: no bound).
 *
 * @throws RangeError naming the option, e.g. `SabConfig.topK must be a positive integer, got 0`.
 */
export function resolveSabConfig(config: Partial<SabConfig> = {}): SabConfig {
  const resolved: SabConfig = {
    topK: checkPositiveInteger(config.topK ?? DEFAULT_SAB_CONFIG.topK, 'SabConfig.topK'),
    attendEvery: checkPositiveInteger(
      config.attendEvery ?? DEFAULT_SAB_CONFIG.attendEvery,
      'SabConfig.attendEvery',
    ),
    truncation: checkPositiveInteger(
      config.truncation ?? DEFAULT_SAB_CONFIG.truncation,
      'SabConfig.truncation',
    ),
    scoring: checkScoring(config.scoring ?? DEFAULT_SAB_CONFIG.scoring),
  };
  // The optional fields stay absent until given.
  return Object.freeze({
    ...resolved,
    ...(config.attentionSize === undefined
      ? {}
      : {
          attentionSize: checkPositiveInteger(config.attentionSize, 'SabConfig.attentionSize'),
        }),
    ...(config.maxMemories === undefined
      ? {}
      : { maxMemories: checkPositiveInteger(config.maxMemories, 'SabConfig.maxMemories') }),
  });
}

function checkScoring(scoring: SabScoring): SabScoring {
  if (!SAB_SCORINGS.includes(scoring)) {
    const known = SAB_SCORINGS.map((name) => `'${name}'`).join(', ');
    const got = typeof scoring === 'string' ? `'${scoring}'` : String(scoring);
    throw new RangeError(`SabConfig.scoring must be one of ${known}, got ${got}`);
  }
  return scoring;
}
