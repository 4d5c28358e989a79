#!/usr/bin/env node
// Markdown tables for the §1.8 (Fortunato) and §2.8 (Gan) reproductions.
// Usage: node apps/lm/scripts/summarize-bayes.mjs fortunato runs/repro-fortunato
//        node apps/lm/scripts/summarize-bayes.mjs gan runs/repro-gan
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const [mode, root] = process.argv.slice(2);
const json = (path) => (existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')) : undefined);
const f1 = (x) => (typeof x === 'number' && Number.isFinite(x) ? x.toFixed(1) : '–');
const f2 = (x) => (typeof x === 'number' && Number.isFinite(x) ? x.toFixed(2) : '–');
const epochs = (run) =>
  readFileSync(join(run, 'log.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.includes('"type":"epoch"'))
    .map((l) => JSON.parse(l));
const runs = readdirSync(root)
  .filter((name) => existsSync(join(root, name, 'results.json')))
  .sort();
const table = (header, rows) =>
  [
    `| ${header.join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');

/** Train / valid perplexity of every run, one column per epoch. */
function printEpochTable() {
  const n = Math.max(...runs.map((name) => epochs(join(root, name)).length));
  console.log(
    table(
      ['run', ...Array.from({ length: n }, (_, i) => `epoch ${i + 1}`)],
      runs.map((name) => [
        name,
        ...epochs(join(root, name)).map(
          (x) => `${x.train.perplexity.toFixed(0)} / ${x.validation.perplexity.toFixed(0)}`,
        ),
      ]),
    ),
  );
}

if (mode === 'fortunato') {
  const rows = runs.map((name) => {
    const dir = join(root, name);
    const r = json(join(dir, 'results.json'));
    const e = epochs(dir);
    const best = e.find((x) => x.epoch + 1 === r.bestEpoch) ?? e[e.length - 1];
    const u1 = json(join(dir, 'uncertainty-1.json'));
    const u10 = json(join(dir, 'uncertainty-10.json'));
    return [
      name,
      r.bestEpoch,
      f1(e[0]?.validation.perplexity),
      f1(best.train.perplexity),
      f1(r.valid.perplexity),
      f1(r.valid.perplexity - best.train.perplexity),
      f1(r.test.perplexity),
      f1(r.test.mcPerplexity),
      f1(r.train.kl),
      f2(u1?.gap),
      f2(u10?.gap),
      r.tokensPerSecond,
      r.trainingSeconds,
    ];
  });
  console.log(
    table(
      [
        'run',
        'best epoch',
        'valid ppl after epoch 1',
        'train ppl (best epoch)',
        'valid ppl (best, mean weights)',
        'gap',
        'test ppl',
        'test ppl, 10 draws',
        'train KL (nats)',
        'entropy gap (mean)',
        'entropy gap (10 draws)',
        'tokens/s',
        'training s',
      ],
      rows,
    ),
  );
  console.log('\nPer-epoch train / valid perplexity:\n');
  printEpochTable();
  const pruned = runs.filter((name) => existsSync(join(root, name, 'prune.json')));
  if (pruned.length > 0) {
    const rowsOf = (name) => json(join(root, name, 'prune.json')).rows;
    const fractions = rowsOf(pruned[0]).map((r) => r.fraction);
    console.log('\nValidation perplexity against the fraction of weights removed by |μ|/σ:\n');
    console.log(
      table(
        ['run', ...fractions.map((x) => `${Math.round(x * 100)}%`)],
        pruned.map((name) => [name, ...rowsOf(name).map((r) => f1(r.perplexity))]),
      ),
    );
  }
} else {
  const rows = runs.map((name) => {
    const dir = join(root, name);
    const r = json(join(dir, 'results.json'));
    const ens = json(join(dir, 'ensemble.json'));
    let needed = '–';
    let bestSingle;
    if (ens !== undefined) {
      const avg = ens.valid.averagedPerplexities;
      const first = avg[0];
      const last = avg[avg.length - 1];
      const k = avg.findIndex((p) => first - p >= 0.9 * (first - last));
      needed = String(k + 1);
      bestSingle = Math.min(...ens.valid.memberPerplexities);
    }
    return [
      name,
      f1(r.valid.perplexity),
      f1(r.valid.lastSamplePerplexity),
      f1(bestSingle),
      f1(r.valid.lastIteratePerplexity ?? r.valid.perplexity),
      r.samples ?? '–',
      needed,
      f1(r.test.perplexity),
      f1(r.test.lastSamplePerplexity),
      r.tokensPerSecond,
      r.trainingSeconds,
    ];
  });
  console.log(
    table(
      [
        'run',
        'valid ppl (averaged)',
        'valid ppl (last sample)',
        'valid ppl (best single sample)',
        'valid ppl (last iterate)',
        'samples',
        'samples for 90% of the gain',
        'test ppl (averaged)',
        'test ppl (last sample)',
        'tokens/s',
        'training s',
      ],
      rows,
    ),
  );
  // Every K some run was scored with (eval --last K → eval-last-K.json), in order.
  const lastFiles = (name) =>
    readdirSync(join(root, name)).filter((file) => /^eval-last-\d+\.json$/.test(file));
  const ks = [
    ...new Set(runs.flatMap((name) => lastFiles(name).map((file) => Number(file.match(/\d+/)[0])))),
  ].sort((x, y) => x - y);
  const withLast = runs.filter((name) => lastFiles(name).length > 0);
  if (withLast.length > 0) {
    console.log(
      '\nAveraged predictive of the last K samples only (eval --last K), valid / test:\n',
    );
    const cell = (name, k) => {
      const e = json(join(root, name, `eval-last-${k}.json`));
      return e === undefined ? '–' : `${f1(e.valid.perplexity)} / ${f1(e.test.perplexity)}`;
    };
    console.log(
      table(
        ['run', 'last sample', ...ks.map((k) => `last ${k}`), 'all samples'],
        withLast.map((name) => {
          const r = json(join(root, name, 'results.json'));
          return [
            name,
            `${f1(r.valid.lastSamplePerplexity)} / ${f1(r.test.lastSamplePerplexity)}`,
            ...ks.map((k) => cell(name, k)),
            `${f1(r.valid.perplexity)} / ${f1(r.test.perplexity)}`,
          ];
        }),
      ),
    );
  }
  console.log('\nPer-epoch train / valid perplexity (last iterate):\n');
  printEpochTable();
}
