import { parseArgs } from 'node:util';

/** A command-line mistake: printed with the command's help, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

type OptionSpec = { readonly type: 'string' | 'boolean'; readonly short?: string };

/** Parses `argv` against `options`, turning node's errors into `UsageError`s that name the flag. */
export function parseOptions<const Options extends Record<string, OptionSpec>>(
  argv: readonly string[],
  options: Options,
) {
  try {
    return parseArgs({
      args: [...argv],
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: false,
    }).values;
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
