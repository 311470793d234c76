/**
 * Property-based tests of VALID ProductionTable configurations: random tables (keys of every type,
 * GSIs with multi-attribute keys, LSIs, both billing modes, replicas, stream consumers, the VPC
 * endpoint, tenant access, alarm options, loosened defaults, with and without an env) must
 * synthesize, keep their defaults unless loosened (and then leave exactly their one finding), make
 * no alarm that notifies nobody, allow no undocumented wildcard, keep the table's logical ID, and
 * synthesize byte-identically twice. Strict configurations also pass every compliance plugin.
 *
 * Fixed seeds, so a run is repeatable. By default 300 valid configurations, every fifth of them
 * synthesized a second time in a fresh app (60), and 20 strict ones (plus one example) through the
 * seven plugins; each test prints what it ran. A synth costs 0.1-0.5 s here, a plugin synth several
 * seconds (cfn-guard and five packs start each time). More runs locally:
 *   PROPERTY_RUNS=3000 PROPERTY_COMPLIANCE_RUNS=100 npx jest test/property --maxWorkers=1 --coverage=false
 * PROPERTY_DETERMINISM_EVERY (default 5: every fifth configuration is synthesized twice) and PROPERTY_SEED too.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as fc from 'fast-check';
import { listFindings, synthWithChecks } from '../compliance-harness';
import { FeatureTally, TableConfig, build, configuration } from './generators';
import {
  baselineLogicalIds, checkAlarms, checkSchema, checkTableDefaults, checkWarnings, checkWildcards, logicalIdsIn, synthesize, templatesJson,
} from './invariants';

const RUNS = Number(process.env.PROPERTY_RUNS ?? 300);
/** Every n-th configuration is synthesized a second time, in a fresh app, and must come out byte-identical. */
const DETERMINISM_EVERY = Number(process.env.PROPERTY_DETERMINISM_EVERY ?? 5);
const COMPLIANCE_RUNS = Number(process.env.PROPERTY_COMPLIANCE_RUNS ?? 20);
const COMPLIANCE_BATCH = 4;
const SEED = Number(process.env.PROPERTY_SEED ?? 20250611);
/** Generous: the machine is shared, and a ProductionTable app takes 0.3-1 s to synthesize here. */
const TIMEOUT = 60 * 60 * 1000;
/**
 * Shrinking synthesizes an app per step, and can take many minutes: it stops here, and the property
 * fails with the smallest counterexample found so far, before jest's timeout would end it silently.
 */
const LIMITS = { interruptAfterTimeLimit: TIMEOUT - 5 * 60 * 1000, markInterruptAsFailure: true };

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

/**
 * The valid configurations are split over SHARDS test files, so that jest's workers share them:
 * shard n runs its part of RUNS with a seed of its own (fixed), and shard 0 also the example.
 */
export const SHARDS = 2;

/** The property over shard `shard` of the valid configurations. */
export function validConfigurations(shard: number): void {
  const shardRuns = Math.ceil((RUNS - shard) / SHARDS);
  const seed = SEED + shard * 1000;
  test(`${shardRuns} configurations (shard ${shard + 1} of ${SHARDS}, seed ${seed}) synthesize and keep every invariant, every ${DETERMINISM_EVERY}th twice and byte-identically`, () => {
    const tally = new FeatureTally();
    const started = Date.now();
    let runs = 0;
    let twice = 0;
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
      // Deterministic: the same configuration in a second, fresh app gives the same templates. (The
      // schema check reads the templates and changes none, so the second synth skips it.)
      if (runs++ % DETERMINISM_EVERY === 0) {
        twice++;
        if (templatesJson(synthesize(config, { schema: false })) !== templatesJson(synthesized)) {
          violations.push('a second synth of the same configuration, in a fresh app, made different templates');
        }
      }
      expect(violations).toEqual([]);
    }), { ...LIMITS, seed, numRuns: shardRuns, examples: shard === 0 ? [[ALARM_NAMED_INDEXES]] : [] });
    console.log(`${tally.summary('valid configurations', Date.now() - started)}; ${twice} of ${runs} runs synthesized twice`);

    // The generator reaches what the brief asks for; a change that stopped generating a feature would fail here.
    if (shardRuns >= 100) {
      for (const feature of ['env', 'agnostic', 'pk:S', 'pk:N', 'pk:B', 'sortKey', 'gsi', 'multiAttributeGsi', 'gsiLater', 'lsi',
        'onDemand', 'onDemandMax', 'provisioned', 'replicas', 'replicaLater', 'replicasGivenKeys', 'consumers', 'endpoint', 'tenant',
        'alarmOptions', 'alarmLikeIndexName', 'loose:pitr', 'loose:deletionProtection', 'loose:destroy', 'loose:awsKey',
        'loose:insights', 'loose:backup', 'loose:alarms', 'noLoosening']) {
        expect([feature, tally.count(feature)]).not.toEqual([feature, 0]);
      }
    }
  }, TIMEOUT);
}

/** The strict configurations through all seven plugins. */
export function compliantConfigurations(): void {
  test(`${COMPLIANCE_RUNS} strict configurations pass all seven compliance plugins`, () => {
    const documented = documentedAcknowledgements();
    const tally = new FeatureTally();
    const started = Date.now();
    // A synth with the seven plugins costs seconds however small the app (cfn-guard and five packs
    // start each time), so the configurations go through them COMPLIANCE_BATCH at a time, one stack
    // each, in one app; a finding names its stack, S0 to S3, and so the configuration. The example
    // runs first, alone, then COMPLIANCE_RUNS random configurations.
    // Strict configurations only: a loosened default is one finding of the library's, but the other
    // packs see the same template and report it under their own ids (README, "Changing a default":
    // the Control Tower rule for point-in-time recovery, say), which the user acknowledges. Without
    // loosened defaults, nothing may be left unacknowledged.
    const batches = fc.array(configuration({ strict: true }), { minLength: COMPLIANCE_BATCH, maxLength: COMPLIANCE_BATCH });
    fc.assert(fc.property(batches, configs => {
      configs.forEach(config => tally.add(config));
      const userPaths = new Set<string>();
      const result = synthWithChecks(app => configs.forEach((config, i) =>
        build(app, config, { compliantUserCode: true, stackId: `S${i}` }).userPaths.forEach(p => userPaths.add(p))));
      expect(listFindings(result.unacknowledged)).toEqual('');
      // The acknowledgements the library set are the README's; the user's code (the examples'
      // handler and VPC) acknowledges its own.
      const library = result.acknowledged.filter(f => !f.constructs.every(c => userPaths.has(c)));
      expect([...new Set(library.map(f => f.acknowledgedId))].filter(id => !documented.has(id!))).toEqual([]);
    }), { ...LIMITS, seed: SEED + 2, numRuns: 1 + Math.ceil(COMPLIANCE_RUNS / COMPLIANCE_BATCH), examples: [[[ALARM_NAMED_INDEXES]]] });
    console.log(tally.summary('compliance plugins', Date.now() - started));
  }, TIMEOUT);
}

/** The acknowledgement ids of the README compliance table, read the way test/compliance.test.ts reads them. */
function documentedAcknowledgements(): Set<string> {
  const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf-8');
  const section = readme.slice(readme.indexOf('## Compliance table: acknowledgements'));
  const table = section.slice(0, section.indexOf('\n## ', 1));
  const ids = new Set([...table.matchAll(/^\| `([^`]+)` \|/gm)].map(match => match[1]));
  expect(ids.size).toBeGreaterThan(5);
  return ids;
}

