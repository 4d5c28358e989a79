import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { useTempFiles } from './__fixtures__/temp-files.js';
import { DataError } from './data-error.js';
import { firstInvalidUtf8, lineOfByte, readTextFile } from './text-file.js';

const { put, dir: tempDir } = useTempFiles('bayesrnn-text-');

async function failure(path: string): Promise<DataError> {
  const error = await readTextFile(path).catch((caught: unknown) => caught);
  if (!(error instanceof DataError)) throw new Error(`expected a DataError, got ${error}`);
  return error;
}

const bytes = (...values: number[]): Uint8Array => Uint8Array.from(values);

describe('readTextFile', () => {
  it('reads plain UTF-8 text as is', async () => {
    const path = await put('plain.txt', ' a b \n café \n');
    expect(await readTextFile(path)).toEqual({ path, text: ' a b \n café \n', compressed: false });
  });

  it('decompresses gzip, recognised by its magic bytes whatever the name', async () => {
    const named = await put('named.txt.gz', gzipSync('x y\n'));
    const unnamed = await put('unnamed.txt', gzipSync('x y\n'));
    expect(await readTextFile(named)).toMatchObject({ text: 'x y\n', compressed: true });
    expect(await readTextFile(unnamed)).toMatchObject({ text: 'x y\n', compressed: true });
  });

  it('drops a leading byte-order mark and keeps CRLF', async () => {
    const path = await put('bom.txt', bytes(0xef, 0xbb, 0xbf, 0x41, 0x0d, 0x0a, 0x42));
    expect((await readTextFile(path)).text).toBe('A\r\nB');
  });

  it('names a missing file and says how to point at the data', async () => {
    const path = join(tempDir(), 'absent.txt');
    const error = await failure(path);
    expect(error).toMatchObject({ code: 'missing', path });
    expect(error.message).toBe(
      `${path}: no such file; pass the data directory with --data or set $BAYESRNN_DATA (see shared/data/SOURCES.md)`,
    );
  });

  it('refuses an empty file, and gzip that decompresses to nothing', async () => {
    const empty = await put('empty.txt', '');
    expect((await failure(empty)).message).toBe(`${empty}: the file is empty`);
    const emptyGz = await put('empty.txt.gz', gzipSync(''));
    const error = await failure(emptyGz);
    expect(error).toMatchObject({ code: 'empty', path: emptyGz });
    expect(error.message).toBe(`${emptyGz}: the file decompresses to nothing`);
  });

  it('refuses truncated gzip', async () => {
    const whole = gzipSync('some text that is long enough to be cut in half\n'.repeat(20));
    const path = await put('truncated.txt.gz', whole.subarray(0, whole.length / 2));
    const error = await failure(path);
    expect(error.code).toBe('gzip');
    expect(error.message).toMatch(
      new RegExp(`^${path}: corrupt gzip data \\(.+\\); the file is truncated or damaged`),
    );
  });

  it('refuses gzip with damaged contents (checksum)', async () => {
    const damaged = Uint8Array.from(gzipSync('abcdefghij\n'.repeat(50)));
    damaged[damaged.length - 6] = (damaged[damaged.length - 6] ?? 0) ^ 0xff; // a CRC32 byte
    const path = await put('damaged.txt.gz', damaged);
    expect((await failure(path)).code).toBe('gzip');
  });

  it('refuses a .gz name on data without the gzip magic', async () => {
    const path = await put('fake.txt.gz', 'plain text\n');
    const error = await failure(path);
    expect(error.code).toBe('gzip');
    expect(error.message).toBe(
      `${path}: named .gz but not gzip data (no 1f 8b magic bytes); the download is damaged or mislabelled`,
    );
  });

  it('refuses a NUL byte, naming the line', async () => {
    const path = await put('nul.txt', bytes(0x61, 0x0a, 0x62, 0x0a, 0x63, 0x00, 0x64));
    const error = await failure(path);
    expect(error).toMatchObject({ code: 'binary', line: 3 });
    expect(error.message).toBe(
      `${path}:3: NUL byte at offset 5; this looks like binary data, not a text file`,
    );
  });

  it('refuses invalid UTF-8 (Latin-1 text), naming the line, also inside gzip', async () => {
    const latin1 = bytes(0x6f, 0x6b, 0x0a, 0x0a, 0x63, 0x61, 0x66, 0xe9, 0x0a);
    const path = await put('latin1.txt', latin1);
    const error = await failure(path);
    expect(error).toMatchObject({ code: 'binary', line: 3 });
    expect(error.message).toBe(
      `${path}:3: invalid UTF-8 (byte 0xe9 at offset 7); expected UTF-8 text`,
    );
    const gz = await put('latin1.txt.gz', gzipSync(latin1));
    expect(await failure(gz)).toMatchObject({ code: 'binary', line: 3 });
  });
});

