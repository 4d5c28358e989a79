import { describe, expect, it } from 'vitest';
import {
  allocateStorage,
  asStorageArray,
  swapByteOrder,
  toHostByteOrder,
  toLittleEndianBytes,
} from './tensor-bytes.js';

describe('tensor bytes', () => {
  it('encodes only the viewed part of a typed array, little-endian', () => {
    const whole = new Int32Array([7, 0x01020304, -1, 9]);
    const view = whole.subarray(1, 3);
    expect([...toLittleEndianBytes(view)]).toEqual([4, 3, 2, 1, 255, 255, 255, 255]);
  });

  it('decodes little-endian bytes into a fresh typed array', () => {
    const { values, bytes } = allocateStorage('float32', 2);
    bytes.set([0, 0, 0xc0, 0x3f, 0, 0, 0x80, 0xbf]);
    toHostByteOrder(values);
    expect(values).toEqual(new Float32Array([1.5, -1]));
  });

  it('swaps the bytes of each element (the big-endian path)', () => {
    const bytes = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]);
    swapByteOrder(bytes, 4);
    expect([...bytes]).toEqual([4, 3, 2, 1, 8, 7, 6, 5]);
  });

  it('coerces data of an unexpected array type to the storage type', () => {
    expect(asStorageArray('bool', new Int32Array([0, 2, 1]))).toEqual(new Uint8Array([0, 1, 1]));
    expect(asStorageArray('float32', [0.5])).toEqual(new Float32Array([0.5]));
    const same = new Int32Array([1]);
    expect(asStorageArray('int32', same)).toBe(same);
  });
});
