/**
 * Cuts one id stream into consecutive parts by fraction, e.g. `[0.8, 0.1, 0.1]` for the
 * 80/10/10 train/valid/test split Karpathy et al. (2015) used on War and Peace
 * (shared/data/SOURCES.md §3). Each part but the last has `floor(N · fraction)` ids; the last
 * takes the rest. The parts are views (`subarray`) sharing `ids`' memory.
 *
 * @throws {RangeError} when a fraction is not in (0, 1] or they do not sum to 1 (±1e-9).
 */
export function splitSequence(ids: Int32Array, fractions: readonly number[]): Int32Array[] {
  const total = fractions.reduce((sum, fraction) => sum + fraction, 0);
  if (fractions.length === 0 || fractions.some((f) => !(f > 0 && f <= 1))) {
    throw new RangeError(
      `splitSequence: fractions must be in (0, 1], got [${fractions.join(', ')}]`,
    );
  }
  if (Math.abs(total - 1) > 1e-9) {
    throw new RangeError(`splitSequence: fractions sum to ${total}, not 1`);
  }
  const parts: Int32Array[] = [];
  let start = 0;
  for (const [index, fraction] of fractions.entries()) {
    const end =
      index === fractions.length - 1 ? ids.length : start + Math.floor(ids.length * fraction);
    parts.push(ids.subarray(start, end));
    start = end;
  }
  return parts;
}
