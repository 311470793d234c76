/**
 * One measurement in a fresh process, for scripts/bench.ts. It is transpiled to plain JavaScript
 * (.tmp/bench/runner.js) so that no TypeScript compiler runs in the process being measured:
 *
 *   node .tmp/bench/runner.js synth <kit|l2> <tables> [outdir]   one app, timed phase by phase
 *   node .tmp/bench/runner.js require [submodules]               the cost of loading the library
 *
 * The library is loaded from BENCH_KIT (default: lib/index.js). A `.ts` path is loaded through
 * ts-node, and then the TypeScript compiler is part of what is measured.
 *
 * It prints one line, `BENCH {json}`, on stdout.
 */
// Modules are required where they are timed, not hoisted into imports.
/* eslint-disable @typescript-eslint/no-require-imports */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { performance } from 'perf_hooks';

const root = path.resolve(__dirname, '..', '..');
const kitModule = process.env.BENCH_KIT ?? path.join(root, 'lib', 'index.js');

// What the hand-written equivalent imports: loaded before the library in `require submodules`, so
// that the figure is what the library costs beyond the aws-cdk-lib a user of these features loads anyway.
const L2_SUBMODULES = ['aws-backup', 'aws-cloudwatch', 'aws-cloudwatch-actions', 'aws-dynamodb', 'aws-ec2', 'aws-events',
  'aws-iam', 'aws-kms', 'aws-lambda', 'aws-lambda-event-sources', 'aws-sns', 'aws-sqs'];

const [mode, ...args] = process.argv.slice(2);
if (mode === 'synth') {
  synth(args[0], Number(args[1]), args[2]);
} else if (mode === 'require') {
  requireCost(args[0] === 'submodules');
} else {
  process.stderr.write('usage: runner.js synth <kit|l2> <tables> [outdir] | runner.js require [submodules]\n');
  process.exit(2);
}

function synth(variant: string, tables: number, outdirArg?: string): void {
  if (variant !== 'kit' && variant !== 'l2' || !(tables >= 1)) {
    throw new Error(`expected kit|l2 and a table count, got ${variant} ${tables}`);
  }
  const outdir = outdirArg ?? fs.mkdtempSync(path.join(os.tmpdir(), 'bench-'));

  // performance.now() counts from the start of this process, so `loaded` includes Node's own start-up.
  const cdk: typeof import('aws-cdk-lib') = require('aws-cdk-lib');
  const apps: typeof import('./apps') = require('./apps');
  const kit = variant === 'kit' ? loadKit() : undefined;
  const loaded = performance.now();

  const app = new cdk.App({ outdir });
  const stack = new cdk.Stack(app, 'Bench', { env: apps.ENV });
  if (kit) {
    apps.buildKitStack(kit, stack, tables);
  } else {
    apps.buildL2Stack(stack, tables);
  }
  const constructed = performance.now();
  app.synth();
  const synthesized = performance.now();

  const templateFile = path.join(outdir, 'Bench.template.json');
  const template = JSON.parse(fs.readFileSync(templateFile, 'utf-8'));
  const resources: any[] = Object.values(template.Resources ?? {});
  report({
    variant,
    tables,
    loadMs: loaded,
    constructMs: constructed - loaded,
    synthMs: synthesized - constructed,
    // The kernel's peak resident set of this process, in KiB on Linux.
    maxRssKiB: process.resourceUsage().maxRSS,
    resources: resources.length,
    alarms: resources.filter(resource => resource.Type === 'AWS::CloudWatch::Alarm').length,
    templateBytes: fs.statSync(templateFile).size,
    templateFile,
  });
  if (!outdirArg) {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

function requireCost(withSubmodules: boolean): void {
  const start = sample();
  require('aws-cdk-lib');
  if (withSubmodules) {
    for (const submodule of L2_SUBMODULES) {
      require(`aws-cdk-lib/${submodule}`);
    }
  }
  const base = sample();
  loadKit();
  const kit = sample();
  report({
    kitModule,
    withSubmodules,
    baseMs: base.ms - start.ms,
    baseRssBytes: base.rss - start.rss,
    kitMs: kit.ms - base.ms,
    kitRssBytes: kit.rss - base.rss,
  });
}

function loadKit(): any {
  if (kitModule.endsWith('.ts')) {
    require('ts-node').register({ transpileOnly: true });
  }
  return require(kitModule);
}

function sample(): { ms: number; rss: number } {
  return { ms: performance.now(), rss: process.memoryUsage().rss };
}

function report(result: object): void {
  process.stdout.write(`BENCH ${JSON.stringify(result)}\n`);
}
