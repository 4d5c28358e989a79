import type { PriorConfig } from '@bayesrnn/posteriors';
import { choiceOption, numberOption, UsageError } from '@bayesrnn/train';
import {
  type ClipEta,
  type PosteriorChoices,
  posteriorConfigFor,
  type RunPosteriorConfig,
  SHARPEN_GROUPS,
  type SharpenGroup,
} from './run-posterior.js';
import { isBayesian, type LmMethod } from './settings.js';

/** The posterior options of `bayesrnn-lm train`, as parsed strings (absent when not given). */
export interface PosteriorOptionValues {
  readonly prior?: string | undefined;
  readonly sharpen?: string | undefined;
  readonly 'sharpen-sigma0'?: string | undefined;
  readonly 'sharpen-eta'?: string | undefined;
  readonly 'clip-eta'?: string | undefined;
  readonly 'eta-clip-norm'?: string | undefined;
}

/**
 * The run's posterior config from `--prior`, `--sharpen`, `--sharpen-sigma0`, `--sharpen-eta`,
 * `--clip-eta` and `--eta-clip-norm`.
 *
 * @throws UsageError naming the option when it does not apply to `method` or is malformed.
 */
export function posteriorConfigFromOptions(
  method: LmMethod,
  values: PosteriorOptionValues,
): RunPosteriorConfig {
  if (values.prior !== undefined && !isBayesian(method)) {
    throw new UsageError(`--prior applies to bbb and bbb-sharpened, not --method ${method}`);
  }
  for (const flag of [
    'sharpen',
    'sharpen-sigma0',
    'sharpen-eta',
    'clip-eta',
    'eta-clip-norm',
  ] as const) {
    if (values[flag] !== undefined && method !== 'bbb-sharpened') {
      throw new UsageError(`--${flag} applies to bbb-sharpened, not --method ${method}`);
    }
  }
  const sigma0 = positiveNumber(values['sharpen-sigma0'], 'sharpen-sigma0');
  const etaClipNorm = positiveNumber(values['eta-clip-norm'], 'eta-clip-norm');
  if (etaClipNorm !== undefined && values['clip-eta'] !== 'apart') {
    throw new UsageError('--eta-clip-norm needs --clip-eta apart (η clipped by its own norm)');
  }
  const eta = values['sharpen-eta'];
  try {
    const choices: PosteriorChoices = {
      ...(values.prior === undefined ? {} : { prior: parsePriorOption(values.prior) }),
      ...(values.sharpen === undefined ? {} : { sharpen: parseSharpenOption(values.sharpen) }),
      ...(sigma0 === undefined ? {} : { sigma0 }),
      ...(etaClipNorm === undefined ? {} : { etaClipNorm }),
      ...(eta === undefined ? {} : { etaInit: numberOption(eta, 'sharpen-eta', 0, 0) }),
      clipEta: choiceOption<ClipEta>(
        values['clip-eta'],
        'clip-eta',
        ['together', 'apart'],
        'together',
      ),
    };
    return posteriorConfigFor(method, choices);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

/** `--FLAG`'s value as a finite number > 0, or undefined when absent. */
function positiveNumber(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!(Number.isFinite(parsed) && parsed > 0)) {
    throw new UsageError(`--${flag} must be a number > 0, got '${value}'`);
  }
  return parsed;
}

/**
 * `--sharpen`: `all` (every Bayesian weight, the paper's θ ∈ R^d), `recurrent` (the LSTM
 * layers' weights only, whose extra pass for g_φ then skips the softmax kernel's and the
 * embedding's gradients: about 1.95× a plain step against 2.3× on the PTB-small benchmark), or
 * a comma list of groups (`embedding,layers`). Returns the groups in `SHARPEN_GROUPS` order.
 *
 * @throws a message naming `--sharpen` for an unknown group or an empty list.
 */
export function parseSharpenOption(value: string): readonly SharpenGroup[] {
  if (value === 'all') return SHARPEN_GROUPS;
  if (value === 'recurrent') return ['layers'];
  const named = value.split(',').map((part) => part.trim());
  const unknown = named.filter((part) => !(SHARPEN_GROUPS as readonly string[]).includes(part));
  if (named.length === 0 || unknown.length > 0) {
    throw new RangeError(
      `--sharpen must be all, recurrent or a comma list of ${SHARPEN_GROUPS.join(', ')}, got '${value}'`,
    );
  }
  return SHARPEN_GROUPS.filter((group) => named.includes(group));
}

/**
 * Parses `--prior π,log σ1,log σ2` (Fortunato et al.'s search grid is π ∈ {0.25, 0.5, 0.75},
 * log σ1 ∈ {0, −1, −2}, log σ2 ∈ {−6, −7, −8}) into a scale-mixture prior config.
 *
 * @throws a message naming `--prior` when the value is not three numbers with 0 < π < 1 and
 * σ2 < σ1.
 */
export function parsePriorOption(value: string): PriorConfig {
  const parts = value.split(',').map((part) => Number(part.trim()));
  const [pi, logSigma1, logSigma2] = parts;
  if (
    parts.length !== 3 ||
    !parts.every(Number.isFinite) ||
    pi === undefined ||
    logSigma1 === undefined ||
    logSigma2 === undefined
  ) {
    throw new RangeError(`--prior must be 'π,log σ1,log σ2' (e.g. 0.25,-1,-7), got '${value}'`);
  }
  if (!(pi > 0 && pi < 1)) throw new RangeError(`--prior: π must be in (0, 1), got ${pi}`);
  if (!(logSigma2 < logSigma1)) {
    throw new RangeError(`--prior: need log σ2 < log σ1 (σ2 the narrow component), got '${value}'`);
  }
  return {
    kind: 'scale-mixture',
    pi,
    sigma1: Math.exp(logSigma1),
    sigma2: Math.exp(logSigma2),
  };
}
