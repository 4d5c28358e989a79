import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkLeaksAfterEachTest } from '@bayesrnn/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { run, useCorpusFolder } from './__fixtures__/command-line.js';

checkLeaksAfterEachTest();
const corpus = useCorpusFolder();

// Help and usage errors: no training, the command line stops before it.
describe('bayesrnn-lm command line, help and errors', () => {
  let dir = '';
  beforeAll(() => {
    dir = corpus.path;
  });

  it('prints help for the program and each command', async () => {
    expect((await run(['--help'])).out).toContain('Commands:');
    expect((await run(['train', '--help'])).out).toContain('--preset NAME');
    expect((await run(['eval', '--help'])).out).toContain('--mc K');
    expect((await run(['sample', '--help'])).out).toContain('--temperature T');
    expect((await run(['prune', '--help'])).out).toContain('--fractions LIST');
    expect((await run(['uncertainty', '--help'])).out).toContain('--samples K');
    expect((await run(['posterior', '--help'])).out).toContain('signal-to-noise ratio');
  });

  it('names the bad option and exits 2', async () => {
    const unknown = await run(['fly']);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain("unknown command 'fly'");
    const preset = await run(['train', '--preset', 'huge', '--data', dir]);
    expect(preset.code).toBe(2);
    expect(preset.err).toContain('--preset must be one of tiny, cpu-sgmcmc, gan-small, cpu-small');
    const method = await run(['train', '--method', 'magic', '--data', dir]);
    expect(method.err).toContain(
      "--method must be one of plain, dropout, variational, bbb, bbb-sharpened, sgld, psgld, got 'magic'",
    );
    expect((await run(['train', '--seed=-4'])).err).toContain('--seed must be an integer ≥ 0');
    const prior = await run(['train', '--method', 'bbb', '--prior', '0.25,-7,-1', '--data', dir]);
    expect(prior.code).toBe(2);
    expect(prior.err).toContain('--prior: need log σ2 < log σ1');
    expect((await run(['train', '--method', 'bbb', '--prior', '1,0,-6'])).err).toContain(
      'π must be in (0, 1)',
    );
    expect((await run(['train', '--method', 'plain', '--prior', '0.5,0,-6'])).err).toContain(
      '--prior applies to bbb',
    );
    expect((await run(['train', '--method', 'plain', '--temperature', '0.5'])).err).toContain(
      '--temperature applies to sgld and psgld',
    );
    expect((await run(['train', '--method', 'psgld', '--temperature', '-1'])).err).toContain(
      '--temperature',
    );
    expect((await run(['train', '--method', 'bbb', '--sharpen', 'recurrent'])).err).toContain(
      '--sharpen applies to bbb-sharpened, not --method bbb',
    );
    expect(
      (await run(['train', '--method', 'bbb-sharpened', '--sharpen', 'softmx'])).err,
    ).toContain(
      "--sharpen must be all, recurrent or a comma list of embedding, layers, softmax, got 'softmx'",
    );
    expect(
      (await run(['train', '--method', 'bbb-sharpened', '--sharpen-sigma0', '0'])).err,
    ).toContain("--sharpen-sigma0 must be a number > 0, got '0'");
    const cell = await run(['train', '--cell', 'tree', '--data', dir]);
    expect(cell.code).toBe(2);
    expect(cell.err).toContain("--cell must be one of lstm, gru, vanilla, got 'tree'");
  });

  it('says where it looked when the data is missing', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'bayesrnn-empty-'));
    const result = await run(['train', '--data', empty, '--backend', 'cpu']);
    expect(result.code).toBe(1);
    expect(result.err).toContain('Penn Treebank not found');
    expect(result.err).toContain(empty);
    const chars = await run(['train', '--preset', 'gan-warpeace', '--data', empty]);
    expect(chars.code).toBe(1);
    expect(chars.err).toContain('War and Peace not found. Looked for warpeace_input.txt.gz in:');
    expect(chars.err).toContain(empty);
    await rm(empty, { recursive: true });
  });
});
