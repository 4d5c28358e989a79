#!/usr/bin/env node
// Tiny dependency-free SVG line charts for the reproduction reports.
// Usage:
//   node apps/lm/scripts/plot-svg.mjs curves OUT.svg TITLE RUN_DIR...   train (dashed) / valid
//        perplexity per epoch from each run's log.jsonl
//   node apps/lm/scripts/plot-svg.mjs prune OUT.svg TITLE RUN_DIR...    prune.json: perplexity
//        against the fraction of weights removed
//   node apps/lm/scripts/plot-svg.mjs ensemble OUT.svg TITLE RUN_DIR... ensemble.json: each
//        sample's valid perplexity (dashed) and the running average (solid)
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';

const [mode, out, title, ...runs] = process.argv.slice(2);
const COLORS = [
  '#1f77b4',
  '#d62728',
  '#2ca02c',
  '#9467bd',
  '#ff7f0e',
  '#8c564b',
  '#17becf',
  '#e377c2',
];

function epochs(run) {
  return readFileSync(join(run, 'log.jsonl'), 'utf8')
    .split('\n')
    .filter((line) => line.includes('"type":"epoch"'))
    .map((line) => JSON.parse(line));
}

function seriesFor(run, index) {
  const color = COLORS[index % COLORS.length];
  const name = basename(run);
  if (mode === 'curves') {
    const records = epochs(run);
    return [
      {
        name: `${name} train`,
        color,
        dashed: true,
        points: records.map((r) => [r.epoch + 1, r.train.perplexity]),
      },
      {
        name: `${name} valid`,
        color,
        dashed: false,
        points: records.map((r) => [r.epoch + 1, r.validation.perplexity]),
      },
    ];
  }
  if (mode === 'prune') {
    const { rows } = JSON.parse(readFileSync(join(run, 'prune.json'), 'utf8'));
    return [
      { name, color, dashed: false, points: rows.map((r) => [r.fraction * 100, r.perplexity]) },
    ];
  }
  const { valid } = JSON.parse(readFileSync(join(run, 'ensemble.json'), 'utf8'));
  return [
    {
      name: `${name} single sample`,
      color,
      dashed: true,
      points: valid.memberPerplexities.map((p, i) => [i + 1, p]),
    },
    {
      name: `${name} averaged`,
      color,
      dashed: false,
      points: valid.averagedPerplexities.map((p, i) => [i + 1, p]),
    },
  ];
}

const series = runs.flatMap(seriesFor);
const all = series.flatMap((s) => s.points).filter(([, y]) => Number.isFinite(y));
const [x0, x1] = [Math.min(...all.map((p) => p[0])), Math.max(...all.map((p) => p[0]))];
const yMax = Math.min(Math.max(...all.map((p) => p[1])), 4 * Math.min(...all.map((p) => p[1])));
const [y0, y1] = [
  Math.floor(Math.min(...all.map((p) => p[1])) / 10) * 10,
  Math.ceil(yMax / 10) * 10,
];
const W = 720;
const H = 420;
const M = { left: 60, right: 250, top: 40, bottom: 50 };
const sx = (x) => M.left + ((x - x0) / (x1 - x0 || 1)) * (W - M.left - M.right);
const sy = (y) => M.top + (1 - (Math.min(y, y1) - y0) / (y1 - y0 || 1)) * (H - M.top - M.bottom);
const xLabel = {
  curves: 'epoch',
  prune: '% of weights removed (lowest |μ|/σ)',
  ensemble: 'samples',
}[mode];
const parts = [
  `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="12" role="img">`,
  `<title>${title}</title>`,
  `<rect width="${W}" height="${H}" fill="white"/>`,
  `<text x="${M.left}" y="22" font-size="15">${title}</text>`,
  `<line x1="${M.left}" y1="${H - M.bottom}" x2="${W - M.right}" y2="${H - M.bottom}" stroke="black"/>`,
  `<line x1="${M.left}" y1="${M.top}" x2="${M.left}" y2="${H - M.bottom}" stroke="black"/>`,
  `<text x="${(M.left + W - M.right) / 2}" y="${H - 12}" text-anchor="middle">${xLabel}</text>`,
  `<text x="16" y="${(M.top + H - M.bottom) / 2}" transform="rotate(-90 16 ${(M.top + H - M.bottom) / 2})" text-anchor="middle">perplexity</text>`,
];
for (let i = 0; i <= 5; i += 1) {
  const y = y0 + ((y1 - y0) * i) / 5;
  const x = x0 + ((x1 - x0) * i) / 5;
  parts.push(`<text x="${M.left - 6}" y="${sy(y) + 4}" text-anchor="end">${y.toFixed(0)}</text>`);
  parts.push(
    `<line x1="${M.left}" y1="${sy(y)}" x2="${W - M.right}" y2="${sy(y)}" stroke="#eee"/>`,
  );
  parts.push(
    `<text x="${sx(x)}" y="${H - M.bottom + 16}" text-anchor="middle">${Number(x.toFixed(1))}</text>`,
  );
}
series.forEach((s, i) => {
  const d = s.points
    .filter(([, y]) => Number.isFinite(y))
    .map(([x, y], j) => `${j === 0 ? 'M' : 'L'}${sx(x).toFixed(1)},${sy(y).toFixed(1)}`)
    .join(' ');
  const dash = s.dashed ? ' stroke-dasharray="5,4"' : '';
  parts.push(`<path d="${d}" fill="none" stroke="${s.color}" stroke-width="2"${dash}/>`);
  const ly = M.top + 10 + i * 18;
  parts.push(
    `<line x1="${W - M.right + 12}" y1="${ly}" x2="${W - M.right + 40}" y2="${ly}" stroke="${s.color}" stroke-width="2"${dash}/>`,
  );
  parts.push(`<text x="${W - M.right + 46}" y="${ly + 4}">${s.name}</text>`);
});
parts.push('</svg>');
writeFileSync(out, `${parts.join('\n')}\n`);
console.log(`wrote ${out} (${series.length} series)`);
