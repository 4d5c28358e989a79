import { describe, expect, it } from 'vitest';
import { describeAdapter } from './webgpu-provider.js';

describe('describeAdapter', () => {
  it("joins Dawn's strings, the description first, and drops repeats and blanks", () => {
    // What Dawn reports for an NVIDIA GPU on Vulkan: the driver's name in the description.
    const info = {
      description: 'NVIDIA H200',
      vendor: 'nvidia',
      architecture: 'hopper',
      device: '',
    };
    expect(describeAdapter(info)).toBe('NVIDIA H200, hopper');
  });

  it('keeps strings the description does not contain', () => {
    const info = { description: 'llvmpipe (LLVM 15.0.6, 256 bits)', vendor: 'mesa', device: '' };
    expect(describeAdapter(info)).toBe('llvmpipe (LLVM 15.0.6, 256 bits), mesa');
  });

  it('is undefined where the adapter names nothing (a browser that hides it, or no info)', () => {
    expect(describeAdapter({ description: ' ', vendor: '', architecture: '', device: '' })).toBe(
      undefined,
    );
    expect(describeAdapter(undefined)).toBe(undefined);
  });
});