describe('readTextFile with windows-1252', () => {
  const latin1 = bytes(0x63, 0x61, 0x66, 0xe9, 0x20, 0x85, 0x0a, 0x93, 0x78, 0x94, 0x0a);
  const options = { encoding: 'windows-1252' } as const;

  it('decodes every byte, 0x80–0x9F by the WHATWG table (0x85 is …, not a line break)', async () => {
    const path = await put('cp1252.txt', latin1);
    expect(await readTextFile(path, options)).toEqual({
      path,
      text: 'café …\n\u201cx\u201d\n',
      compressed: false,
    });
  });

  it('reads gzip too, and leaves UTF-8 bytes as their windows-1252 characters', async () => {
    const path = await put('cp1252.txt.gz', gzipSync(latin1));
    expect(await readTextFile(path, options)).toMatchObject({
      text: 'café …\n\u201cx\u201d\n',
      compressed: true,
    });
    const utf8 = await put('utf8-as-cp1252.txt', bytes(0xef, 0xbb, 0xbf, 0xc3, 0xa9));
    expect((await readTextFile(utf8, options)).text).toBe('ï»¿Ã©');
  });

  it('maps the table edges and the five undefined bytes (kept as C1 controls)', async () => {
    const path = await put('cp1252-c1.txt', bytes(0x80, 0x81, 0x8d, 0x8f, 0x90, 0x9d, 0x9f));
    expect((await readTextFile(path, options)).text).toBe('€\u0081\u008d\u008f\u0090\u009dŸ');
  });

  it('still refuses NUL bytes, missing and empty files', async () => {
    const nul = await put('cp1252-nul.txt', bytes(0xe9, 0x0a, 0x00));
    const error = await readTextFile(nul, options).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'binary', line: 2 });
    const missing = join(tempDir(), 'absent-cp1252.txt');
    await expect(readTextFile(missing, options)).rejects.toMatchObject({ code: 'missing' });
    const empty = await put('cp1252-empty.txt', '');
    await expect(readTextFile(empty, options)).rejects.toMatchObject({ code: 'empty' });
  });

  it('keeps UTF-8 the default and refuses other encodings', async () => {
    const path = await put('default.txt', latin1);
    expect(await failure(path)).toMatchObject({ code: 'binary', line: 1 });
    await expect(readTextFile(path, { encoding: 'latin1' as never })).rejects.toThrow(
      `readTextFile: encoding must be 'utf-8' or 'windows-1252', got "latin1"`,
    );
  });
});

describe('firstInvalidUtf8', () => {
  it.each([
    ['ASCII', [0x61, 0x62], -1],
    ['2-, 3- and 4-byte sequences', [0xc3, 0xa9, 0xe2, 0x82, 0xac, 0xf0, 0x9f, 0x98, 0x80], -1],
    ['a lone continuation byte', [0x61, 0x80], 1],
    ['an overlong 2-byte form', [0xc0, 0xaf], 0],
    ['an overlong 3-byte form', [0xe0, 0x80, 0xaf], 0],
    ['a UTF-16 surrogate', [0x61, 0xed, 0xa0, 0x80], 1],
    ['a code point above U+10FFFF', [0xf4, 0x90, 0x80, 0x80], 0],
    ['a lead byte above 0xF4', [0xf5, 0x80, 0x80, 0x80], 0],
    ['a sequence cut by the end', [0x61, 0xe2, 0x82], 1],
    ['a sequence cut by ASCII', [0xe2, 0x41, 0x41], 0],
  ])('%s', (_name, input, expected) => {
    expect(firstInvalidUtf8(Uint8Array.from(input))).toBe(expected);
    // Agrees with the platform's strict decoder on validity.
    const valid = (() => {
      try {
        new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(input));
        return true;
      } catch {
        return false;
      }
    })();
    expect(valid).toBe(expected === -1);
  });
});

describe('lineOfByte', () => {
  it('counts the newlines before the offset', () => {
    const text = new TextEncoder().encode('a\nbc\n\nd');
    expect([0, 1, 2, 4, 5, 6].map((offset) => lineOfByte(text, offset))).toEqual([
      1, 1, 2, 2, 3, 4,
    ]);
  });
});
