import type { CheckpointDType } from './checkpoint-format.js';

/** The typed array tfjs uses for each storable dtype (bool is one byte per element). */
export type CheckpointTypedArray = Float32Array | Int32Array | Uint8Array;

/** True on little-endian hosts (all common ones; checked, not assumed, for s390x and kin). */
function hostIsLittleEndian(): boolean {
  return new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
}

/**
 * Reverses the bytes of every `width`-byte element of `bytes`, in place: little-endian to
 * big-endian and back. Only runs on big-endian hosts; exported so it can be tested anywhere.
 */
export function swapByteOrder(bytes: Uint8Array, width: number): void {
  for (let start = 0; start < bytes.length; start += width) {
    bytes.subarray(start, start + width).reverse();
  }
}

/**
 * Coerces what `tensor.data()` returned to the exact typed array for `dtype`. Backends return
 * these already; the copy is only a guard against one that does not (e.g. bool as Int32Array).
 */
export function asStorageArray(
  dtype: CheckpointDType,
  values: ArrayLike<number>,
): CheckpointTypedArray {
  if (dtype === 'float32') {
    return values instanceof Float32Array ? values : Float32Array.from(values);
  }
  if (dtype === 'int32') return values instanceof Int32Array ? values : Int32Array.from(values);
  return values instanceof Uint8Array ? values : Uint8Array.from(values, (v) => (v ? 1 : 0));
}

/**
 * The little-endian on-disk bytes of `values`. On little-endian hosts this is a view of the
 * same memory (no copy, so never write to it: it may be the backend's own storage); elsewhere
 * a byte-swapped copy.
 */
export function toLittleEndianBytes(values: CheckpointTypedArray): Uint8Array {
  const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  if (values.BYTES_PER_ELEMENT === 1 || hostIsLittleEndian()) return bytes;
  const copy = bytes.slice();
  swapByteOrder(copy, values.BYTES_PER_ELEMENT);
  return copy;
}

/**
 * A fresh, zeroed typed array for `size` elements of `dtype`, and a byte view of it for the
 * reader to fill with the file's little-endian bytes (call `toHostByteOrder` afterwards).
 */
export function allocateStorage(
  dtype: CheckpointDType,
  size: number,
): { values: CheckpointTypedArray; bytes: Uint8Array } {
  const values =
    dtype === 'float32'
      ? new Float32Array(size)
      : dtype === 'int32'
        ? new Int32Array(size)
        : new Uint8Array(size);
  return { values, bytes: new Uint8Array(values.buffer, values.byteOffset, values.byteLength) };
}

/** Converts `values`, filled with little-endian bytes, to host byte order in place. */
export function toHostByteOrder(values: CheckpointTypedArray): void {
  if (values.BYTES_PER_ELEMENT === 1 || hostIsLittleEndian()) return;
  swapByteOrder(
    new Uint8Array(values.buffer, values.byteOffset, values.byteLength),
    values.BYTES_PER_ELEMENT,
  );
}
