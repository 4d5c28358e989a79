import * as tf from '@tensorflow/tfjs-core';
import { median } from '../stats.js';

/**
 * µs per product `a · b` under each of several settings (`modes`: a name and what sets it),
 * switched between samples and interleaved in one process: two untimed rounds, then `rounds`
 * timed ones of `perSample` products each plus one read back. Returns the median per mode.
 */
export function switchedProductMicroseconds(
  a: tf.Tensor,
  b: tf.Tensor,
  modes: Readonly<Record<string, () => void>>,
  rounds: number,
  perSample: number,
): Map<string, number> {
  const samples = new Map(Object.keys(modes).map((name) => [name, [] as number[]]));
  for (let round = 0; round < rounds + 2; round += 1) {
    for (const [name, apply] of Object.entries(modes)) {
      apply();
      const start = performance.now();
      for (let i = 0; i < perSample; i += 1) tf.matMul(a, b).dispose();
      // Not `tf.tidy(() => product.dataSync())`: tidy walks a returned typed array key by key,
      // which took 200 ms for a [400, 800] product.
      const product = tf.matMul(a, b);
      product.dataSync();
      product.dispose();
      const micros = ((performance.now() - start) * 1000) / (perSample + 1);
      if (round >= 2) samples.get(name)?.push(micros);
    }
  }
  return new Map([...samples].map(([name, values]) => [name, median(values)]));
}
