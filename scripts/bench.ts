/**
 * `npm run bench [-- --runs 5 --sizes 1,10,25 --profile]`: what a fully featured ProductionTable
 * costs at synth and in the template, against the same features written by hand with aws-cdk-lib's
 * L2 constructs (scripts/bench/apps.ts), in the same run:
 *
 * - time to construct and to `app.synth()` an app of N tables, and the child process's wall time;
 *   each (variant, N) runs in a fresh `node` process, the variants alternating, and the median is kept;
 * - peak resident memory of each process;
 * - resources, template bytes and fixed monthly cost per table, and how many tables fit in one stack;
 * - what `require('cdk-dynamodb-kit')` adds to `require('aws-cdk-lib')`;
 * - with --profile, the functions of the library with the most self time at the largest N.
 *
 * A script, not a test: timings belong to a machine, so it prints the machine and judges nothing.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ts from 'typescript';
import { fixedMonthlyCost } from '../src/private/fixed-cost';

const root = path.join(__dirname, '..');
const work = path.join(root, '.tmp', 'bench');

// CloudFormation quotas: 500 resources per stack, and a template body of at most 1 MB from S3. The
// byte limit is taken as 10^6, the smaller reading of "1 MB".
const MAX_RESOURCES = 500;
const MAX_TEMPLATE_BYTES = 1_000_000;

interface SynthRun {
  variant: 'kit' | 'l2';
  tables: number;
  loadMs: number;
  constructMs: number;
  synthMs: number;
  maxRssKiB: number;
  resources: number;
  alarms: number;
  templateBytes: number;
  templateFile: string;
  wallMs: number;
}

interface RequireRun {
  baseMs: number;
  baseRssBytes: number;
  kitMs: number;
  kitRssBytes: number;
}

const options = parseArgs(process.argv.slice(2));
fs.rmSync(work, { recursive: true, force: true });
fs.mkdirSync(work, { recursive: true });
const runner = prepareRunner();
const kit = chooseKit();

printMachine();
console.log(`library: ${kit.description}`);
console.log(`runs: ${options.runs} per (variant, N), after one warm-up run of each variant; medians below\n`);

// The aws-cdk-lib the tests pin (2.269) runs its own "CloudFormation Validate" plugin, cfn-lint compiled
// to WebAssembly, inside every app.synth() unless CDK_VALIDATION=false. It takes seconds, whatever made
// the template, so it hides what the library costs: the main table is measured without it, and a
// second table shows the largest N as `cdk synth` runs it by default.
const runs = measure(options.sizes, false);
const validatedRuns = measure([Math.max(...options.sizes)], true);

console.log('construct, then app.synth() without aws-cdk-lib\'s built-in CloudFormation Validate (CDK_VALIDATION=false):');
printSynthTable(runs, options.sizes);
console.log(`\nthe same at N = ${Math.max(...options.sizes)} with it, as \`cdk synth\` runs by default on this aws-cdk-lib:`);
printSynthTable(validatedRuns, [Math.max(...options.sizes)]);
printGrowth(runs);
printEconomy(runs);
printRequireCost();
console.log('\nnpm test: its wall time is measured by CI, not here (.ci/run prints the wall time of each step).');
if (options.profile) {
  profile(Math.max(...options.sizes));
}
fs.rmSync(path.join(work, 'out'), { recursive: true, force: true });

function parseArgs(argv: string[]): { runs: number; sizes: number[]; profile: boolean } {
  const result = { runs: 5, sizes: [1, 10, 25], profile: false };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--runs') {
      result.runs = Number(argv[++i]);
    } else if (argv[i] === '--sizes') {
      result.sizes = argv[++i].split(',').map(Number);
    } else if (argv[i] === '--profile') {
      result.profile = true;
    } else {
      throw new Error(`unknown argument ${argv[i]}: expected --runs R, --sizes 1,10,25 or --profile`);
    }
  }
  if (!(result.runs >= 1) || result.sizes.some(size => !(size >= 1))) {
    throw new Error('--runs and every size must be at least 1');
  }
  result.sizes.sort((a, b) => a - b);
  return result;
}

/** The runner and its apps as plain JavaScript, so the measured process loads no TypeScript compiler. */
function prepareRunner(): string {
  for (const file of ['runner.ts', 'apps.ts']) {
    transpile(path.join(root, 'scripts', 'bench', file), path.join(work, file.replace(/\.ts$/, '.js')));
  }
  return path.join(work, 'runner.js');
}

/**
 * The library as the runner loads it: the jsii build in lib/ when there is one, as users get it;
 * otherwise src/ transpiled here (no type-check), so that both variants run plain JavaScript.
 */
