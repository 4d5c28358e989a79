import { defineConfig } from 'tsup';

/**
 * The bench builds to one executable ESM file, and each experiment to its own; workspace packages
 * stay external (their dist).
 */
export default defineConfig({
  entry: {
    cli: 'src/cli.ts',
    'experiments/adam-draw': 'src/experiments/adam-draw.ts',
    'experiments/background-thread': 'src/experiments/background-thread.ts',
    'experiments/background-worker': 'src/experiments/background-worker.ts',
    'experiments/gemm-fma': 'src/experiments/gemm-fma.ts',
    'experiments/gemm-split': 'src/experiments/gemm-split.ts',
    'experiments/gru-window': 'src/experiments/gru-window.ts',
    'experiments/helper-spin': 'src/experiments/helper-spin.ts',
    'experiments/idle-pool': 'src/experiments/idle-pool.ts',
    'experiments/identity-gradient': 'src/experiments/identity-gradient.ts',
    'experiments/kernel-census': 'src/experiments/kernel-census.ts',
    'experiments/kernel-step': 'src/experiments/kernel-step.ts',
    'experiments/lstm-recurrence': 'src/experiments/lstm-recurrence.ts',
    'experiments/recurrence-step': 'src/experiments/recurrence-step.ts',
    'experiments/subnormal-operands': 'src/experiments/subnormal-operands.ts',
    'experiments/normal-generators': 'src/experiments/normal-generators.ts',
    'experiments/classifier-groups': 'src/experiments/classifier-groups.ts',
    'experiments/draw-cost': 'src/experiments/draw-cost.ts',
    'experiments/step-memory': 'src/experiments/step-memory.ts',
    'experiments/backend-parity': 'src/experiments/backend-parity.ts',
    'experiments/psgld-sensitivity': 'src/experiments/psgld-sensitivity.ts',
    'experiments/adam-in-place': 'src/experiments/adam-in-place.ts',
  },
  format: ['esm'],
  dts: false,
  sourcemap: true,
  clean: true,
  target: 'node20',
  platform: 'node',
  banner: { js: '#!/usr/bin/env node' },
});
