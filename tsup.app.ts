import { defineConfig } from 'tsup';

/** Shared tsup build for the apps: one executable ESM file; workspace packages stay external (their dist). */
export default defineConfig({
  entry: ['src/cli.ts'],
  format: ['esm'],
  dts: false,
  sourcemap: true,
  clean: true,
  target: 'node20',
  platform: 'node',
  banner: { js: '#!/usr/bin/env node' },
});
