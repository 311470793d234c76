import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as cxapi from 'aws-cdk-lib/cx-api';
import * as ts from 'typescript';
import { readmeSnippets, Snippet, snippetApp } from '../scripts/readme-snippets';

// Every ```ts snippet of the README, made into an app by scripts/readme-snippets.ts (all seven
// compliance plugins on the App) and run here, on the installed aws-cdk-lib (the lowest supported),
// the library loaded from src/. A snippet passes when `cdk synth --strict` would pass it.
// .ci/readme-snippets/run runs the same apps with the real CLI, on the packed library and on the
// newest aws-cdk-lib.
const snippets = readmeSnippets(fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf-8'));

test('the README has snippets, each with a name of its own', () => {
  expect(snippets.length).toBeGreaterThan(20);
  expect(new Set(snippets.map(s => s.name)).size).toBe(snippets.length);
});

describe('README snippet', () => {
  test.each(snippets.map(s => [s.name, s] as const))('%s synthesizes under cdk synth --strict with every plugin', (_name, snippet) => {
    expect(strictSynth(snippet)).toEqual([]);
  });
});

/**
 * What `cdk synth --strict` (aws-cdk 2.1148, toolkit-lib's stack collection) would fail on, as
 * lines: an error thrown by the app (aws-cdk-lib throws when a validation plugin reports a
 * violation), any report of `validation-report.json` that concluded in failure or holds a
 * warning, and, unless the report holds the construct annotations already, every warning or error
 * annotation left in a stack's metadata (an acknowledged warning is no longer there).
 */
function strictSynth(snippet: Snippet): string[] {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'readme-snippet-'));
  const problems: string[] = [];
  try {
    runApp(snippet, outdir);
  } catch (error) {
    problems.push(`the app failed: ${(error as Error).message}`);
  }

  const reportFile = path.join(outdir, 'validation-report.json');
  const reports: any[] = fs.existsSync(reportFile) ? JSON.parse(fs.readFileSync(reportFile, 'utf-8')).pluginReports ?? [] : [];
  for (const report of reports) {
    if (report.conclusion === 'failure' && (report.violations ?? []).length === 0) {
      problems.push(`${report.pluginName}: failure`);
    }
    for (const violation of report.violations ?? []) {
      const where = (violation.violatingConstructs ?? []).map((c: any) => c.constructPath).join(', ');
      problems.push(`${report.pluginName} ${violation.ruleName} (${violation.severity ?? 'error'}) at ${where}`);
    }
  }

  if (!reports.some(report => report.pluginName === 'Construct Annotations') && fs.existsSync(path.join(outdir, 'manifest.json'))) {
    for (const stack of new cxapi.CloudAssembly(outdir).stacksRecursively) {
      for (const message of stack.messages) {
        if (message.level === cxapi.SynthesisMessageLevel.WARNING || message.level === cxapi.SynthesisMessageLevel.ERROR) {
          problems.push(`${message.level} at ${message.id}: ${message.entry.data}`);
        }
      }
    }
  }
  fs.rmSync(outdir, { recursive: true, force: true });
  return problems;
}

/**
 * Runs the snippet's app in this process, as the CLI would run it: the assembly goes to `outdir`
 * (CDK_OUTDIR) and the snippet's cdk.json context is the app's (CDK_CONTEXT_JSON). The app imports
 * `cdk-dynamodb-kit`, which here is the library's source.
 */
function runApp(snippet: Snippet, outdir: string): void {
  const { outputText } = ts.transpileModule(snippetApp(snippet), {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
    fileName: `${snippet.slug}.ts`,
  });
  // The app's own require: module names are only known when it runs.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const load = (name: string) => name === 'cdk-dynamodb-kit' ? require('../src') : require(name);
  const saved = { outdir: process.env[cxapi.OUTDIR_ENV], context: process.env[cxapi.CONTEXT_ENV] };
  process.env[cxapi.OUTDIR_ENV] = outdir;
  process.env[cxapi.CONTEXT_ENV] = JSON.stringify(snippet.context);
  try {
    const module = { exports: {} };
    new Function('require', 'module', 'exports', outputText)(load, module, module.exports);
  } finally {
    restore(cxapi.OUTDIR_ENV, saved.outdir);
    restore(cxapi.CONTEXT_ENV, saved.context);
  }
}

function restore(name: string, value: string | undefined): void {
  if (value === undefined) {
    delete process.env[name];
  } else {
    process.env[name] = value;
  }
}
