import type { BackendProvider } from './backend-provider.js';
import { isPackageNotFound } from './describe-error.js';
import { importOptional } from './optional-import.js';

/** Dawn's WebGPU for Node (carries its native binary) and tfjs's WebGPU backend. */
const DAWN_PACKAGE = 'webgpu';
const TFJS_WEBGPU_PACKAGE = '@tensorflow/tfjs-backend-webgpu';
const INSTALL = `npm install ${DAWN_PACKAGE} ${TFJS_WEBGPU_PACKAGE}@4.22.0`;

/** The part of the WebGPU API this provider touches. */
interface Gpu {
  requestAdapter(): Promise<unknown>;
}

/** Dawn's `webgpu` module: `create(flags)` gives a `navigator.gpu`; `globals` the GPU* constants. */
interface DawnModule {
  create(flags: string[]): Gpu;
  readonly globals: Record<string, unknown>;
}

/**
 * The `webgpu` backend: `@tensorflow/tfjs-backend-webgpu` on the runtime's `navigator.gpu` (a
 * browser, Deno) or, in Node, on Dawn's `webgpu` package, which this provider installs as
 * `navigator.gpu` with its `GPU*` constants on `globalThis` (what tfjs's backend reads). Both
 * packages are optional peers. It is unavailable, with the reason, when a package is missing or
 * no adapter is found: on a machine without a GPU, or on Linux without a Vulkan driver that Dawn
 * accepts (Debian 12's CPU driver, lavapipe, lacks `shaderUniform*ArrayDynamicIndexing`; Dawn
 * prints its own reasons to stderr). Our wasm kernels (the fused draws, samplers and
 * optimisers) do not exist on it: those steps compose tfjs ops there.
 */
export function createWebgpuProvider(): BackendProvider {
  return { name: 'webgpu', load: loadWebgpu };
}

async function loadWebgpu(): Promise<void> {
  const gpu = (globalThis as { navigator?: { gpu?: Gpu } }).navigator?.gpu ?? (await dawnGpu());
  if ((await gpu.requestAdapter()) == null) {
    throw new Error('WebGPU found no GPU adapter (no GPU, or no driver it can use)');
  }
  try {
    await importOptional(TFJS_WEBGPU_PACKAGE);
  } catch (error) {
    if (isPackageNotFound(error, TFJS_WEBGPU_PACKAGE)) {
      throw new Error(`${TFJS_WEBGPU_PACKAGE} is not installed (${INSTALL} to use it)`);
    }
    throw error;
  }
}

/** Dawn's GPU installed as `navigator.gpu`, with the `GPU*` constants, for tfjs's backend. */
async function dawnGpu(): Promise<Gpu> {
  let dawn: DawnModule;
  try {
    dawn = (await importOptional(DAWN_PACKAGE)) as DawnModule;
  } catch (error) {
    if (isPackageNotFound(error, DAWN_PACKAGE)) {
      throw new Error(
        `no navigator.gpu, and Dawn's ${DAWN_PACKAGE} package is not installed (${INSTALL} to use it)`,
      );
    }
    throw error;
  }
  Object.assign(globalThis, dawn.globals);
  const gpu = dawn.create([]);
  const holder = globalThis as { navigator?: object };
  // Node 20 has no navigator; Node 21+ has one without gpu.
  if (holder.navigator === undefined) holder.navigator = { gpu };
  else Object.defineProperty(holder.navigator, 'gpu', { value: gpu, configurable: true });
  return gpu;
}
