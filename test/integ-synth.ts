/**
 * How the integration tests' snapshots are made and checked without AWS: each test/integ.*.ts app
 * is synthesized in-process the way integ-runner synthesizes it (its recommended feature flags, no
 * path or asset metadata, no version reporting) into the layout integ-runner commits,
 * test/integ.<name>.ts.snapshot/, without asset directories.
 *
 * integ-runner itself cannot do this here: its newest release (2.197.10) bundles a toolkit that
 * reads cloud assembly schema 53 at most, and aws-cdk-lib 2.269 writes 54.
 */
import * as fs from 'fs';
import * as path from 'path';
import recommendedFlags from '@aws-cdk/integ-runner/lib/recommended-feature-flags.json';
import { App } from 'aws-cdk-lib';

/** integ-runner's discovery pattern for TypeScript tests. */
const INTEG_FILE = /^integ\.(?!.*\.d\.ts$).*\.ts$/;

export const TEST_DIR = __dirname;

/** The integ test files in test/, by file name. */
export function integTestFiles(): string[] {
  return fs.readdirSync(TEST_DIR).filter(file => INTEG_FILE.test(file)).sort();
}

export function snapshotDir(file: string): string {
  return path.join(TEST_DIR, `${file}.snapshot`);
}

/**
 * The context integ-runner synthesizes with: the feature flags it recommends (it ships them as
 * JSON), with `target-partitions` unset as integ-runner unsets it, and the CLI's defaults for integ
 * tests turned into context.
 */
export function integContext(): Record<string, unknown> {
  const flags: Record<string, unknown> = { ...recommendedFlags };
  delete flags['@aws-cdk/core:target-partitions'];
  return {
    ...flags,
    'aws:cdk:enable-path-metadata': false,
    'aws:cdk:enable-asset-metadata': false,
    'aws:cdk:version-reporting': false,
    // As the CLI without --debug: no stack traces, which hold this machine's paths, in the metadata.
    'aws:cdk:disable-stack-trace': true,
    'aws:cdk:disable-creation-stack-traces': true,
  };
}

/**
 * Synthesizes one integ test app into `outdir`, and returns the templates of its stacks by file name.
 * aws-cdk-lib's own CloudFormation Validate plugin is skipped: it takes seconds and changes no template.
 */
export function synthIntegTest(file: string, outdir: string): Record<string, any> {
  // The file is known only at run time.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { build } = require(path.join(TEST_DIR, file)) as { build: (app: App) => unknown };
  const previous = process.env.CDK_VALIDATION;
  process.env.CDK_VALIDATION = 'false';
  try {
    const app = new App({ outdir, context: integContext() });
    build(app);
    app.synth();
  } finally {
    if (previous === undefined) {
      delete process.env.CDK_VALIDATION;
    } else {
      process.env.CDK_VALIDATION = previous;
    }
  }
  return readTemplates(outdir);
}

/** The templates of a cloud assembly's stacks, by template file name, as its manifest lists them. */
export function readTemplates(assemblyDir: string): Record<string, any> {
  const manifest = JSON.parse(fs.readFileSync(path.join(assemblyDir, 'manifest.json'), 'utf-8'));
  const templates: Record<string, any> = {};
  for (const artifact of Object.values<any>(manifest.artifacts ?? {})) {
    if (artifact.type === 'aws:cloudformation:stack') {
      const file = artifact.properties.templateFile;
      templates[file] = JSON.parse(fs.readFileSync(path.join(assemblyDir, file), 'utf-8'));
    }
  }
  return templates;
}

/**
 * A template as far as this library decides it. Two values change without it:
 * - asset hashes (64 hex digits, in S3 keys) name the bytes of bundled code, such as the assertion
 *   provider's, which change with an integ-tests-alpha upgrade;
 * - each assertion's `salt` is the time of synthesis, so that CloudFormation runs it on every deployment.
 */
export function comparable(template: unknown): unknown {
  return JSON.parse(JSON.stringify(template)
    .replace(/[0-9a-f]{64}/g, '<asset hash>')
    .replace(/"salt":"\d+"/g, '"salt":"<time of synthesis>"'));
}

/** Writes a test's snapshot as integ-runner lays it out: the cloud assembly without its asset directories. */
export function writeSnapshot(file: string): void {
  const dir = snapshotDir(file);
  fs.rmSync(dir, { recursive: true, force: true });
  synthIntegTest(file, dir);
  for (const entry of fs.readdirSync(dir)) {
    if (entry.startsWith('asset.') || entry === '.cache') {
      fs.rmSync(path.join(dir, entry), { recursive: true, force: true });
    }
  }
}
