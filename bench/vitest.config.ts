import { defineConfig } from 'vitest/config';
import shared from '../vitest.shared.ts';

// bench/ sits one level higher than packages/* and apps/*: point the setup file accordingly
// (mergeConfig would concatenate the two setup lists).
export default defineConfig({
  ...shared,
  test: { ...shared.test, setupFiles: ['../vitest.setup.ts'] },
});
