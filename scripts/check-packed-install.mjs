#!/usr/bin/env node
// Installs the published packages the way a user gets them from npm and runs their READMEs'
// examples against them. It packs every published workspace package (`npm pack`, after
// `npm run build`), installs the tarballs into an empty ESM project, type-checks each README
// example that imports a `@bayesrnn` package (strict, `module: nodenext`) and runs it with
// Node in a fresh directory of its own. The workspace hides what this finds: a file left out
// of `files`, a dependency that only resolves because it is hoisted, types that only resolve
// through `src/`, an example that needs a step it does not show, a README whose `npm install`
// line misses a package its example imports.
//
// Examples that read `$BAYESRNN_DATA` get `../shared/data`; without it they fail in CI
// (CI=true) and are skipped elsewhere. Usage: node scripts/check-packed-install.mjs [--keep]
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { publishedWorkspaces } from './workspaces.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const keep = process.argv.includes('--keep');
const inCi = process.env.CI === 'true' || process.env.CI === '1';
const dataDir = resolve(root, '..', 'shared', 'data');
const ts = createRequire(join(root, 'package.json'))('typescript');
const failures = [];

/** Packs one package into `into`; returns the tarball's path after checking what it holds. */
function pack({ dir, manifest }, into) {
  if (!existsSync(join(dir, 'dist', 'index.js'))) {
    throw new Error(`${manifest.name} is not built (no dist/index.js): run npm run build first`);
  }
  const [result] = JSON.parse(
    execFileSync('npm', ['pack', '--json', '--pack-destination', into], {
      cwd: dir,
      encoding: 'utf8',
    }),
  );
  const files = new Set(result.files.map((file) => file.path));
  for (const needed of [
    'LICENSE',
    'README.md',
    'package.json',
    'dist/index.js',
    'dist/index.d.ts',
  ]) {
    if (!files.has(needed)) failures.push(`${manifest.name}: the tarball has no ${needed}`);
  }
  return join(into, result.filename);
}

