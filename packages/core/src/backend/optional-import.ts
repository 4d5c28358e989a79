/**
 * Imports a package that may not exist. The specifier is a variable so that neither
 * TypeScript (no types needed) nor vite/esbuild (no resolution at build time) look for it.
 */
export function importOptional(specifier: string): Promise<unknown> {
  return import(/* @vite-ignore */ specifier);
}
