import { checkLeaksAfterEachTest } from '@bayesrnn/testing';
import { describe, expect, it } from 'vitest';
import { useTempFiles } from '../__fixtures__/temp-files.js';
import { floatBytes, npyBytes, npyDict } from './__fixtures__/npy-bytes.js';
import { readImageFeatures, selectImageFeatures } from './image-features.js';

checkLeaksAfterEachTest();

const { put } = useTempFiles('bayesrnn-features-');

/** Three images with two features each: row r is [r + 0.5, −r]. */
const THREE_BY_TWO = npyBytes(npyDict('<f4', '(3, 2)'), floatBytes([0.5, 0, 1.5, -1, 2.5, -2]));

describe('readImageFeatures', () => {
  it('pairs the rows of an [N, D] array with the names, row for row', async () => {
    const features = await readImageFeatures(
      await put('f.npy', THREE_BY_TWO),
      await put('f.txt', 'a.jpg\nb.jpg\nc.jpg\n'),
    );
    expect(features.names).toEqual(['a.jpg', 'b.jpg', 'c.jpg']);
    expect(features.size).toBe(2);
    expect(features.data).toEqual(Float32Array.of(0.5, 0, 1.5, -1, 2.5, -2));
    expect([features.row('c.jpg'), features.row('a.jpg'), features.row('z.jpg')]).toEqual([
      2,
      0,
      undefined,
    ]);
  });

  it('refuses a names file whose count differs, naming both files and counts', async () => {
    const npy = await put('count.npy', THREE_BY_TWO);
    const names = await put('count.txt', 'a.jpg\nb.jpg\n');
    await expect(readImageFeatures(npy, names)).rejects.toMatchObject({
      code: 'format',
      path: names,
      message: `${names} names 2 images but ${npy} has 3 rows; they must match row for row`,
    });
  });

  it('refuses an array that is not 2-D, and a name listed twice', async () => {
    const flat = await put(
      'flat.npy',
      npyBytes(npyDict('<f4', '(6,)'), floatBytes([1, 2, 3, 4, 5, 6])),
    );
    const names = await put('six.txt', 'a\nb\nc\nd\ne\nf\n');
    await expect(readImageFeatures(flat, names)).rejects.toMatchObject({
      code: 'format',
      path: flat,
      message: `${flat}: image features must be a 2-D [images, features] array, got shape [6]`,
    });
    const twice = await put('twice.txt', 'a.jpg\nb.jpg\na.jpg\n');
    await expect(readImageFeatures(await put('t.npy', THREE_BY_TWO), twice)).rejects.toMatchObject({
      code: 'format',
      line: 3,
      message: `${twice}:3: image a.jpg listed again (first on line 1)`,
    });
  });
});

describe('selectImageFeatures', () => {
  const rows = new Map([
    ['a.jpg', 0],
    ['b.jpg', 1],
    ['c.jpg', 2],
  ]);
  const features = {
    names: [...rows.keys()],
    size: 2,
    data: Float32Array.of(0.5, 0, 1.5, -1, 2.5, -2),
    row: (name: string) => rows.get(name),
  };

  it('returns the rows of the images, in their order', () => {
    expect(selectImageFeatures(features, ['c.jpg', 'a.jpg', 'c.jpg'], 'train')).toEqual(
      Float32Array.of(2.5, -2, 0.5, 0, 2.5, -2),
    );
    expect(selectImageFeatures(features, [], 'train')).toEqual(new Float32Array(0));
  });

  it('names the first image without features', () => {
    expect(() => selectImageFeatures(features, ['a.jpg', 'x.jpg', 'y.jpg'], 'dev.txt')).toThrow(
      expect.objectContaining({
        code: 'missing',
        path: 'dev.txt',
        message: 'dev.txt: image x.jpg (images[1]) has no row in the image features (3 images)',
      }),
    );
  });
});
