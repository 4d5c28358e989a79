import { uniformIndex } from './host-uniforms.js';

/**
 * The sequence tasks of Gemici et al. 2017, Appendix D (papers.md §4.5):
 *
 * - `'perfect-recall'` (Alg. 1): the first `recall` symbols again, in order.
 * - `'parity-recall'` (Alg. 2): for each of the first `recall` labels, a 0/1 symbol showing its parity.
 * - `'dynamic-dependency'` (Alg. 3): pointer chasing, each label the address of the next frame.
 * - `'similarity-cued-recall'` (Alg. 4): a contiguous block from a random start, again.
 */
export type RecallTask =
  | 'perfect-recall'
  | 'parity-recall'
  | 'dynamic-dependency'
  | 'similarity-cued-recall';

/** Every {@link RecallTask}, in the paper's order. */
export const RECALL_TASKS: readonly RecallTask[] = Object.freeze([
  'perfect-recall',
  'parity-recall',
  'dynamic-dependency',
  'similarity-cued-recall',
]);

/**
 * One sequence's plan, `preRecall + recall` steps: the symbol each frame shows and which
 * earlier frame it repeats.
 */
export interface RecallPlan {
  /** `labels[t]`: the symbol shown at step `t`. */
  readonly labels: Int32Array;
  /**
   * `sources[t]`: the pre-recall step whose exemplar image step `t` repeats verbatim, or −1
   * for a fresh exemplar (every pre-recall step; parity recall's steps; every recall step
   * when fresh recall exemplars are asked for).
   */
  readonly sources: Int32Array;
}

/**
 * Plans one sequence of `task`. The pre-recall labels are given (`preRecallLabels`, `l`
 * uniform symbols); the recall part follows the paper's algorithm (`k = recall` steps,
 * `j = 0 … k − 1`, 0-based steps throughout):
 *
 * - Alg. 1, perfect recall: `labels[l + j] = labels[j]`, repeating step `j`.
 * - Alg. 2, parity recall: `labels[l + j] = 0` when `labels[j]` is odd, else 1 (the Fig. 5
 *   example: odd digits recalled as a "0", even ones as a "1"), always a fresh exemplar.
 * - Alg. 3, dynamic dependency: with `a = labels[l + j − 1]` (the label of the frame just
 *   before, a 0-based address, `< symbols ≤ l`), `labels[l + j] = labels[a]`, repeating step `a`.
 * - Alg. 4, similarity-cued recall: a start `r` uniform in `{1, …, l − k}` (the paper's
 *   `r ~ U[1, l − k]`, read as a 0-based step), then `labels[l + j] = labels[r + j]`, repeating
 *   step `r + j`: the block `sequence[r : r + k]`, which may end at the last pre-recall frame
 *   and never starts at step 0, so it never reduces to perfect recall's fixed lag.
 *
 * @param startDraw - a uniform draw in `[0, 1)` for `r` (similarity-cued recall only).
 * @param fresh - repeat the symbols with fresh exemplars (`sources` −1) instead of verbatim.
 */
export function planRecallSequence(
  task: RecallTask,
  preRecallLabels: ArrayLike<number>,
  recall: number,
  startDraw: number,
  fresh: boolean,
): RecallPlan {
  const preRecall = preRecallLabels.length;
  const labels = new Int32Array(preRecall + recall);
  const sources = new Int32Array(preRecall + recall).fill(-1);
  labels.set(Array.from(preRecallLabels));
  const repeat = (step: number, source: number): void => {
    labels[step] = labels[source] as number;
    if (!fresh) sources[step] = source;
  };
  const start =
    task === 'similarity-cued-recall' ? 1 + uniformIndex(startDraw, preRecall - recall) : 0;
  for (let j = 0; j < recall; j += 1) {
    const step = preRecall + j;
    switch (task) {
      case 'perfect-recall':
        repeat(step, j);
        break;
      case 'parity-recall':
        labels[step] = (labels[j] as number) % 2 === 1 ? 0 : 1;
        break;
      case 'dynamic-dependency':
        repeat(step, labels[step - 1] as number);
        break;
      case 'similarity-cued-recall':
        repeat(step, start + j);
        break;
    }
  }
  return { labels, sources };
}
