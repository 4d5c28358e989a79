import {
  decode,
  expectClose,
  expectGradientsMatch,
  expectNoLeaks,
  TOLERANCES,
} from '@bayesrnn/testing';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import fixture from './__fixtures__/introspective.json' with { type: 'json' };
import { fixtureLoss, loadMemoryFixture, unrollMemory } from './__fixtures__/memory-harness.js';
import { createIntrospectiveMemory } from './introspective-memory.js';

const { batchSize, memorySize, wordSize, numReads } = fixture.sizes;
const memory = createIntrospectiveMemory({ memorySize, wordSize, numReads });

/** Loss of an unroll from `initial` memory, as the fixture script computes it. */
function unrolledLoss(controls: tf.Tensor, initial: tf.Tensor, lossWeights: tf.Tensor): tf.Scalar {
  const { reads } = unrollMemory(
    memory,
    { memory: initial as tf.Tensor3D },
    controls as tf.Tensor3D,
  );
  return fixtureLoss(reads, lossWeights as tf.Tensor3D);
}

describe('introspective memory', () => {
  it('has the sizes of its layout', () => {
    expect(memory.controlSize).toBe(wordSize + numReads * memorySize + numReads);
    expect(memory.readSize).toBe(numReads * wordSize);
    tf.tidy(() => {
      const state = memory.initialState(batchSize);
      expect(state.memory.shape).toEqual([batchSize, memorySize, wordSize]);
      const control = memory.parseControl(tf.zeros([batchSize, memory.controlSize]));
      expect(control.writeVector.shape).toEqual([batchSize, 1, wordSize]);
      expect(control.attention.shape).toEqual([batchSize, numReads, memorySize]);
      expect(control.gates.shape).toEqual([batchSize, numReads, 1]);
    });
  });

  it('keeps the last words written, newest in slot 0 (hand-computed)', () => {
    tf.tidy(() => {
      const small = createIntrospectiveMemory({ memorySize: 3, wordSize: 1, numReads: 1 });
      let state = small.initialState(1);
      for (const word of [1, 2, 3, 4]) {
        // Attention logits 0 (uniform), gate logit 0 (σ = 0.5): the read is half the mean.
        const control = small.parseControl(tf.tensor2d([[word, 0, 0, 0, 0]]));
        state = small.write(state, control);
      }
      expectClose(state.memory, [4, 3, 2], TOLERANCES.float32, 'memory after 1, 2, 3, 4');
      const read = small.read(state, small.parseControl(tf.tensor2d([[0, 0, 0, 0, 0]])));
      expectClose(read.readVector, [0.5 * 3], TOLERANCES.float32, 'gated mean');
      // Attention saturated on slot 1 and gate open: the word written two writes ago.
      const lag = small.read(state, small.parseControl(tf.tensor2d([[0, -30, 30, -30, 30]])));
      expectClose(lag.readVector, [3], TOLERANCES.reference, 'one step back');
    });
  });

  it('matches the PyTorch reference: reads, final memory and gradients', () => {
    const loaded = loadMemoryFixture(fixture);
    tf.tidy(() => {
      const { reads, state } = unrollMemory(
        memory,
        { memory: loaded.initialState.memory as tf.Tensor3D },
        loaded.controls,
      );
      expectClose(reads, decode(fixture.reads), TOLERANCES.reference, 'reads');
      expectClose(state.memory, decode(fixture.finalState.memory), TOLERANCES.reference, 'memory');
      expectClose(fixtureLoss(reads, loaded.lossWeights), fixture.loss, TOLERANCES.reference);
      const [dControls, dMemory] = tf.grads((controls: tf.Tensor, initial: tf.Tensor) =>
        unrolledLoss(controls, initial, loaded.lossWeights),
      )([loaded.controls, loaded.initialState.memory]);
      const expected = fixture.gradients;
      expectClose(
        dControls as tf.Tensor,
        decode(expected.controls),
        TOLERANCES.reference,
        'd controls',
      );
      expectClose(dMemory as tf.Tensor, decode(expected.memory), TOLERANCES.reference, 'd memory');
    });
    tf.dispose([loaded.controls, loaded.lossWeights, ...Object.values(loaded.initialState)]);
  });

  it('has the gradient of finite differences', () => {
    const loaded = loadMemoryFixture(fixture);
    expectGradientsMatch(
      ({ controls, initial }) =>
        unrolledLoss(controls as tf.Tensor, initial as tf.Tensor, loaded.lossWeights),
      { controls: loaded.controls, initial: loaded.initialState.memory },
    );
    tf.dispose([loaded.controls, loaded.lossWeights, ...Object.values(loaded.initialState)]);
  });

  it('gives finite values and gradients on an empty memory with saturated controls', () => {
    tf.tidy(() => {
      const controls = tf.mul(
        tf.sign(tf.randomNormal([3, batchSize, memory.controlSize], 0, 1, 'float32', 7)),
        30,
      );
      const initial = memory.initialState(batchSize).memory;
      const lossWeights = tf.ones([3, batchSize, memory.readSize]);
      const [dControls, dMemory] = tf.grads((c: tf.Tensor, m: tf.Tensor) =>
        unrolledLoss(c, m, lossWeights),
      )([controls, initial]);
      for (const values of [dControls, dMemory]) {
        expect(Array.from(values?.dataSync() ?? []).every(Number.isFinite)).toBe(true);
      }
    });
  });

  it('leaves no tensors behind', async () => {
    const loaded = loadMemoryFixture(fixture);
    const initial = loaded.initialState.memory as tf.Tensor3D;
    await expectNoLeaks(() => {
      const flat = tf.tidy(() =>
        tf.squeeze(tf.slice(loaded.controls, [0], [1]), [0]),
      ) as tf.Tensor2D;
      const control = memory.parseControl(flat);
      const written = memory.write({ memory: initial }, control);
      const read = memory.read(written, control);
      tf.dispose([
        flat,
        ...Object.values(control),
        written.memory,
        read.readVector,
        read.state.memory,
      ]);
    }, 'parseControl, write and read');
    await expectNoLeaks(() => {
      const dControls = tf.grad((c: tf.Tensor) => unrolledLoss(c, initial, loaded.lossWeights))(
        loaded.controls,
      );
      dControls.dispose();
    }, 'an unroll and its gradient');
    tf.dispose([loaded.controls, loaded.lossWeights, initial]);
  });

  it('names the option or the argument that is wrong', () => {
    expect(() => createIntrospectiveMemory({ memorySize: 0, wordSize: 2, numReads: 1 })).toThrow(
      'IntrospectiveMemoryConfig.memorySize must be a positive integer, got 0',
    );
    expect(() => createIntrospectiveMemory({ memorySize: 3, wordSize: 2, numReads: 1.5 })).toThrow(
      'IntrospectiveMemoryConfig.numReads must be a positive integer, got 1.5',
    );
    tf.tidy(() => {
      const control = memory.parseControl(tf.zeros([batchSize, memory.controlSize]));
      expect(() =>
        memory.write({ memory: tf.zeros([batchSize, memorySize + 1, wordSize]) }, control),
      ).toThrow(
        `introspective memory: state.memory must have shape [${batchSize}, ${memorySize}, ${wordSize}], got [${batchSize}, ${memorySize + 1}, ${wordSize}]`,
      );
      expect(() => memory.parseControl(tf.zeros([batchSize, 3]))).toThrow(
        `introspective memory: control must have shape [${batchSize}, ${memory.controlSize}], got [${batchSize}, 3]`,
      );
    });
  });
});