function chooseKit(): { module: string; requireModule: string; description: string } {
  const lib = path.join(root, 'lib', 'index.js');
  if (fs.existsSync(lib)) {
    const newestSource = newestMtime(path.join(root, 'src'));
    const stale = newestSource > fs.statSync(lib).mtimeMs ? ' (older than src/: run `npx projen compile` to measure the current code)' : '';
    return { module: lib, requireModule: lib, description: `lib/index.js, the jsii build${stale}` };
  }
  const out = path.join(work, 'kit');
  for (const file of listFiles(path.join(root, 'src')).filter(name => name.endsWith('.ts') && !name.endsWith('.d.ts'))) {
    transpile(file, path.join(out, path.relative(path.join(root, 'src'), file)).replace(/\.ts$/, '.js'));
  }
  return {
    module: path.join(out, 'index.js'),
    // The require figure is then src/index.ts through ts-node, as a contributor without a build loads it.
    requireModule: path.join(root, 'src', 'index.ts'),
    description: 'src/ transpiled to JavaScript for the synth runs (no lib/: run `npx projen compile` to measure the jsii build); ' +
      'src/index.ts through ts-node for the require figure, which then includes the TypeScript compiler',
  };
}

/**
 * Alternates the variants, and which goes first, so that a machine that slows down or speeds up
 * during the run weighs on both alike.
 */
function measure(sizes: number[], validation: boolean): SynthRun[] {
  const result: SynthRun[] = [];
  for (const variant of ['kit', 'l2'] as const) {
    synthOnce(variant, sizes[0], validation);
  }
  for (let run = 0; run < options.runs; run++) {
    for (const tables of sizes) {
      const order = run % 2 === 0 ? ['kit', 'l2'] as const : ['l2', 'kit'] as const;
      for (const variant of order) {
        result.push(synthOnce(variant, tables, validation));
      }
    }
  }
  return result;
}

