/**
 * `npx ts-node --transpile-only scripts/integ-snapshots.ts [integ.<name>.ts ...]`: rewrites the
 * committed snapshots of the integration tests (all of them, or those named), after an intended
 * change to what they synthesize. `npm test` checks them (test/integ-snapshots.test.ts).
 */
import { integTestFiles, snapshotDir, writeSnapshot } from '../test/integ-synth';

const files = process.argv.length > 2 ? process.argv.slice(2) : integTestFiles();
for (const file of files) {
  if (!integTestFiles().includes(file)) {
    throw new Error(`${file} is not an integ test in test/: expected one of ${integTestFiles().join(', ')}`);
  }
  writeSnapshot(file);
  console.log(`${file} -> ${snapshotDir(file)}`);
}
