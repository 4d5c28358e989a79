/** Tokens per second over the interval since the last `take`. */
export interface ThroughputMeter {
  /** Counts tokens processed. */
  add(tokens: number): void;
  /** Milliseconds since the last `take` (or creation). */
  elapsedMs(): number;
  /** Tokens per second since the last `take`, then starts a new interval; `undefined` without tokens. */
  take(): number | undefined;
}

/** A meter on `now` (milliseconds; `performance.now` by default). */
export function createThroughputMeter(
  now: () => number = () => performance.now(),
): ThroughputMeter {
  let since = now();
  let tokens = 0;
  return {
    add(count) {
      tokens += count;
    },
    elapsedMs: () => now() - since,
    take() {
      const current = now();
      const seconds = (current - since) / 1000;
      const rate = tokens > 0 && seconds > 0 ? tokens / seconds : undefined;
      since = current;
      tokens = 0;
      return rate;
    },
  };
}
