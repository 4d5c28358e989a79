import { describe, expect, it } from 'vitest';
import { describeError, isPackageNotFound } from './describe-error.js';

describe('describeError', () => {
  it('reads Errors, {message} objects (as tfjs-backend-wasm rejects) and anything else', () => {
    expect(describeError(new Error('boom'))).toBe('boom');
    expect(describeError({ message: 'no .wasm file' })).toBe('no .wasm file');
    expect(describeError('plain')).toBe('plain');
    expect(describeError(undefined)).toBe('undefined');
  });
});

describe('isPackageNotFound', () => {
  const node = '@tensorflow/tfjs-node';

  it('recognises "not installed" as Node ESM, Node CJS and vite say it', () => {
    const messages = [
      `Cannot find package '${node}' imported from /app/dist/index.js`,
      `Cannot find module '${node}'\nRequire stack: ...`,
      `Could not resolve "${node}" imported by "@bayesrnn/core".`,
      `Failed to load url ${node} (resolved id: ${node})`,
    ];
    for (const message of messages) expect(isPackageNotFound(new Error(message), node)).toBe(true);
  });

  it('does not mistake a broken install, or another package, for a missing one', () => {
    const messages = [
      // installed, but its own dependency is missing: that must be reported
      `Could not resolve "node-pre-gyp" imported by "${node}".`,
      `Cannot find package 'node-pre-gyp' imported from /app/node_modules/${node}/dist/index.js`,
      // installed, native library missing
      'libtensorflow.so.2: cannot open shared object file: No such file or directory',
      // the GPU package missing says nothing about the CPU one
      `Cannot find package '${node}-gpu' imported from /app/dist/index.js`,
    ];
    for (const message of messages) expect(isPackageNotFound(new Error(message), node)).toBe(false);
  });
});
