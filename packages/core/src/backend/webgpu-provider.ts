import * as tf from '@tensorflow/tfjs-core';
import type { BackendProvider } from './backend-provider.js';
import { isPackageNotFound } from './describe-error.js';
import { groupAddN } from './grouped-add-n.js';
import { importOptional } from './optional-import.js';

/** Dawn's WebGPU for Node (carries its native binary) and tfjs's WebGPU backend. */
const DAWN_PACKAGE = 'webgpu';
const TFJS_WEBGPU_PACKAGE = '@tensorflow/tfjs-backend-webgpu';
const INSTALL = `npm install ${DAWN_PACKAGE} ${TFJS_WEBGPU_PACKAGE}@4.22.0`;

/** The part of the WebGPU API this provider touches. */
interface Gpu {
  requestAdapter(): Promise<GpuAdapter | null | undefined>;
}

/** `GPUAdapterInfo`'s strings (each may be empty: browsers hide them). */
export interface GpuAdapterInfo {
  readonly vendor?: string;
  readonly architecture?: string;
  readonly device?: string;
  readonly description?: string;
}

/** The part of `GPUAdapter` this provider reads. */
interface GpuAdapter {
  readonly info?: GpuAdapterInfo;
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
  let adapter: GpuAdapter | undefined;
  return {
    name: 'webgpu',
    load: async () => {
      adapter = await loadWebgpu();
    },
    // Which GPU runs, so that a log or a benchmark says so (a laptop may have two).
    activate: async () => {
      groupWebgpuAddN();
      const device = describeAdapter(adapter?.info);
      return device === undefined ? {} : { device };
    },
  };
}

/**
 * One line naming a WebGPU adapter from its `GPUAdapterInfo`: its description where the
 * implementation gives one (Dawn on NVIDIA's Vulkan driver: the driver and its version), then
 * the vendor, architecture and device strings not already in it; `undefined` when every string
 * is empty. An H200 through Dawn read `NVIDIA: 580.159.04 580.159.4.0, nvidia-h200`.
 */
export function describeAdapter(info: GpuAdapterInfo | undefined): string | undefined {
  if (info === undefined) return undefined;
  const words: string[] = [];
  for (const part of [info.description, info.vendor, info.architecture, info.device]) {
    const text = part?.trim() ?? '';
    const seen = words.some((word) => word.toLowerCase().includes(text.toLowerCase()));
    if (text !== '' && !seen) words.push(text);
  }
  return words.length === 0 ? undefined : words.join(', ');
}

/** The storage buffers a shader may bind where the device does not say: WebGPU's default. */
const DEFAULT_STORAGE_BUFFERS = 8;

let addNGrouped = false;

/**
 * tfjs-webgpu's `AddN` binds each input and its output as storage buffers of one shader;
 * past the device's limit the shader is rejected and the sum silently stays unwritten
 * (`grouped-add-n.ts`). Once: at most limit − 1 inputs per call.
 */
function groupWebgpuAddN(): void {
  if (addNGrouped) return;
  addNGrouped = true;
  const device = (
    tf.backend() as { device?: { limits?: { maxStorageBuffersPerShaderStage?: number } } }
  ).device;
  const limit = device?.limits?.maxStorageBuffersPerShaderStage ?? DEFAULT_STORAGE_BUFFERS;
  groupAddN('webgpu', Math.max(2, limit - 1));
}

async function loadWebgpu(): Promise<GpuAdapter> {
  const gpu = (globalThis as { navigator?: { gpu?: Gpu } }).navigator?.gpu ?? (await dawnGpu());
  const adapter = await gpu.requestAdapter();
  if (adapter == null) {
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
  return adapter;
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
