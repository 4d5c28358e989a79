import type { Initializer, RngKey } from '@bayesrnn/spec';
import * as tf from '@tensorflow/tfjs-core';
import { randomNormal } from '../random/random-ops.js';

/**
 * Orthonormalises the columns of a row-major `[rows, cols]` matrix in place (rows ≥ cols) by
 * modified Gram–Schmidt in float64, run twice per column ("twice is enough", Giraud et al.
 * 2005) so the result is orthonormal to rounding even for large matrices. Diagonal of R stays
 * positive, which makes Q Haar-distributed when the input is Gaussian (Mezzadri 2007).
 */
function orthonormaliseColumns(matrix: Float64Array, rows: number, cols: number): void {
  for (let j = 0; j < cols; j += 1) {
    for (let pass = 0; pass < 2; pass += 1) {
      for (let k = 0; k < j; k += 1) {
        let dot = 0;
        for (let i = 0; i < rows; i += 1)
          dot += (matrix[i * cols + j] ?? 0) * (matrix[i * cols + k] ?? 0);
        for (let i = 0; i < rows; i += 1) {
          matrix[i * cols + j] = (matrix[i * cols + j] ?? 0) - dot * (matrix[i * cols + k] ?? 0);
        }
      }
    }
    let norm = 0;
    for (let i = 0; i < rows; i += 1) norm += (matrix[i * cols + j] ?? 0) ** 2;
    norm = Math.sqrt(norm);
    if (norm === 0)
      throw new Error('orthogonal: degenerate random matrix (draw again with another key)');
    for (let i = 0; i < rows; i += 1) matrix[i * cols + j] = (matrix[i * cols + j] ?? 0) / norm;
  }
}

/** A `[rows, cols]` matrix with orthonormal columns (rows ≥ cols) or rows (rows < cols). */
function orthogonalMatrix(key: RngKey, rows: number, cols: number): Float32Array {
  const tall = rows >= cols;
  const [r, c] = tall ? [rows, cols] : [cols, rows];
  const gaussian = randomNormal(key, [r, c]);
  const matrix = Float64Array.from(gaussian.dataSync());
  gaussian.dispose();
  orthonormaliseColumns(matrix, r, c);
  if (tall) return Float32Array.from(matrix);
  const transposed = new Float32Array(rows * cols);
  for (let i = 0; i < r; i += 1) {
    for (let j = 0; j < c; j += 1) transposed[j * cols + i] = matrix[i * c + j] ?? 0;
  }
  return transposed;
}

/**
 * Orthogonal initialisation (Saxe et al. 2014): the shape is viewed as a matrix
 * `[product of leading dims, last dim]` whose columns (or rows, if wider than tall) are
 * orthonormal, times `gain`. Computed on the host in float64, so it is exact to float32 rounding
 * and independent of the backend.
 */
export function orthogonal(gain = 1): Initializer {
  return (key, shape) => {
    if (shape.length < 2) {
      throw new RangeError(`orthogonal: needs a shape of rank ≥ 2, got [${shape.join(', ')}]`);
    }
    const cols = shape[shape.length - 1] ?? 1;
    const rows = shape.slice(0, -1).reduce((a, b) => a * b, 1);
    const values = orthogonalMatrix(key, rows, cols);
    if (gain !== 1) for (let i = 0; i < values.length; i += 1) values[i] = (values[i] ?? 0) * gain;
    return tf.tensor(values, [...shape], 'float32');
  };
}
