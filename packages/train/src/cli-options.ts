/**
 * Command-line options for training programs (the apps' `bayesrnn-lm train`,
 * `bayesrnn-sequence-tasks gtmm`, …): node's `parseArgs` with errors that name the flag, and
 * typed numbers and choices with their bounds.
 */
import { parseArgs } from 'node:util';

/** A command-line mistake: printed with the command's help, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

type OptionSpec = { readonly type: 'string' | 'boolean'; readonly short?: string };

/** What `parseOptions` returns: each given flag's string (or `true`), and `help`. */
export type OptionValues<Options extends Record<string, OptionSpec>> = {
  readonly [K in keyof Options]?: Options[K]['type'] extends 'boolean' ? boolean : string;
} & { readonly help?: boolean };

/** Parses `argv` against `options`, turning node's errors into `UsageError`s that name the flag. */
export function parseOptions<const Options extends Record<string, OptionSpec>>(
  argv: readonly string[],
  options: Options,
): OptionValues<Options> {
  try {
    return parseArgs({
      args: [...argv],
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: false,
    }).values as OptionValues<Options>;
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

/** A finite number option (`integer`: a whole one) of at least `min`, or `fallback` when absent. */
function parseNumber(
  value: string | undefined,
  flag: string,
  fallback: number,
  min: number,
  integer: boolean,
): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!(integer ? Number.isInteger(parsed) : Number.isFinite(parsed)) || parsed < min) {
    throw new UsageError(
      `--${flag} must be ${integer ? 'an integer' : 'a number'} ≥ ${min}, got '${value}'`,
    );
  }
  return parsed;
}

/** A whole number option within bounds, or `fallback` when absent. */
export function integerOption(
  value: string | undefined,
  flag: string,
  fallback: number,
  min = 0,
): number {
  return parseNumber(value, flag, fallback, min, true);
}

/** A finite number option, or `fallback` when absent. */
export function numberOption(
  value: string | undefined,
  flag: string,
  fallback: number,
  min = 0,
): number {
  return parseNumber(value, flag, fallback, min, false);
}

/** One of `choices`, or `fallback` when absent. */
export function choiceOption<const T extends string>(
  value: string | undefined,
  flag: string,
  choices: readonly T[],
  fallback: T,
): T {
  if (value === undefined) return fallback;
  if (!(choices as readonly string[]).includes(value)) {
    throw new UsageError(`--${flag} must be one of ${choices.join(', ')}, got '${value}'`);
  }
  return value as T;
}
