import * as tf from '@tensorflow/tfjs-core';
import { TOLERANCES, type Tolerance } from './tolerances.js';

/** A scalar function of named tensors, e.g. a loss of `{kernel, bias, input}`. */
export type NamedScalarFn = (inputs: Readonly<Record<string, tf.Tensor>>) => tf.Scalar;

export interface GradientCheckOptions {
  /** Central-difference step `h` in `(f(x + h) − f(x − h)) / 2h`. Default 1e-3. */
  readonly step?: number;
  /** Comparison tolerance; default `TOLERANCES.finiteDifference`. */
  readonly tolerance?: Tolerance;
  /** Elements checked per input (evenly spread, always including the first and last). Default 24. */
  readonly maxElementsPerInput?: number;
  /** Inputs not to differentiate (integer ids, masks). */
  readonly exclude?: readonly string[];
}

/** One element's comparison. */
export interface GradientEntry {
  readonly input: string;
  readonly index: number;
  readonly analytic: number;
  readonly numeric: number;
  /** How far past the tolerance (≤ 0 passes). */
  readonly excess: number;
}

export interface GradientCheckReport {
  readonly ok: boolean;
  readonly checked: number;
  /** The entry with the largest excess over tolerance. */
  readonly worst: GradientEntry | undefined;
}

function pickIndices(size: number, max: number): number[] {
  if (size <= max) return Array.from({ length: size }, (_, i) => i);
  return Array.from({ length: max }, (_, i) => Math.round((i * (size - 1)) / (max - 1)));
}

function evaluateAt(
  fn: NamedScalarFn,
  inputs: Readonly<Record<string, tf.Tensor>>,
  name: string,
  values: Float32Array,
): number {
  return tf.tidy(() => {
    const original = inputs[name] as tf.Tensor;
    const moved = tf.tensor(values, original.shape, 'float32');
    return fn({ ...inputs, [name]: moved }).dataSync()[0] ?? Number.NaN;
  });
}

/**
 * Compares tfjs's analytic gradient of `fn` with central finite differences, element by
 * element, on the current backend. Does not throw; see `expectGradientsMatch`.
 */
export function checkGradients(
  fn: NamedScalarFn,
  inputs: Readonly<Record<string, tf.Tensor>>,
  options: GradientCheckOptions = {},
): GradientCheckReport {
  const step = options.step ?? 1e-3;
  const tolerance = options.tolerance ?? TOLERANCES.finiteDifference;
  const names = Object.keys(inputs).filter((name) => !options.exclude?.includes(name));
  const analytic = tf.tidy(() => {
    const gradFn = tf.grads((...xs: tf.Tensor[]) =>
      fn({ ...inputs, ...Object.fromEntries(names.map((n, i) => [n, xs[i] as tf.Tensor])) }),
    );
    return gradFn(names.map((name) => inputs[name] as tf.Tensor)).map((g) => g.dataSync().slice());
  });
  let worst: GradientEntry | undefined;
  let checked = 0;
  names.forEach((name, k) => {
    const base = Float32Array.from((inputs[name] as tf.Tensor).dataSync());
    for (const index of pickIndices(base.length, options.maxElementsPerInput ?? 24)) {
      const probe = base.slice();
      probe[index] = (base[index] ?? 0) + step;
      const up = evaluateAt(fn, inputs, name, probe);
      probe[index] = (base[index] ?? 0) - step;
      const down = evaluateAt(fn, inputs, name, probe);
      const numeric = (up - down) / (2 * step);
      const value = analytic[k]?.[index] ?? Number.NaN;
      const excess =
        Math.abs(value - numeric) - (tolerance.atol + tolerance.rtol * Math.abs(numeric));
      const entry = {
        input: name,
        index,
        analytic: value,
        numeric,
        excess: Number.isNaN(excess) ? Number.POSITIVE_INFINITY : excess,
      };
      checked += 1;
      if (worst === undefined || entry.excess > worst.excess) worst = entry;
    }
  });
  return { ok: worst === undefined || worst.excess <= 0, checked, worst };
}

/** Throws, naming the input and element, unless analytic and numeric gradients agree. */
export function expectGradientsMatch(
  fn: NamedScalarFn,
  inputs: Readonly<Record<string, tf.Tensor>>,
  options: GradientCheckOptions = {},
): GradientCheckReport {
  const report = checkGradients(fn, inputs, options);
  if (!report.ok && report.worst) {
    const { input, index, analytic, numeric } = report.worst;
    throw new Error(
      `gradient check failed for '${input}'[${index}]: analytic ${analytic}, finite difference ${numeric} (${report.checked} elements checked)`,
    );
  }
  return report;
}
