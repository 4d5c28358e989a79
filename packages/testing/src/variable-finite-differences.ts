import * as tf from '@tensorflow/tfjs-core';

/**
 * Central finite differences of `objective` with respect to chosen elements of `variables`,
 * by assigning `value ± h` in place (and restoring it). Returns `[name, index, numeric]`.
 * For objectives of `tf.Variable`s (a posterior's, a trainer's), where `checkGradients`
 * (a function of named inputs) does not apply. Use a step `h` of about 1e-3–1e-2 in float32.
 */
export function variableFiniteDifferences(
  variables: { readonly [name: string]: tf.Variable },
  objective: () => tf.Scalar,
  elements: readonly (readonly [string, number])[],
  h = 1e-2,
): [string, number, number][] {
  return elements.map(([name, index]) => {
    const variable = variables[name];
    if (variable === undefined) throw new Error(`no variable ${name}`);
    const original = variable.dataSync().slice();
    const at = (delta: number): number => {
      const moved = original.slice();
      moved[index] = (moved[index] as number) + delta;
      tf.tidy(() => variable.assign(tf.tensor(moved, variable.shape)));
      return tf.tidy(() => objective().dataSync()[0] as number);
    };
    const numeric = (at(h) - at(-h)) / (2 * h);
    tf.tidy(() => variable.assign(tf.tensor(original, variable.shape)));
    return [name, index, numeric];
  });
}
