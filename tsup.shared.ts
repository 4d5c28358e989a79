import { defineConfig } from 'tsup';

/** Shared tsup build for every library package: ESM with `.d.ts`, one entry per package. */
export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  platform: 'node',
  treeshake: true,
});
