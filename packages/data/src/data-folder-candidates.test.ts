import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dataFolderCandidates } from './data-folder-candidates.js';

describe('dataFolderCandidates', () => {
  it('takes --data alone, else $BAYESRNN_DATA and its subfolder, then the default root', () => {
    expect(dataFolderCandidates('here', 'ptb', '/repo/data', { BAYESRNN_DATA: '/env' })).toEqual([
      resolve('here'),
    ]);
    expect(dataFolderCandidates(undefined, 'ptb', '/repo/data', { BAYESRNN_DATA: '/env' })).toEqual(
      ['/env', '/env/ptb', '/repo/data/ptb'],
    );
    expect(dataFolderCandidates(undefined, 'ptb', '/repo/data', {})).toEqual(['/repo/data/ptb']);
  });
});
