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
import { LoosenedSpec, STACK_ID, TABLE_PATH, TableConfig } from './generators';
import {
  LOOSENED_FINDINGS, Synthesized, baselineLogicalIds, checkAlarms, checkTableDefaults, checkWarnings, checkWildcards,
  logicalIdsIn, loosenedIn, synthesize,
} from './invariants';
import { validConfigurations } from './valid-properties';

describe('valid ProductionTable configurations (property-based), shard 1', () => {
  validConfigurations(0);
});

// ---------------------------------------------------------------------------------------------
// The invariants above can fail: each one rejects an assembly that breaks it. Two apps are
// synthesized, every default kept and every default loosened, and each is judged against the
// other's configuration, or edited to break one invariant. (In this file, not one of its own, so
// that jest loads aws-cdk-lib and the library once.)
// ---------------------------------------------------------------------------------------------

const KEPT: LoosenedSpec = { pitrOff: false, deletionProtectionOff: false, destroy: false, insightsOff: false, backupOff: false, alarmsNone: false };
const base: TableConfig = {
  env: true,
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'N' },
  gsis: [{ indexName: 'byStatus', multiAttribute: true, partitionKeys: [{ name: 'status', type: 'S' }], sortKeys: [], projection: { kind: 'ALL' }, later: false }],
  lsis: [],
  billing: { mode: 'onDemand' },
  replicas: [{ region: 'us-east-1', later: false }],
  encryption: 'default',
  consumers: [{}],
  endpoint: true,
  tenant: { access: 'READ', restrictAttributes: false },
  loosened: KEPT,
};
const loose: TableConfig = {
  ...base,
  encryption: 'awsManaged',
  loosened: { pitrOff: true, deletionProtectionOff: true, destroy: true, insightsOff: true, backupOff: true, alarmsNone: true },
};

const clone = (s: Synthesized): Synthesized => ({
  templates: new Map([...s.templates].map(([id, t]) => [id, JSON.parse(JSON.stringify(t))])),
  warnings: [...s.warnings],
  paths: s.paths,
  userPaths: s.userPaths,
  schemaFindings: s.schemaFindings,
});

describe('the property invariants can fail', () => {
  let kept: Synthesized;
  let loosened: Synthesized;
  beforeAll(() => {
    kept = synthesize(base);
    loosened = synthesize(loose);
  });

  test('each holds for its own configuration', () => {
    for (const [config, s] of [[base, kept], [loose, loosened]] as const) {
      const violations = [
        ...checkTableDefaults(config, s), ...checkWarnings(config, s), ...checkAlarms(config, s), ...checkWildcards(s), ...s.schemaFindings,
      ];
      expect(violations).toEqual([]);
    }
  });

  test('the table defaults: a loosened template fails the kept configuration, and the other way round', () => {
    const keptAgainstLoose = checkTableDefaults(base, loosened).join('\n');
    for (const broken of ['PointInTimeRecoveryEnabled', 'DeletionProtectionEnabled', 'DeletionPolicy', 'customer-managed key', 'contributor insights', 'backup selection']) {
      expect(keptAgainstLoose).toContain(broken);
    }
    const looseAgainstKept = checkTableDefaults(loose, kept).join('\n');
    for (const broken of ['PointInTimeRecoveryEnabled', 'DeletionProtectionEnabled', 'DeletionPolicy', 'customer-managed key', 'contributor insights', 'backup selection']) {
      expect(looseAgainstKept).toContain(broken);
    }
  });

  test('the warnings: a missing, a duplicated, a misplaced and a stray warning each fail', () => {
    const missing = checkWarnings(loose, kept).join('\n');
    const expected = Object.entries(LOOSENED_FINDINGS).filter(([rule]) => loosenedIn(loose)[rule as keyof typeof LOOSENED_FINDINGS]);
    // DESTROY's one finding stands for the deletion protection and the backup it turns off.
    expect(expected.map(([rule]) => rule)).toEqual(['pitr', 'retain', 'cmk', 'insights', 'alarms']);
    expected.forEach(([, id]) => expect(missing).toContain(`${id}: 0 warnings (none), expected 1`));
    const pitr = loosened.warnings.find(w => w.text.includes(LOOSENED_FINDINGS.pitr))!;
    expect(checkWarnings(loose, { ...loosened, warnings: [...loosened.warnings, pitr] })).toHaveLength(1);
    expect(checkWarnings(loose, { ...loosened, warnings: [...loosened.warnings.filter(w => w !== pitr), { ...pitr, path: `${STACK_ID}/Other` }] })).toHaveLength(1);
    expect(checkWarnings(base, { ...kept, warnings: [...kept.warnings, { path: TABLE_PATH, text: 'something [ack: DynamoDbChecks::Else]' }] })).toHaveLength(1);
  });

  test('the alarms: an alarm without actions, a long description or too many metrics fails', () => {
    const broken = clone(kept);
    const alarms = Object.values<any>(broken.templates.get(STACK_ID).Resources).filter(r => r.Type === 'AWS::CloudWatch::Alarm');
    alarms[0].Properties.AlarmActions = [];
    alarms[1].Properties.AlarmDescription = 'x'.repeat(1025);
    const math = alarms.find(a => a.Properties.Metrics)!;
    math.Properties.Metrics = Array.from({ length: 11 }, (_, i) => ({ ...math.Properties.Metrics.find((m: any) => m.MetricStat), Id: `m${i}` }));
    expect(checkAlarms(base, broken)).toHaveLength(3);
    expect(checkAlarms(loose, kept).join()).toContain('expected none');
  });

  test('the wildcards: an undocumented Resource "*", a wildcard action, kms:* for another principal and an open endpoint fail', () => {
    const broken = clone(kept);
    const resources = broken.templates.get(STACK_ID).Resources;
    const policy = Object.values<any>(resources).find(r => r.Type === 'AWS::IAM::ManagedPolicy')!;
    policy.Properties.PolicyDocument.Statement.push(
      { Effect: 'Allow', Action: 's3:GetObject', Resource: '*' },
      { Effect: 'Allow', Action: 'dynamodb:*', Resource: 'arn:aws:dynamodb:eu-west-1:111111111111:table/x' },
      { Effect: 'Allow', NotAction: 's3:*', Resource: 'arn:aws:s3:::b' },
    );
    const key = Object.values<any>(resources).find(r => r.Type === 'AWS::KMS::Key')!;
    key.Properties.KeyPolicy.Statement.push({ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::222222222222:root' }, Action: 'kms:*', Resource: '*' });
    const endpoint = Object.values<any>(resources).find(r => r.Type === 'AWS::EC2::VPCEndpoint')!;
    endpoint.Properties.PolicyDocument.Statement.push({ Effect: 'Allow', Principal: '*', Action: 'dynamodb:*', Resource: '*' });
    // A Deny with wildcards is fine.
    policy.Properties.PolicyDocument.Statement.push({ Effect: 'Deny', Action: '*', Resource: '*' });
    expect(checkWildcards(broken)).toHaveLength(5);
  });

  test('the logical IDs: the baseline is the table\'s and its key\'s', () => {
    const ids = logicalIdsIn(kept);
    expect(ids.table).toMatch(/^Orders/);
    expect(ids.key).toMatch(/^OrdersKey/);
    expect(baselineLogicalIds(base)).toEqual(ids);
  });
});
