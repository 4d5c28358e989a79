import { countNewTensors, expectNoLeaks } from '@bayesrnn/testing';
import { describe, expect, it } from 'vitest';
import type { PreparedContender } from '../contender.js';
import { TINY_SHAPE } from '../tiny-shape.js';
import { CONTENDERS } from './index.js';

const inProcess = CONTENDERS.filter((contender) => contender.inProcess);

describe('in-process contenders on a tiny shape', () => {
  it('are registered under unique names, the ratios’ baselines among them', () => {
    const names = CONTENDERS.map((contender) => contender.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toEqual(expect.arrayContaining(['plain', 'tfjs-layers', 'pytorch', 'rmsprop']));
  });

  it.each(inProcess.map((contender) => [contender.name, contender] as const))(
    '%s steps without leaking tensors and disposes everything',
    async (_name, contender) => {
      let prepared: PreparedContender | undefined;
      const left = await countNewTensors(async () => {
        prepared = await contender.setup(TINY_SHAPE);
        expect(prepared.tokensPerStep).toBe(TINY_SHAPE.batchSize * TINY_SHAPE.steps);
        await prepared.step(); // the first step may create optimiser slots
        await expectNoLeaks(() => prepared?.step() ?? Promise.resolve(), contender.name);
        await prepared.dispose();
      });
      expect(left).toBe(0);
    },
  );
});
