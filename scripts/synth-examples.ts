/**
 * `npm run examples`: synthesizes every app in examples/ with the CDK CLI into cdk.out/<app>, the
 * compliance plugins included, and prints a summary per stack: resources, and findings left
 * unacknowledged and acknowledged. Exits non-zero when an app fails to synthesize.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

const root = path.join(__dirname, '..');
const examplesDir = path.join(root, 'examples');
// Modules the apps share, not apps of their own.
const NOT_APPS = new Set(['compliance.ts', 'stream-handler.ts']);

const apps = fs.readdirSync(examplesDir)
  .filter(file => file.endsWith('.ts') && !NOT_APPS.has(file) && !file.endsWith('.d.ts'))
  .map(file => path.basename(file, '.ts'));

let failed = 0;
const rows: string[][] = [['app', 'stack', 'resources', 'unacknowledged', 'acknowledged', 'result']];
for (const app of apps) {
  const outdir = path.join(root, 'cdk.out', app);
  fs.rmSync(outdir, { recursive: true, force: true });
  const started = Date.now();
  const result = spawnSync('npx', [
    'cdk', 'synth', '--strict', '--quiet', '--no-notices', '--no-version-reporting',
    '--app', `npx ts-node --transpile-only ${path.join('examples', `${app}.ts`)}`,
    '--output', outdir,
  ], { cwd: root, encoding: 'utf-8' });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const findings = readFindings(outdir);

  if (result.status !== 0) {
    failed++;
    rows.push([app, '-', '-', String(findings.unacknowledged), String(findings.acknowledged), `FAILED (${seconds} s)`]);
    process.stderr.write(`\n--- ${app} ---\n${result.stdout}\n${result.stderr}\n`);
    continue;
  }
  for (const stack of readStacks(outdir)) {
    rows.push([app, stack.name, String(stack.resources), String(findings.unacknowledged), String(findings.acknowledged), `ok (${seconds} s)`]);
  }
}

printTable(rows);
console.log(`\n${apps.length - failed} of ${apps.length} example apps synthesized into cdk.out/`);
process.exit(failed === 0 ? 0 : 1);

function readStacks(outdir: string): Array<{ name: string; resources: number }> {
  const manifest = JSON.parse(fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf-8'));
  return Object.entries<any>(manifest.artifacts ?? {})
    .filter(([, artifact]) => artifact.type === 'aws:cloudformation:stack')
    .map(([name, artifact]) => {
      const template = JSON.parse(fs.readFileSync(path.join(outdir, artifact.properties.templateFile), 'utf-8'));
      return { name, resources: Object.keys(template.Resources ?? {}).length };
    });
}

function readFindings(outdir: string): { unacknowledged: number; acknowledged: number } {
  const file = path.join(outdir, 'validation-report.json');
  if (!fs.existsSync(file)) {
    return { unacknowledged: 0, acknowledged: 0 };
  }
  const report = JSON.parse(fs.readFileSync(file, 'utf-8'));
  const count = (key: string) => (report.pluginReports ?? [])
    .reduce((sum: number, plugin: any) => sum + (plugin[key] ?? []).length, 0);
  return { unacknowledged: count('violations'), acknowledged: count('suppressedViolations') };
}

function printTable(table: string[][]): void {
  const widths = table[0].map((_, column) => Math.max(...table.map(row => row[column].length)));
  for (const row of table) {
    console.log(row.map((cell, column) => cell.padEnd(widths[column])).join('  '));
  }
}
