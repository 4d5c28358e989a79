import * as tf from '@tensorflow/tfjs-core';

/**
 * How `wasm/binary.c`'s `binary_repeat` computes `a ∘ b`: the operand with the broadcast shape
 * (`repeated: 'b'` means `a` has it) walked element by element, the other repeated along it
 * every `period` elements. Two operands of one shape repeat with the period of their size; a
 * scalar with 1.
 */
export interface RepeatPlan {
  readonly repeated: 'a' | 'b';
  readonly period: number;
}

/** `shape` without its leading ones. */
function withoutLeadingOnes(shape: readonly number[]): readonly number[] {
  const first = shape.findIndex((d) => d !== 1);
  return first === -1 ? [] : shape.slice(first);
}

const sizeOf = (shape: readonly number[]) => shape.reduce((n, d) => n * d, 1);

/**
 * The {@link RepeatPlan} of `a ∘ b`, or `undefined` when neither operand's shape (leading ones
 * dropped) ends the other's (a broadcast inside the shape: {@link rowsPlan}) or one is empty.
 */
export function repeatPlan(a: readonly number[], b: readonly number[]): RepeatPlan | undefined {
  const [shortA, shortB] = [withoutLeadingOnes(a), withoutLeadingOnes(b)];
  if (sizeOf(shortA) === 0 || sizeOf(shortB) === 0) return undefined;
  const endsWith = (long: readonly number[], short: readonly number[]) =>
    short.length <= long.length &&
    short.every((d, i) => d === long[long.length - short.length + i]);
  if (endsWith(shortA, shortB)) return { repeated: 'b', period: sizeOf(shortB) };
  if (endsWith(shortB, shortA)) return { repeated: 'a', period: sizeOf(shortA) };
  return undefined;
}

/** Three sizes or strides of the outer axes, outermost first. */
export type Outer = readonly [number, number, number];

/**
 * How `binary_rows` computes `a ∘ b`: the output as rows of `last` elements over three outer
 * axes `outer`; each operand has the last axis (`aFull`) or repeats one value along it, and
 * reaches its row through `aStrides` / `bStrides` (0 where it broadcasts an outer axis).
 */
export interface RowsPlan {
  readonly last: number;
  readonly aFull: boolean;
  readonly bFull: boolean;
  readonly outer: Outer;
  readonly aStrides: Outer;
  readonly bStrides: Outer;
}

/** An axis group of the output: its size, and whether each operand has it or broadcasts it. */
interface Group {
  size: number;
  readonly a: boolean;
  readonly b: boolean;
}

/**
 * The {@link RowsPlan} of `a ∘ b`: the output's axes of length one dropped and neighbours that
 * both operands have or broadcast alike merged; `undefined` when more than three outer groups
 * remain, or the output is empty or a scalar. `out` is the broadcast shape of `a` and `b`.
 */
export function rowsPlan(
  a: readonly number[],
  b: readonly number[],
  out: readonly number[] = tf.backend_util.assertAndGetBroadcastShape([...a], [...b]),
): RowsPlan | undefined {
  if (sizeOf(out) <= 1) return undefined;
  const padded = (shape: readonly number[]) => [
    ...new Array(out.length - shape.length).fill(1),
    ...shape,
  ];
  const [pa, pb] = [padded(a), padded(b)];
  const groups: Group[] = [];
  out.forEach((size, k) => {
    if (size === 1) return;
    const group = { size, a: pa[k] === size, b: pb[k] === size };
    const previous = groups.at(-1);
    if (previous !== undefined && previous.a === group.a && previous.b === group.b) {
      previous.size *= size;
    } else groups.push(group);
  });
  const lastGroup = groups.pop();
  if (lastGroup === undefined || groups.length > 3) return undefined;
  const strides = (has: (g: Group) => boolean) => {
    let step = has(lastGroup) ? lastGroup.size : 1;
    const result = groups.map(() => 0);
    for (let i = groups.length - 1; i >= 0; i--) {
      const group = groups[i] as Group;
      if (has(group)) {
        result[i] = step;
        step *= group.size;
      }
    }
    return [...new Array(3 - result.length).fill(0), ...result] as unknown as Outer;
  };
  const outer = [...new Array(3 - groups.length).fill(1), ...groups.map((g) => g.size)];
  return {
    last: lastGroup.size,
    aFull: lastGroup.a,
    bFull: lastGroup.b,
    outer: outer as unknown as Outer,
    aStrides: strides((g) => g.a),
    bStrides: strides((g) => g.b),
  };
}
