/**
 * `max |a − b| / max |b|`: an error relative to the scale of the whole reference (a gradient's
 * largest entry), so entries near zero are not held to a relative bound they cannot meet in
 * float32.
 */
export function scaledError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let error = 0;
  let scale = 0;
  for (let i = 0; i < b.length; i++) {
    error = Math.max(error, Math.abs((a[i] ?? 0) - (b[i] ?? 0)));
    scale = Math.max(scale, Math.abs(b[i] ?? 0));
  }
  return error / scale;
}
