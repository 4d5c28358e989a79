import type { LmCellType, LmDropoutConfig } from './lm-config.js';
import type { ModelCell } from './model-cell.js';

const CELL_TYPES: readonly LmCellType[] = ['lstm', 'gru', 'vanilla'];

/**
 * Throws a `RangeError` naming `option` (`LanguageModelConfig.cell`) unless it is a built-in
 * cell's name or a cell factory (a function; its cell's sizes are checked when it is called).
 */
export function checkCellType(cell: ModelCell, option: string): void {
  if (typeof cell === 'function') return;
  if (!CELL_TYPES.includes(cell)) {
    throw new RangeError(`${option} must be lstm, gru, vanilla or a cell factory, got ${cell}`);
  }
}

function checkRate(value: number, option: string): void {
  if (!(value >= 0 && value < 1)) {
    throw new RangeError(`${option} must be in [0, 1), got ${value}`);
  }
}

/**
 * Throws a `RangeError` naming the first bad field of a model's dropout option, e.g.
 * `SentenceClassifierConfig.dropout.rate must be in [0, 1), got 1` (`option` is the prefix).
 */
export function checkDropoutConfig(dropout: LmDropoutConfig, option: string): void {
  if (dropout.method === 'naive') checkRate(dropout.rate, `${option}.rate`);
  else if (dropout.method === 'variational') {
    for (const key of ['embedding', 'input', 'recurrent', 'output'] as const)
      checkRate(dropout[key], `${option}.${key}`);
  } else if (dropout.method !== 'none') {
    const method = (dropout as { method: unknown }).method;
    throw new RangeError(`${option}.method must be none, naive or variational, got ${method}`);
  }
}
