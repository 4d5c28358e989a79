/**
 * A one-line description of anything thrown or rejected.
 *
 * tfjs-backend-wasm rejects with a plain `{message}` object, not an `Error`, and dynamic
 * imports can reject with anything, so `String(error)` alone would print `[object Object]`.
 */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'object' && error !== null && 'message' in error) {
    return String(error.message);
  }
  return String(error);
}

/**
 * Whether `error` says that the package `specifier` itself is not installed (as opposed to an
 * installed package failing while it loads, e.g. a missing native library or a missing
 * dependency of its own, which must be reported, not hidden).
 *
 * Node says `Cannot find package '<specifier>'` (ESM) or `Cannot find module '<specifier>'`
 * (CJS); vite's module runner says `Could not resolve "<specifier>"`. The specifier must be
 * the thing not found, not the importer (`… imported by "<specifier>"`), and must end there,
 * so `@tensorflow/tfjs-node` does not match `@tensorflow/tfjs-node-gpu`.
 */
export function isPackageNotFound(error: unknown, specifier: string): boolean {
  const escaped = specifier.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  const notFound = new RegExp(
    `(?:cannot find (?:package|module)|could not resolve|failed to load url) ['"]?${escaped}(?:['"]|\\s|$)`,
    'i',
  );
  return notFound.test(describeError(error));
}
