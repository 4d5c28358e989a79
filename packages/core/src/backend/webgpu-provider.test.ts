import { describe, expect, it } from 'vitest';
import { describeAdapter } from './webgpu-provider.js';

describe('describeAdapter', () => {
  it("joins Dawn's strings, the description first, and drops repeats and blanks", () => {
    // The line an H200 gave through Dawn on NVIDIA's Vulkan driver; how Dawn split it over
    // the fields is assumed here (only the joined line was seen).
    const info = {
      description: 'NVIDIA: 580.159.04 580.159.4.0',
      vendor: 'nvidia',
      architecture: '',
      device: 'nvidia-h200',
    };
    expect(describeAdapter(info)).toBe('NVIDIA: 580.159.04 580.159.4.0, nvidia-h200');
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
