/**
 * The fixed time grid of sparse attentive backtracking (papers.md §5.1–5.2, pitfall 3). Time
 * `t` is 0-based and counts every step since the initial state, across truncated windows.
 */

/**
 * Whether the recurrent state is detached *before* step `t`: when (t + 1) mod k_trunc = 0, as
 * the official code (`if (i + 1) % truncate_length == 0: h_t, c_t = h_t.detach(), c_t.detach()`).
 * With k_trunc = 3 the recurrent chain is cut between steps 1|2, 4|5, 7|8, …, so ordinary
 * backpropagation from step t reaches back to the last cut: 0 to k_trunc − 1 steps, not a
 * sliding k_trunc (pitfall 3); the first segment is one step shorter than the others.
 */
export function detachesBefore(time: number, truncation: number): boolean {
  return (time + 1) % truncation === 0;
}

/**
 * Whether step `t` stores its final state h_t (after the summary) as a new memory: when
 * (t + 1) mod k_att = 0, as the official code. With k_att = 2: after steps 1, 3, 5, …
 */
export function storesAfter(time: number, attendEvery: number): boolean {
  return (time + 1) % attendEvery === 0;
}

/**
 * Memories present when step `t` attends, from an initial state (which holds one, the zero
 * initial h, as the official code): 1 + ⌊t / k_att⌋.
 */
export function memoryCount(time: number, attendEvery: number): number {
  return 1 + Math.floor(time / attendEvery);
}
