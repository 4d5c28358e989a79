/** `1,234` (no decimals), or `–` when absent. */
export function formatInteger(value: number | null | undefined): string {
  return value == null ? '–' : Math.round(value).toLocaleString('en-US');
}

/** A fixed number of decimals, or `–` when absent. */
export function formatFixed(value: number | null | undefined, digits: number): string {
  return value == null ? '–' : value.toFixed(digits);
}

/** Bytes as MiB with one decimal, or `–` when absent. */
export function formatMiB(bytes: number | null | undefined): string {
  return bytes == null ? '–' : `${(bytes / 2 ** 20).toFixed(1)}`;
}

/** `median (min–max)` of a summary, each with `format`. */
export function formatRange(
  summary: { readonly median: number; readonly min: number; readonly max: number } | undefined,
  format: (value: number) => string,
): string {
  return summary === undefined
    ? '–'
    : `${format(summary.median)} (${format(summary.min)}–${format(summary.max)})`;
}

/** `low–high` with two decimals, or `–` when absent. */
export function formatInterval(
  interval: { readonly low: number; readonly high: number } | null | undefined,
): string {
  return interval == null ? '–' : `${interval.low.toFixed(2)}–${interval.high.toFixed(2)}`;
}
