import * as tf from '@tensorflow/tfjs-core';
import type { BackendFeatures, BackendProvider } from './backend-provider.js';
import { createDefaultBackendProviders } from './default-backend-providers.js';
import { describeError } from './describe-error.js';
import { registerAllGradients } from './register-gradients.js';

/** The environment variable that names a backend when `options.name` does not. */
const BACKEND_ENV_VAR = 'BAYESRNN_BACKEND';

/** The name that means "the first available, in provider order". */
const AUTO = 'auto';

/** Options of {@link selectBackend}; every field is optional. */
export interface SelectBackendOptions {
  /** `tensorflow`, `webgpu`, `wasm`, `cpu` or `auto`; overrides the environment. */
  readonly name?: string;
  /** Where `BAYESRNN_BACKEND` (and `BAYESRNN_WASM_THREADS`) are read; defaults to `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Receives the one-line report; defaults to `console.error` (stderr, not stdout). */
  readonly log?: (message: string) => void;
  /** Backends in automatic order; defaults to `tensorflow`, `webgpu`, `wasm`, `cpu`. */
  readonly providers?: readonly BackendProvider[];
}

/** A backend that was tried and skipped, and why. */
export interface BackendAttempt {
  readonly name: string;
  readonly error: string;
}

/** Which backend runs, why, and what was tried before it. */
export interface BackendInfo extends BackendFeatures {
  /** The tfjs backend now active, e.g. `wasm`. */
  readonly name: string;
  /** Why this one: `requested by BAYESRNN_BACKEND`, `first available of …`. */
  readonly reason: string;
  /** Backends tried before it (automatic order only), with their errors. */
  readonly tried: readonly BackendAttempt[];
}

interface BackendRequest {
  readonly name: string;
  readonly source: string;
}

/** What trying one provider gave: its features, or why it cannot be used. */
type Outcome =
  | { readonly ok: true; readonly features: BackendFeatures }
  | { readonly ok: false; readonly error: string };

/**
 * Picks, loads and activates the tfjs backend, registers all gradients (and the wasm kernel
 * fixes when wasm loads), and logs one line saying which backend runs and why.
 *
 * The name comes from `options.name`, else `BAYESRNN_BACKEND`, else `auto`: the first
 * provider that loads, in the order `tensorflow`, `webgpu`, `wasm`, `cpu` (DESIGN.md "Backends").
 * An unknown name, or a named backend that cannot load, is an error that says why; only
 * `auto` falls back. Safe to call again: it re-selects.
 *
 * @example `await selectBackend()` logs
 * `bayesrnn: backend wasm (SIMD on, FMA on, 2 threads: one per core) — tensorflow unavailable: …`
 */
export async function selectBackend(options: SelectBackendOptions = {}): Promise<BackendInfo> {
  const providers =
    options.providers ??
    createDefaultBackendProviders(options.env === undefined ? {} : { env: options.env });
  const request = resolveRequest(options);
  const log = options.log ?? ((message: string) => console.error(message));
  await registerAllGradients();
  const info =
    request.name === AUTO
      ? await selectFirstAvailable(providers)
      : await selectNamed(findProvider(request, providers), request, providers);
  log(formatBackendLine(info));
  return info;
}

function resolveRequest(options: SelectBackendOptions): BackendRequest {
  const env = options.env ?? (typeof process === 'undefined' ? {} : process.env);
  const fromOptions = options.name?.trim().toLowerCase();
  if (fromOptions) return { name: fromOptions, source: 'options.name' };
  const fromEnv = env[BACKEND_ENV_VAR]?.trim().toLowerCase();
  if (fromEnv) return { name: fromEnv, source: BACKEND_ENV_VAR };
  return { name: AUTO, source: 'default' };
}

function findProvider(
  request: BackendRequest,
  providers: readonly BackendProvider[],
): BackendProvider {
  const provider = providers.find((candidate) => candidate.name === request.name);
  if (provider !== undefined) return provider;
  const valid = [AUTO, ...providers.map((candidate) => candidate.name)].join(', ');
  throw new Error(
    `bayesrnn: unknown backend '${request.name}' (from ${request.source}); valid names: ${valid}`,
  );
}

