/**
 * Property-based tests of VALID ProductionTable configurations: random tables (keys of every type,
 * GSIs with multi-attribute keys, LSIs, both billing modes, replicas, stream consumers, the VPC
 * endpoint, tenant access, alarm options, loosened defaults, with and without an env) must
 * synthesize, keep their defaults unless loosened (and then leave exactly their one finding), make
 * no alarm that notifies nobody, allow no undocumented wildcard, keep the table's logical ID, and
 * synthesize byte-identically twice. Strict configurations also pass every compliance plugin.
 *
 * Fixed seeds, so a run is repeatable. More runs locally:
 *   PROPERTY_RUNS=3000 PROPERTY_COMPLIANCE_RUNS=100 npx jest test/property --maxWorkers=1 --coverage=false
 * PROPERTY_SEED picks another seed.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as fc from 'fast-check';
import { listFindings, synthWithChecks } from '../compliance-harness';
import { FeatureTally, TableConfig, build, configuration } from './generators';
import {
  baselineLogicalIds, checkAlarms, checkSchema, checkTableDefaults, checkWarnings, checkWildcards, logicalIdsIn, synthesize, templatesJson,
} from './invariants';

const RUNS = Number(process.env.PROPERTY_RUNS ?? 150);
const DETERMINISM_RUNS = Number(process.env.PROPERTY_DETERMINISM_RUNS ?? Math.ceil(RUNS / 3));
const COMPLIANCE_RUNS = Number(process.env.PROPERTY_COMPLIANCE_RUNS ?? 20);
const SEED = Number(process.env.PROPERTY_SEED ?? 20250611);
/** Generous: the machine is shared, and a ProductionTable app takes 0.3-1 s to synthesize here. */
const TIMEOUT = 60 * 60 * 1000;

const pk = (name: string) => ({ name, type: 'S' as const });
/**
 * Always run, whatever the seed: GSIs named like the alarms' construct ids (a previous fuzzing
 * round found that such a name crashed the alarms), on a provisioned global table with every feature.
 */
const ALARM_NAMED_INDEXES: TableConfig = {
  env: true,
  partitionKey: pk('pk'),
  sortKey: pk('sk'),
  gsis: ['HotKeyThrottles', 'CapacityCeiling', 'SystemErrors', 'ProvisionedThrottles', 'ReplicationLatencyus-east-1', 'Latency'].map((indexName, i) => ({
    indexName, multiAttribute: i % 2 === 0, partitionKeys: [pk(`g${i}`)], sortKeys: [pk('sk')], projection: { kind: 'ALL' as const }, later: i === 5,
  })),
  lsis: [{ indexName: 'AccountLimitThrottles', sortKey: { name: 'at', type: 'N' }, projection: { kind: 'KEYS_ONLY' }, later: false }],
  billing: { mode: 'provisioned', read: { min: 1, max: 10 }, write: { min: 1, max: 10, target: 20 } },
  replicas: [{ region: 'us-east-1', later: false }],
  encryption: 'default',
  consumers: [{}],
  endpoint: true,
  tenant: { access: 'READ_WRITE', restrictAttributes: false },
  alarms: { latencyThresholdMillis: 50 },
  loosened: { pitrOff: false, deletionProtectionOff: false, destroy: false, insightsOff: false, backupOff: false, alarmsNone: false },
};

describe('valid ProductionTable configurations (property-based)', () => {
  test(`${RUNS} configurations synthesize and keep every invariant`, () => {
    const tally = new FeatureTally();
    const started = Date.now();
    fc.assert(fc.property(configuration({ strict: false }), config => {
      tally.add(config);
      const synthesized = synthesize(config);
      const violations = [
        ...checkTableDefaults(config, synthesized),
        ...checkWarnings(config, synthesized),
        ...checkAlarms(config, synthesized),
        ...checkWildcards(synthesized),
        ...checkSchema(synthesized),
      ];
      // The table's logical ID (and its default key's) do not depend on the optional features.
      const ids = logicalIdsIn(synthesized);
      const baseline = baselineLogicalIds(config);
      if (ids.table !== baseline.table) {
        violations.push(`table logical ID ${ids.table}, ${baseline.table} with the same keys and no options`);
      }
      if (config.encryption === 'default' && ids.key !== baseline.key) {
        violations.push(`table key logical ID ${ids.key}, ${baseline.key} with the same keys and no options`);
      }
      expect(violations).toEqual([]);
    }), { seed: SEED, numRuns: RUNS, examples: [[ALARM_NAMED_INDEXES]] });
    console.log(tally.summary('valid configurations', Date.now() - started));

    // The generator reaches what the brief asks for; a change that stopped generating a feature would fail here.
    if (RUNS >= 100) {
      for (const feature of ['env', 'agnostic', 'pk:S', 'pk:N', 'pk:B', 'sortKey', 'gsi', 'multiAttributeGsi', 'gsiLater', 'lsi',
        'onDemand', 'onDemandMax', 'provisioned', 'replicas', 'replicaLater', 'replicasGivenKeys', 'consumers', 'endpoint', 'tenant',
        'alarmOptions', 'alarmLikeIndexName', 'loose:pitr', 'loose:deletionProtection', 'loose:destroy', 'loose:awsKey',
        'loose:insights', 'loose:backup', 'loose:alarms', 'noLoosening']) {
        expect([feature, tally.count(feature)]).not.toEqual([feature, 0]);
      }
    }
  }, TIMEOUT);

  test(`${DETERMINISM_RUNS} configurations synthesize byte-identically in two fresh apps`, () => {
    const tally = new FeatureTally();
    const started = Date.now();
    fc.assert(fc.property(configuration({ strict: false }), config => {
      tally.add(config);
      expect(templatesJson(synthesize(config))).toEqual(templatesJson(synthesize(config)));
    }), { seed: SEED + 1, numRuns: DETERMINISM_RUNS });
    console.log(tally.summary('deterministic synthesis', Date.now() - started));
  }, TIMEOUT);

  test(`${COMPLIANCE_RUNS} strict configurations pass all seven compliance plugins`, () => {
    const documented = documentedAcknowledgements();
    const tally = new FeatureTally();
    const started = Date.now();
    fc.assert(fc.property(configuration({ strict: true }), config => {
      tally.add(config);
      let userPaths = new Set<string>();
      const result = synthWithChecks(app => {
        userPaths = build(app, config, { compliantUserCode: true }).userPaths;
      });
      expect(listFindings(result.unacknowledged)).toEqual('');
      // The acknowledgements the library set are the README's; the user's code (the examples'
      // handler and VPC) acknowledges its own.
      const library = result.acknowledged.filter(f => !f.constructs.every(c => userPaths.has(c)));
      expect([...new Set(library.map(f => f.acknowledgedId))].filter(id => !documented.has(id!))).toEqual([]);
    }), { seed: SEED + 2, numRuns: COMPLIANCE_RUNS });
    console.log(tally.summary('compliance plugins', Date.now() - started));
  }, TIMEOUT);
});

/** The acknowledgement ids of the README compliance table, read the way test/compliance.test.ts reads them. */
function documentedAcknowledgements(): Set<string> {
  const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf-8');
  const section = readme.slice(readme.indexOf('## Compliance table: acknowledgements'));
  const table = section.slice(0, section.indexOf('\n## ', 1));
  const ids = new Set([...table.matchAll(/^\| `([^`]+)` \|/gm)].map(match => match[1]));
  expect(ids.size).toBeGreaterThan(5);
  return ids;
}
