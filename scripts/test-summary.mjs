#!/usr/bin/env node
// Sums the vitest JSON reports every workspace wrote (`.vitest-report.json`, see
// vitest.shared.ts) into one closing line, `N passed, N failed, N skipped`, and exits 1 when
// any test failed or no test ran at all.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = process.argv[2] ?? process.cwd();
const totals = { passed: 0, failed: 0, skipped: 0, files: 0 };
const rows = [];
for (const group of ['packages', 'apps', 'bench']) {
  let names = [];
  try {
    // `bench` is one workspace; `packages` and `apps` hold several.
    names = group === 'bench' ? [''] : readdirSync(join(root, group));
  } catch {
    continue;
  }
  for (const name of names.sort()) {
    let report;
    try {
      report = JSON.parse(readFileSync(join(root, group, name, '.vitest-report.json'), 'utf8'));
    } catch {
      continue;
    }
    const passed = report.numPassedTests ?? 0;
    const failed = (report.numFailedTests ?? 0) + (report.numFailedTestSuites ?? 0);
    const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
    totals.passed += passed;
    totals.failed += failed;
    totals.skipped += skipped;
    totals.files += report.numTotalTestSuites ?? 0;
    rows.push(
      `  ${`${group}/${name}`.padEnd(28)} ${String(passed).padStart(5)} passed ${failed} failed ${skipped} skipped`,
    );
  }
}
console.log(rows.join('\n'));
console.log(`${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(totals.failed > 0 || totals.passed === 0 ? 1 : 0);