async function selectFirstAvailable(providers: readonly BackendProvider[]): Promise<BackendInfo> {
  const tried: BackendAttempt[] = [];
  const order = providers.map((provider) => provider.name).join(', ');
  for (const provider of providers) {
    const outcome = await tryProvider(provider);
    if (outcome.ok) {
      return {
        name: provider.name,
        reason: `first available of ${order}`,
        tried,
        ...outcome.features,
      };
    }
    tried.push({ name: provider.name, error: outcome.error });
  }
  const reasons = tried.map((attempt) => `${attempt.name}: ${attempt.error}`).join('; ');
  throw new Error(`bayesrnn: no backend could be loaded (${reasons})`);
}

async function selectNamed(
  provider: BackendProvider,
  request: BackendRequest,
  providers: readonly BackendProvider[],
): Promise<BackendInfo> {
  const outcome = await tryProvider(provider);
  if (!outcome.ok) {
    const others = providers.filter((other) => other !== provider).map((other) => other.name);
    throw new Error(
      `bayesrnn: backend '${provider.name}' (requested by ${request.source}) cannot be used — ` +
        `${provider.name}: ${outcome.error}; choose another with --backend or ` +
        `${BACKEND_ENV_VAR}: ${[AUTO, ...others].join(', ')}`,
    );
  }
  const reason = `requested by ${request.source}`;
  return { name: provider.name, reason, tried: [], ...outcome.features };
}

/** Loads a provider and makes it the engine's backend; errors become values, for fallback. */
async function tryProvider(provider: BackendProvider): Promise<Outcome> {
  try {
    await provider.load();
    // setBackend resolves false (after a console warning) when the backend fails to start.
    if (!(await tf.setBackend(provider.name))) {
      throw new Error(`the ${provider.name} backend failed to initialise`);
    }
    await tf.ready();
    return { ok: true, features: (await provider.activate?.()) ?? {} };
  } catch (error) {
    return { ok: false, error: describeError(error) };
  }
}

/** `2 threads: one per core`, `1 thread: BAYESRNN_WASM_THREADS=off`, or `threads off`. */
function formatThreads(info: BackendInfo): string {
  const why = info.threadsReason ? `: ${info.threadsReason}` : '';
  if (info.threadCount === undefined) return `threads ${info.threads ? 'on' : 'off'}${why}`;
  return `${info.threadCount} thread${info.threadCount === 1 ? '' : 's'}${why}`;
}

/** `FMA on`, or `FMA off: <why>`. */
function formatFma(info: BackendInfo): string {
  if (info.fusedMultiplyAdd) return 'FMA on';
  return `FMA off${info.fusedMultiplyAddReason ? `: ${info.fusedMultiplyAddReason}` : ''}`;
}

/** `bayesrnn: backend wasm (SIMD on, FMA on, 2 threads: one per core) — tensorflow unavailable: …`. */
function formatBackendLine(info: BackendInfo): string {
  const onOff = (flag: boolean) => (flag ? 'on' : 'off');
  const features = [
    ...(info.device === undefined ? [] : [`on ${info.device}`]),
    ...(info.simd === undefined ? [] : [`SIMD ${onOff(info.simd)}`]),
    ...(info.fusedMultiplyAdd === undefined ? [] : [formatFma(info)]),
    ...(info.threads === undefined ? [] : [formatThreads(info)]),
  ];
  const details = features.length > 0 ? ` (${features.join(', ')})` : '';
  const why = info.reason.startsWith('requested') ? `, ${info.reason}` : '';
  const skipped = info.tried.map((attempt) => `${attempt.name} unavailable: ${attempt.error}`);
  const tail = skipped.length > 0 ? ` — ${skipped.join('; ')}` : '';
  return `bayesrnn: backend ${info.name}${details}${why}${tail}`;
}
