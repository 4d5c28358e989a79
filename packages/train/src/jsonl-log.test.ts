import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openJsonlLog, readJsonlLog, stringifyRecord } from './jsonl-log.js';

let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bayesrnn-jsonl-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('openJsonlLog', () => {
  it('appends one JSON object per line and tracks the byte position', async () => {
    const path = join(dir, 'log.jsonl');
    const log = await openJsonlLog(path);
    await log.append({ step: 1, note: 'ü' });
    await log.append({ step: 2 });
    await log.close();
    const text = await readFile(path, 'utf8');
    expect(text).toBe('{"step":1,"note":"ü"}\n{"step":2}\n');
    expect(log.position).toBe(Buffer.byteLength(text));
    expect(await readJsonlLog(path)).toEqual([{ step: 1, note: 'ü' }, { step: 2 }]);
  });

  it('continues a log cut back to a recorded position', async () => {
    const path = join(dir, 'log.jsonl');
    const first = await openJsonlLog(path);
    await first.append({ step: 1 });
    const mark = first.position;
    await first.append({ step: 2 });
    await first.close();
    const resumed = await openJsonlLog(path, { truncateTo: mark });
    expect(resumed.position).toBe(mark);
    await resumed.append({ step: 2, again: true });
    await resumed.close();
    expect(await readJsonlLog(path)).toEqual([{ step: 1 }, { step: 2, again: true }]);
  });

  it('starts empty without truncateTo, and refuses a log shorter than recorded', async () => {
    const path = join(dir, 'log.jsonl');
    const log = await openJsonlLog(path);
    await log.append({ step: 1 });
    await log.close();
    await (await openJsonlLog(path)).close();
    expect(await readFile(path, 'utf8')).toBe('');
    await expect(openJsonlLog(path, { truncateTo: 10 })).rejects.toThrow(/0 bytes.*10 bytes/);
    await expect(openJsonlLog(join(dir, 'none.jsonl'), { truncateTo: 1 })).rejects.toThrow(
      /missing/,
    );
  });

  it('writes non-finite numbers as strings instead of null', () => {
    expect(stringifyRecord({ loss: Number.NaN, norm: Number.POSITIVE_INFINITY, ok: 1 })).toBe(
      '{"loss":"NaN","norm":"Infinity","ok":1}',
    );
  });
});
