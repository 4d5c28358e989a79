#!/usr/bin/env node
// Checks the layering of shared/DESIGN.md: a package imports only from layers below it, and
// packages of one layer never import each other (they meet through @bayesrnn/spec).
// Reads every workspace's package.json and the @bayesrnn imports of its src/**/*.ts.
// Usage: node scripts/check-layers.mjs [repoRoot]   (exit 1 on any violation)
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { workspaces } from './workspaces.mjs';

/** The layer of each package; apps (apps/*) are layer 4. Add new packages here. */
export const LAYERS = {
  '@bayesrnn/spec': 0,
  '@bayesrnn/core': 1,
  '@bayesrnn/testing': 1,
  '@bayesrnn/cells': 2,
  '@bayesrnn/posteriors': 2,
  '@bayesrnn/samplers': 2,
  '@bayesrnn/memory': 2,
  '@bayesrnn/sab': 2,
  '@bayesrnn/data': 2,
  '@bayesrnn/metrics': 2,
  '@bayesrnn/train': 2,
  '@bayesrnn/models': 3,
  '@bayesrnn/gtmm': 3,
  '@bayesrnn/integration': 4,
  '@bayesrnn/bench': 4,
};
const APP_LAYER = 4;
/** Test helpers: any package's tests may use them (as a devDependency). */
const TEST_ONLY = new Set(['@bayesrnn/testing']);

function sourceFiles(dir) {
  let entries;
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  return entries.flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|mts|tsx)$/.test(name) ? [path] : [];
  });
}

function layerOf(name, group) {
  if (name in LAYERS) return LAYERS[name];
  return group === 'apps' ? APP_LAYER : undefined;
}

function checkImport(problems, where, from, to, layerFrom, isTest) {
  const layerTo = layerOf(to, 'packages');
  if (layerTo === undefined) {
    problems.push(`${where}: imports ${to}, which has no layer in scripts/check-layers.mjs`);
  } else if (TEST_ONLY.has(to) && !isTest) {
    problems.push(`${where}: ${to} is for tests only`);
  } else if (TEST_ONLY.has(to) || to === from) {
    // tests may use the test kit from any layer
  } else if (layerTo >= layerFrom) {
    const why = layerTo === layerFrom ? 'same layer: meet through @bayesrnn/spec' : 'higher layer';
    problems.push(
      `${where}: ${from} (layer ${layerFrom}) imports ${to} (layer ${layerTo}): ${why}`,
    );
  }
}

export function checkLayers(root) {
  const problems = [];
  const importPattern = /(?:from\s+|import\s*\(\s*|import\s+)['"](@bayesrnn\/[a-z0-9-]+)/g;
  const all = workspaces(root);
  for (const { dir, group, manifest } of all) {
    const name = manifest.name;
    const layer = layerOf(name, group);
    if (layer === undefined) {
      problems.push(
        `${relative(root, dir)}: package ${name} has no layer in scripts/check-layers.mjs`,
      );
      continue;
    }
    const runtime = { ...manifest.dependencies, ...manifest.peerDependencies };
    const dev = manifest.devDependencies ?? {};
    for (const dep of Object.keys(runtime).filter((d) => d.startsWith('@bayesrnn/'))) {
      checkImport(problems, `${relative(root, dir)}/package.json`, name, dep, layer, false);
    }
    if (group === 'packages' && manifest.dependencies?.['@tensorflow/tfjs-core']) {
      problems.push(
        `${relative(root, dir)}/package.json: @tensorflow/tfjs-core must be a peerDependency (one engine)`,
      );
    }
    for (const file of sourceFiles(join(dir, 'src'))) {
      // Test files and their fixtures (src/**/__fixtures__, never packed) are test-only code.
      const isTest = /\.test(-d)?\.ts$/.test(file) || /[\\/]__fixtures__[\\/]/.test(file);
      const text = readFileSync(file, 'utf8');
      for (const match of text.matchAll(importPattern)) {
        const dep = match[1];
        const where = relative(root, file);
        checkImport(problems, where, name, dep, layer, isTest);
        if (dep !== name && !(dep in runtime) && !(isTest && dep in dev)) {
          problems.push(
            `${where}: imports ${dep}, not declared in ${relative(root, dir)}/package.json`,
          );
        }
      }
    }
  }
  return { problems, packages: all.length };
}

const isMain = process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (isMain) {
  const root = process.argv[2] ?? process.cwd();
  const { problems, packages } = checkLayers(root);
  if (problems.length > 0) {
    console.error(
      `layer check: ${problems.length} violation(s)\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
    process.exit(1);
  }
  console.log(`layer check: ${packages} workspaces, no violations`);
}
