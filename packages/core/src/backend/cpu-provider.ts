import * as tf from '@tensorflow/tfjs-core';
import type { BackendFeatures, BackendProvider } from './backend-provider.js';

/**
 * The `cpu` backend: `@tensorflow/tfjs-backend-cpu`, plain JavaScript. Always available, the
 * last resort of the automatic order and the backend tests run on.
 */
export function createCpuProvider(): BackendProvider {
  return {
    name: 'cpu',
    load: async () => {
      await import('@tensorflow/tfjs-backend-cpu');
    },
    activate: silenceNodeBanner,
  };
}

/**
 * The cpu backend prints a multi-line "install tfjs-node" banner on its first tensor in Node.
 * `selectBackend` already logs which backend runs and why `tensorflow` did not, so the banner
 * only repeats that (once per test file, too). It is gated on the backend's `firstUse` field.
 */
async function silenceNodeBanner(): Promise<BackendFeatures> {
  const backend = tf.backend();
  if ('firstUse' in backend) Reflect.set(backend, 'firstUse', false);
  return {};
}
