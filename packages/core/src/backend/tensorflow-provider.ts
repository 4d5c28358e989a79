import type { BackendProvider } from './backend-provider.js';
import { describeError, isPackageNotFound } from './describe-error.js';
import { importOptional } from './optional-import.js';

/** The native packages, in the order tried: the GPU build first, then the CPU build. */
const NATIVE_PACKAGES = ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'] as const;

/**
 * The `tensorflow` backend: native TensorFlow through `@tensorflow/tfjs-node-gpu`, else
 * `@tensorflow/tfjs-node`. Both are optional peers, never required to install; importing one
 * registers the `tensorflow` backend with the shared engine.
 */
export function createTensorflowProvider(): BackendProvider {
  return { name: 'tensorflow', load: loadNativeTensorflow };
}

async function loadNativeTensorflow(): Promise<void> {
  const failures: string[] = [];
  for (const specifier of NATIVE_PACKAGES) {
    try {
      await importOptional(specifier);
      return;
    } catch (error) {
      // An installed package that fails (no CUDA, bad native binding) is worth saying so.
      if (!isPackageNotFound(error, specifier)) {
        failures.push(`${specifier} failed to load: ${describeError(error)}`);
      }
    }
  }
  if (failures.length === 0) {
    throw new Error(
      `neither ${NATIVE_PACKAGES[0]} nor ${NATIVE_PACKAGES[1]} is installed (install one to use it)`,
    );
  }
  throw new Error(failures.join('; '));
}
