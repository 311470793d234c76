import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { integTestFiles, readTemplates, snapshotDir, synthIntegTest, TEST_DIR, comparable } from './integ-synth';

// The integration tests deploy only where someone runs integ-runner with an AWS account. Their
// committed snapshots are checked here on every `npm test`, without deploying: a change to what
// they synthesize must be accepted on purpose, with scripts/integ-snapshots.ts.
describe.each(integTestFiles())('%s', file => {
  let outdir: string;
  beforeAll(() => {
    outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'integ-snapshot-'));
  });
  afterAll(() => {
    fs.rmSync(outdir, { recursive: true, force: true });
  });

  test('synthesizes the templates of its committed snapshot', () => {
    expect(fs.existsSync(snapshotDir(file))).toBe(true);
    const expected = readTemplates(snapshotDir(file));
    const actual = synthIntegTest(file, outdir);

    expect(Object.keys(actual).sort()).toEqual(Object.keys(expected).sort());
    for (const name of Object.keys(expected)) {
      expect({ [name]: comparable(actual[name]) }).toEqual({ [name]: comparable(expected[name]) });
    }
  });
});

test('every snapshot belongs to an integ test', () => {
  const snapshots = fs.readdirSync(TEST_DIR).filter(entry => entry.endsWith('.snapshot'));
  expect(snapshots.map(entry => entry.replace(/\.snapshot$/, '')).sort()).toEqual(integTestFiles());
});