/** The ```ts blocks of a README that import a @bayesrnn package, and the packages it installs. */
function readmeExamples(readme) {
  const text = readFileSync(readme, 'utf8');
  const blocks = [...text.matchAll(/^```ts\n([\s\S]*?)^```/gm)].map((match) => match[1]);
  const installed = new Set();
  for (const [, line] of text.matchAll(/^\s*npm install ([^#\n]+)/gm)) {
    for (const word of line.trim().split(/\s+/)) installed.add(word.replace(/(.)@[^@/]+$/, '$1'));
  }
  return { examples: blocks.filter((block) => /from '@bayesrnn\//.test(block)), installed };
}

/** Bare package names an example imports (`@scope/name` or `name`), node: builtins aside. */
function importedPackages(source) {
  const names = [...source.matchAll(/from '([^'.][^']*)'/g)].map((match) => match[1]);
  return names
    .filter((name) => !name.startsWith('node:'))
    .map((name) =>
      name
        .split('/')
        .slice(0, name.startsWith('@') ? 2 : 1)
        .join('/'),
    );
}

function run(command, args, options) {
  const started = Date.now();
  const result = spawnSync(command, args, { encoding: 'utf8', timeout: 600_000, ...options });
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
  return { ok: result.status === 0, output, seconds: (Date.now() - started) / 1000, result };
}

const work = mkdtempSync(join(tmpdir(), 'bayesrnn-packed-'));
try {
  const packages = publishedWorkspaces(root);
  const tarballs = packages.map((pkg) => pack(pkg, work));
  const project = join(work, 'project');
  mkdirSync(join(project, 'examples'), { recursive: true });
  const rootManifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const tfjsCore = rootManifest.devDependencies['@tensorflow/tfjs-core'];
  writeFileSync(
    join(project, 'package.json'),
    `${JSON.stringify({ name: 'bayesrnn-packed-install', private: true, type: 'module' }, null, 2)}\n`,
  );
  const install = run(
    'npm',
    [
      'install',
      '--no-audit',
      '--no-fund',
      '--prefer-offline',
      ...tarballs,
      `@tensorflow/tfjs-core@${tfjsCore}`,
    ],
    { cwd: project },
  );
  if (!install.ok) throw new Error(`npm install of the tarballs failed:\n${install.output}`);
  console.log(
    `installed ${tarballs.length} tarballs into ${project} (${install.seconds.toFixed(1)} s)`,
  );

  // Every README example, written as a .ts file of the project.
  const examples = [];
  const readmes = [join(root, 'README.md'), ...packages.map(({ dir }) => join(dir, 'README.md'))];
  for (const readme of readmes) {
    const label =
      readme === join(root, 'README.md') ? 'README' : `${readme.split('/').at(-2)}/README`;
    const { examples: blocks, installed } = readmeExamples(readme);
    blocks.forEach((source, index) => {
      const name = `${label.replace('/README', '').toLowerCase()}-${index + 1}`;
      for (const imported of importedPackages(source)) {
        if (installed.size > 0 && !installed.has(imported)) {
          failures.push(
            `${label}.md: example ${index + 1} imports ${imported}, which its npm install line leaves out`,
          );
        }
      }
      writeFileSync(join(project, 'examples', `${name}.ts`), source);
      examples.push({ name, label, index, source });
    });
  }

  // skipLibCheck off, so that our .d.ts files are checked too; tfjs-core's need the DOM lib
  // and the global `Long` of @types/long (which it depends on).
  writeFileSync(
    join(project, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'es2022',
        lib: ['es2022', 'dom'],
        module: 'nodenext',
        moduleResolution: 'nodenext',
        strict: true,
        noEmit: true,
        skipLibCheck: false,
        typeRoots: [join(project, 'node_modules', '@types'), join(root, 'node_modules', '@types')],
        types: ['node', 'long'],
      },
      include: ['examples/*.ts'],
    }),
  );
  const typecheck = run(process.execPath, [
    join(root, 'node_modules', 'typescript', 'bin', 'tsc'),
    '-p',
    project,
  ]);
  console.log(
    `type-checked ${examples.length} README examples (${typecheck.seconds.toFixed(1)} s)`,
  );
  if (!typecheck.ok)
    failures.push(
      `the README examples do not type-check against the tarballs:\n${typecheck.output}`,
    );

  for (const example of examples) {
    const needsData = example.source.includes('BAYESRNN_DATA');
    if (needsData && !existsSync(dataDir)) {
      if (inCi) failures.push(`${example.name}: needs ${dataDir}, which is missing`);
      else console.log(`skipped ${example.name}: needs ${dataDir}, which is missing`);
      continue;
    }
    const file = join(project, 'examples', `${example.name}.mjs`);
    const compilerOptions = { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 };
    writeFileSync(file, ts.transpileModule(example.source, { compilerOptions }).outputText);
    const cwd = join(work, 'runs', example.name);
    mkdirSync(cwd, { recursive: true });
    const env = { ...process.env, BAYESRNN_DATA: dataDir };
    const ran = run(process.execPath, [file], { cwd, env });
    console.log(
      `${ran.ok ? 'ok  ' : 'FAIL'} ${example.label}.md example ${example.index + 1} (${ran.seconds.toFixed(1)} s)`,
    );
    if (!ran.ok) {
      const why = ran.result.error
        ? String(ran.result.error)
        : ran.output.split('\n').slice(-15).join('\n');
      failures.push(`${example.label}.md example ${example.index + 1} failed:\n${why}`);
    }
  }
} catch (error) {
  failures.push(error instanceof Error ? error.message : String(error));
} finally {
  if (keep) console.log(`kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
}

if (failures.length > 0) {
  console.error(`packed install:\n  ${failures.join('\n  ')}`);
  process.exit(1);
}
console.log(
  'packed install: every tarball installs, and every README example type-checks and runs',
);