function synthOnce(variant: 'kit' | 'l2', tables: number, validation: boolean): SynthRun {
  const outdir = path.join(work, 'out', `${variant}-${tables}${validation ? '-validated' : ''}`);
  fs.rmSync(outdir, { recursive: true, force: true });
  const started = process.hrtime.bigint();
  const child = spawnSync(process.execPath, [runner, 'synth', variant, String(tables), outdir], {
    env: { ...process.env, BENCH_KIT: kit.module, CDK_VALIDATION: validation ? 'true' : 'false' },
    encoding: 'utf-8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  return { ...parseReport(child, `synth ${variant} ${tables}`), wallMs };
}

function parseReport(child: ReturnType<typeof spawnSync>, what: string): any {
  const line = String(child.stdout).split('\n').find(text => text.startsWith('BENCH '));
  if (child.status !== 0 || !line) {
    // aws-cdk-lib's minified sources make a stack trace's first lines unreadable: its end says what failed.
    throw new Error(`${what} failed (exit ${child.status}):\n${String(child.stdout).slice(-2000)}\n${String(child.stderr).slice(-3000)}`);
  }
  return JSON.parse(line.slice('BENCH '.length));
}

function printMachine(): void {
  const cpus = os.cpus();
  const load = os.loadavg().map(value => value.toFixed(2)).join(' ');
  console.log(`machine: ${cpus.length} × ${cpus[0]?.model.trim() ?? 'unknown CPU'}, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, ` +
    `${os.type()} ${os.release()}, Node ${process.version}; load average at start ${load}`);
}

function printSynthTable(all: SynthRun[], sizes: number[]): void {
  const rows = [['N', 'variant', 'construct ms', 'app.synth() ms', 'construct+synth ms', 'process wall ms', 'peak RSS MB']];
  for (const tables of sizes) {
    for (const variant of ['kit', 'l2'] as const) {
      const mine = all.filter(run => run.variant === variant && run.tables === tables);
      rows.push([
        String(tables), variant === 'kit' ? 'ProductionTable' : 'aws-cdk-lib L2',
        ms(median(mine.map(run => run.constructMs))),
        ms(median(mine.map(run => run.synthMs))),
        ms(median(mine.map(run => run.constructMs + run.synthMs))),
        ms(median(mine.map(run => run.wallMs))),
        (median(mine.map(run => run.maxRssKiB)) / 1024).toFixed(0),
      ]);
    }
    rows.push([String(tables), 'ratio kit / L2',
      ratio(all, tables, run => run.constructMs),
      ratio(all, tables, run => run.synthMs),
      ratio(all, tables, run => run.constructMs + run.synthMs),
      ratio(all, tables, run => run.wallMs),
      ratio(all, tables, run => run.maxRssKiB)]);
  }
  printTable(rows);
  console.log('ratio: the median of the ratios of runs made side by side');
}

function printGrowth(all: SynthRun[]): void {
  const [small, large] = [10, 25].every(size => options.sizes.includes(size)) ? [10, 25] : options.sizes.slice(-2);
  if (small !== undefined && large !== undefined && small !== large) {
    const linear = large / small;
    console.log(`\ngrowth t(${large}) / t(${small}), construct+synth (linear: ${linear.toFixed(2)}; goal ≤ ${(linear * 1.1).toFixed(2)}):`);
    for (const variant of ['kit', 'l2'] as const) {
      const at = (tables: number, pick: (run: SynthRun) => number) =>
        median(all.filter(run => run.variant === variant && run.tables === tables).map(pick));
      const total = (run: SynthRun) => run.constructMs + run.synthMs;
      console.log(`  ${variant === 'kit' ? 'ProductionTable' : 'aws-cdk-lib L2 '}  construct+synth ${(at(large, total) / at(small, total)).toFixed(2)}` +
        `, app.synth() ${(at(large, run => run.synthMs) / at(small, run => run.synthMs)).toFixed(2)}`);
    }
  }
}

function ratio(all: SynthRun[], tables: number, pick: (run: SynthRun) => number): string {
  const kitRuns = all.filter(run => run.variant === 'kit' && run.tables === tables);
  const l2Runs = all.filter(run => run.variant === 'l2' && run.tables === tables);
  return `${median(kitRuns.map((run, i) => pick(run) / pick(l2Runs[i]))).toFixed(2)}×`;
}

function printEconomy(all: SynthRun[]): void {
  console.log('\nper table, in one stack (the marginal cost of a table between the smallest and largest N):');
  const rows = [['variant', 'resources/table', 'shared resources', 'alarms/table', 'template KB/table', 'shared KB',
    'tables/stack (500 res.)', 'tables/stack (1 MB)', 'fixed $/month/table', 'shared $/month']];
  for (const variant of ['kit', 'l2'] as const) {
    const sample = (tables: number) => all.find(run => run.variant === variant && run.tables === tables)!;
    const first = sample(options.sizes[0]);
    const last = sample(options.sizes[options.sizes.length - 1]);
    const span = last.tables - first.tables || 1;
    const perTable = (pick: (run: SynthRun) => number) => (pick(last) - pick(first)) / span;
    const shared = (pick: (run: SynthRun) => number) => pick(first) - first.tables * perTable(pick);
    // Every run of a (variant, N) writes the same template to the same place.
    const cost = (run: SynthRun) => fixedMonthlyCost(JSON.parse(fs.readFileSync(run.templateFile, 'utf-8'))).total;

    const resources = perTable(run => run.resources);
    const bytes = perTable(run => run.templateBytes);
    rows.push([
      variant === 'kit' ? 'ProductionTable' : 'aws-cdk-lib L2',
      resources.toFixed(1), shared(run => run.resources).toFixed(0),
      perTable(run => run.alarms).toFixed(1),
      (bytes / 1000).toFixed(1), (shared(run => run.templateBytes) / 1000).toFixed(1),
      String(Math.floor((MAX_RESOURCES - shared(run => run.resources)) / resources)),
      String(Math.floor((MAX_TEMPLATE_BYTES - shared(run => run.templateBytes)) / bytes)),
      `$${perTable(cost).toFixed(2)}`, `$${shared(cost).toFixed(2)}`,
    ]);
  }
  printTable(rows);
  console.log('A table here is the ProductionTable or TableV2 with its GSI, stream consumer and alarms, plus the consumer\'s');
  console.log('function and its role (2 of the resources), which are the user\'s. Shared: the VPC and its endpoint, the alarm');
  console.log('topic, the backup plan and vault. Fixed cost: KMS keys with rotations, alarm metrics and Contributor Insights');
  console.log('rules at us-east-1 prices, steady state (src/private/fixed-cost.ts); usage is not in it.');
}

function printRequireCost(): void {
  console.log(`\nrequire('cdk-dynamodb-kit') after require('aws-cdk-lib'), median of ${options.runs} fresh processes:`);
  console.log(`  module: ${path.relative(root, kit.requireModule)}`);
  const rows = [['loaded first', 'first: ms', 'first: RSS MB', 'then the library: ms', 'then the library: RSS MB']];
  for (const withSubmodules of [false, true]) {
    const results: RequireRun[] = [];
    for (let run = 0; run < options.runs; run++) {
      const child = spawnSync(process.execPath, [runner, 'require', ...withSubmodules ? ['submodules'] : []], {
        env: { ...process.env, BENCH_KIT: kit.requireModule },
        encoding: 'utf-8',
      });
      results.push(parseReport(child, 'require'));
    }
    rows.push([
      withSubmodules ? 'aws-cdk-lib + the 12 submodules the L2 app imports' : 'aws-cdk-lib',
      ms(median(results.map(run => run.baseMs))),
      (median(results.map(run => run.baseRssBytes)) / 2 ** 20).toFixed(0),
      ms(median(results.map(run => run.kitMs))),
      (median(results.map(run => run.kitRssBytes)) / 2 ** 20).toFixed(0),
    ]);
  }
  printTable(rows);
}

/**
 * Runs the kit app at `tables` under V8's sampling profiler and prints the library's functions
 * with the most self time, and how the time splits between the library, aws-cdk-lib and the rest.
 */
function profile(tables: number): void {
  const dir = path.join(work, 'profile');
  const outdir = path.join(work, 'out', 'profile');
  const child = spawnSync(process.execPath, ['--cpu-prof', '--cpu-prof-dir', dir, runner, 'synth', 'kit', String(tables), outdir], {
    env: { ...process.env, BENCH_KIT: kit.module, CDK_VALIDATION: 'false' },
    encoding: 'utf-8',
  });
  parseReport(child, 'profile');
  const file = fs.readdirSync(dir).find(name => name.endsWith('.cpuprofile'))!;
  const cpuProfile = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf-8'));

  const selfMs = new Map<number, number>();
  cpuProfile.samples.forEach((node: number, i: number) => selfMs.set(node, (selfMs.get(node) ?? 0) + cpuProfile.timeDeltas[i] / 1000));
  const kitDir = path.dirname(kit.module);
  const byArea = new Map<string, number>();
  const byFunction = new Map<string, number>();
  for (const node of cpuProfile.nodes) {
    const self = selfMs.get(node.id) ?? 0;
    const url: string = node.callFrame.url.replace(/^file:\/\//, '');
    const area = areaOf(url, node.callFrame.functionName, kitDir);
    byArea.set(area, (byArea.get(area) ?? 0) + self);
    if (area === 'cdk-dynamodb-kit') {
      const name = `${node.callFrame.functionName || '(anonymous)'}  ${path.relative(kitDir, url)}:${node.callFrame.lineNumber + 1}`;
      byFunction.set(name, (byFunction.get(name) ?? 0) + self);
    }
  }
  const total = [...byArea.values()].reduce((sum, value) => sum + value, 0);
  console.log(`\nprofile of the ProductionTable app at N = ${tables}, without CloudFormation Validate (${path.relative(root, path.join(dir, file))}), self time by area:`);
  for (const [area, value] of [...byArea].sort((a, b) => b[1] - a[1])) {
    console.log(`  ${area.padEnd(28)} ${ms(value).padStart(7)} ms  ${(100 * value / total).toFixed(1).padStart(5)} %`);
  }
  console.log('the library\'s functions with the most self time:');
  for (const [name, value] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, 12)) {
    console.log(`  ${ms(value).padStart(7)} ms  ${name}`);
  }
}

function areaOf(url: string, functionName: string, kitDir: string): string {
  if (url.startsWith(kitDir)) {
    return 'cdk-dynamodb-kit';
  }
  for (const module of ['aws-cdk-lib', 'constructs']) {
    if (url.includes(`/node_modules/${module}/`)) {
      return module;
    }
  }
  if (url.startsWith('node:')) {
    return 'Node.js internals (mostly module loading)';
  }
  if (url === '') {
    return ['(garbage collector)', '(program)', '(idle)'].includes(functionName) ? functionName : 'native (file system, regular expressions, compiling)';
  }
  return 'other modules and the runner';
}

function transpile(from: string, to: string): void {
  const output = ts.transpileModule(fs.readFileSync(from, 'utf-8'), {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: false },
    fileName: from,
  });
  fs.mkdirSync(path.dirname(to), { recursive: true });
  fs.writeFileSync(to, output.outputText);
}

function listFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true })
    .flatMap(entry => entry.isDirectory() ? listFiles(path.join(dir, entry.name)) : [path.join(dir, entry.name)]);
}

function newestMtime(dir: string): number {
  return Math.max(...listFiles(dir).map(file => fs.statSync(file).mtimeMs));
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function ms(value: number): string {
  return value.toFixed(0);
}

function printTable(rows: string[][]): void {
  const widths = rows[0].map((_, column) => Math.max(...rows.map(row => row[column].length)));
  for (const row of rows) {
    console.log(row.map((cell, column) => column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column])).join('  '));
  }
}
