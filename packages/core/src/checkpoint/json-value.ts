import { CheckpointError } from './checkpoint-error.js';

/**
 * A value that survives `JSON.stringify` → `JSON.parse` unchanged: `null`, booleans, finite
 * numbers, strings, arrays and plain objects of these. Checkpoint metadata (config, step,
 * RNG key, dataset position) has this type.
 */
export type JsonValue =
  | null
  | boolean
  | number
  | string
  | readonly JsonValue[]
  | { readonly [key: string]: JsonValue };

/**
 * Throws a `CheckpointError` (`'input'`) naming the offending path (e.g. `metadata.config.lr`)
 * if `value` would not round-trip through JSON. The type alone cannot catch this: `NaN` and
 * `Infinity` are numbers but `JSON.stringify` silently writes them as `null`, and objects such
 * as `Date` or class instances come back as something else.
 */
export function assertJsonValue(value: unknown, where: string, dir: string): void {
  const onPath = new Set<object>();
  const invalid = (path: string, why: string): CheckpointError =>
    new CheckpointError('input', dir, `Checkpoint ${dir}: ${path} ${why}`);
  const visit = (item: unknown, path: string): void => {
    if (item === null || typeof item === 'boolean' || typeof item === 'string') return;
    if (typeof item === 'number') {
      if (Number.isFinite(item)) return;
      throw invalid(path, `is ${item}, which JSON cannot represent`);
    }
    if (typeof item !== 'object') throw invalid(path, `is ${typeof item}, not JSON`);
    if (onPath.has(item)) throw invalid(path, 'contains a cycle');
    onPath.add(item);
    if (Array.isArray(item)) {
      // An index loop, not forEach, so holes are seen (as undefined) instead of skipped.
      for (let index = 0; index < item.length; index += 1) {
        visit(item[index], `${path}[${index}]`);
      }
    } else {
      const proto: unknown = Object.getPrototypeOf(item);
      if (proto !== Object.prototype && proto !== null) {
        throw invalid(path, 'is not a plain object or array (a Date or class instance?)');
      }
      for (const [key, element] of Object.entries(item)) visit(element, `${path}.${key}`);
    }
    // Shared (non-cyclic) references are fine in JSON; only an ancestor repeating is a cycle.
    onPath.delete(item);
  };
  visit(value, where);
}
