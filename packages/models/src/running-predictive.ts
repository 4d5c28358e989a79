/**
 * The predictive probability of every scored token averaged over members (MC passes, posterior
 * draws, MCMC samples) as they arrive: per token, `log p̄ = logsumexp_k log p_k − log K`, the
 * mean of probabilities, not of log-probabilities (papers.md §2.9 pitfall 4, §3.5). Sums live in
 * float64 on the host, one array per window, so K does not multiply device memory.
 */
export interface RunningPredictive {
  /** Adds the current member's target log-probabilities of window `index`. */
  add(index: number, logProbabilities: Float32Array): void;
  /** Closes the current member (call once after its last window). */
  endMember(): void;
  /** Mean NLL per token of the averaged predictive over the members so far, and the tokens. */
  nll(): { nll: number; tokens: number };
  /** Mean NLL per token of the last closed member alone. */
  lastMemberNll(): number;
}

export function createRunningPredictive(): RunningPredictive {
  const perWindow: Float64Array[] = [];
  let members = 0;
  let memberNll = 0;
  let memberTokens = 0;
  let lastMember = Number.NaN;
  return {
    add(index, logProbabilities) {
      const running =
        perWindow[index] ??
        new Float64Array(logProbabilities.length).fill(Number.NEGATIVE_INFINITY);
      perWindow[index] = running;
      logProbabilities.forEach((value, i) => {
        running[i] = logAddExp(running[i] ?? Number.NEGATIVE_INFINITY, value);
        memberNll -= value;
      });
      memberTokens += logProbabilities.length;
    },
    endMember() {
      members += 1;
      lastMember = memberNll / memberTokens;
      memberNll = 0;
      memberTokens = 0;
    },
    nll() {
      let total = 0;
      let tokens = 0;
      for (const running of perWindow) {
        for (const value of running) total -= value - Math.log(members);
        tokens += running.length;
      }
      if (tokens === 0) throw new Error('evaluation: the corpus has no window to score');
      return { nll: total / tokens, tokens };
    },
    lastMemberNll: () => lastMember,
  };
}

function logAddExp(a: number, b: number): number {
  if (a === Number.NEGATIVE_INFINITY) return b;
  if (b === Number.NEGATIVE_INFINITY) return a;
  const max = Math.max(a, b);
  return max + Math.log(Math.exp(a - max) + Math.exp(b - max));
}
