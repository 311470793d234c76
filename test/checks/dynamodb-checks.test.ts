import * as fs from 'fs';
import * as path from 'path';
import { App, Fn, Stack, Validations } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { daxCluster } from './dax';
import { ENV, logicalId, newApp, newStack, PK, runChecks } from './helpers';
import { DynamoDbChecks, ProductionTable } from '../../src';
import { DynamoDbKitError } from '../../src/private/errors';

// The table rules that judge every table without parameters.
const RULES = [
  'PointInTimeRecoveryEnabled',
  'CustomerManagedKeyEncryption',
  'DeletionProtectionEnabled',
  'ProvisionedCapacityAutoscaled',
  'InBackupPlan',
  'ContributorInsightsEnabled',
];
// The table rules that judge only when their parameter is given, and the DAX cluster rules.
const PARAMETER_RULES = ['KmsKeyAllowListed', 'TableTagged', 'BackupCopiedToRegions', 'BackupCopiedToAccounts', 'BackupVaultLocked'];
const CLUSTER_RULES = ['CacheEncryptedAtRest', 'CacheEncryptedInTransit', 'CacheFaultTolerant'];

test('ruleIds lists the table rules, then the cluster rules', () => {
  expect(new DynamoDbChecks().ruleIds).toEqual([...RULES, ...PARAMETER_RULES, ...CLUSTER_RULES]);
});

describe('DynamoDbChecksProps', () => {
  test('new DynamoDbChecks(), (app) and (app, {}) all work', () => {
    const app = newApp();
    expect(() => [new DynamoDbChecks(), new DynamoDbChecks(app), new DynamoDbChecks(app, {})]).not.toThrow();
  });

  test.each([
    [{ minProvisionedReadCapacity: 0 }, 'minProvisionedReadCapacity must be an integer from 1 to 40000 (Security Hub DynamoDB.1), got 0'],
    [{ minProvisionedWriteCapacity: 40001 }, 'minProvisionedWriteCapacity must be an integer from 1 to 40000 (Security Hub DynamoDB.1), got 40001'],
    [{ targetReadUtilization: 19 }, 'targetReadUtilization must be an integer from 20 to 90 (Security Hub DynamoDB.1), got 19'],
    [{ targetWriteUtilization: 70.5 }, 'targetWriteUtilization must be an integer from 20 to 90 (Security Hub DynamoDB.1), got 70.5'],
    [{ minRecoveryPeriodInDays: 36 }, 'minRecoveryPeriodInDays must be an integer from 1 to 35 (DynamoDB RecoveryPeriodInDays), got 36'],
    [{ requiredTagKeys: ['a', 'b', 'c', 'd', 'e', 'f', 'g'] }, 'requiredTagKeys must list 1-6 tag keys (Security Hub DynamoDB.5), got 7'],
    [{ requiredTagKeys: ['aws:owner'] }, "requiredTagKeys[0] must be a tag key of 1-128 characters that does not start with 'aws:', got 'aws:owner'"],
    [{ requiredTagKeys: [] }, 'requiredTagKeys must list at least one entry, or be left out; got an empty list'],
    [{ kmsKeyArns: ['arn:aws:s3:::bucket'] }, 'kmsKeyArns[0] must be a KMS key or alias ARN'],
    [{ crossRegionList: ['Frankfurt'] }, "crossRegionList[0] must be a region name such as eu-central-1, got 'Frankfurt'"],
    [{ crossAccountList: ['12345'] }, "crossAccountList[0] must be a 12-digit account id, got '12345'"],
  ])('refuses %j', (props, message) => {
    expect(() => new DynamoDbChecks(undefined, props)).toThrow(DynamoDbKitError);
    expect(() => new DynamoDbChecks(undefined, props)).toThrow(message);
  });

  test('accepts the bounds of each range', () => {
    expect(() => new DynamoDbChecks(undefined, {
      minProvisionedReadCapacity: 1,
      minProvisionedWriteCapacity: 40000,
      targetReadUtilization: 20,
      targetWriteUtilization: 90,
      minRecoveryPeriodInDays: 35,
      requiredTagKeys: ['owner'],
      kmsKeyArns: ['arn:aws:kms:us-east-1:111111111111:key/00000000-0000-0000-0000-000000000000', 'TableKey1234ABCD'],
      crossRegionList: ['eu-central-1'],
      crossAccountList: ['222222222222'],
      backupVaultLockCheck: true,
    })).not.toThrow();
  });
});

describe('findings that cannot be decided at synth', () => {
  test('are violations of the same rule, with an error severity and a description that says so', () => {
    const stack = newStack();
    const cluster = daxCluster(stack, { availabilityZones: Fn.getAzs() });

    const { report } = runChecks(stack);

    expect(report.success).toBe(false);
    expect(report.violations).toEqual([expect.objectContaining({
      ruleName: 'CacheFaultTolerant',
      severity: 'error',
      description: expect.stringMatching(/^Cannot decide at synth: .* The DAX cluster does not have/),
      ruleMetadata: { verdict: 'cannot decide at synth' },
      violatingResources: [expect.objectContaining({ resourceLogicalId: logicalId(cluster), locations: ['Properties/AvailabilityZones'] })],
    })]);
  });

  test('one acknowledgement of the rule clears them under synth', () => {
    const app = withChecks();
    const stack = new Stack(app, 'Stack');
    const cluster = daxCluster(stack, { availabilityZones: Fn.getAzs() });
    Validations.of(cluster).acknowledge({ id: 'DynamoDbChecks::CacheFaultTolerant', reason: 'The stack is deployed only to regions with three zones.' });

    expect(() => app.synth()).not.toThrow();
    const [plugin] = readReport(app).pluginReports;
    expect(plugin.suppressedViolations.map((v: any) => [v.ruleName, v.acknowledgedId])).toEqual([['CacheFaultTolerant', 'DynamoDbChecks::CacheFaultTolerant']]);
  });
});

describe('validate', () => {
  test('flags a bare TableV2 and a bare Table under every rule that applies to each', () => {
    // GIVEN an on-demand TableV2 (autoscaling does not apply) and a Table (provisioned 5/5 by default)
    const stack = newStack();
    const tableV2 = logicalId(new dynamodb.TableV2(stack, 'TableV2', { partitionKey: PK }));
    const table = logicalId(new dynamodb.Table(stack, 'Table', { partitionKey: PK }));

    // WHEN
    const { report, findings } = runChecks(stack);

    // THEN
    expect(report.success).toBe(false);
    expect(findings).toEqual({
      PointInTimeRecoveryEnabled: [
        { resourceLogicalId: tableV2, locations: ['Properties/Replicas/0/PointInTimeRecoverySpecification'] },
        { resourceLogicalId: table, locations: ['Properties/PointInTimeRecoverySpecification'] },
      ],
      CustomerManagedKeyEncryption: [
        { resourceLogicalId: tableV2, locations: ['Properties/SSESpecification'] },
        { resourceLogicalId: table, locations: ['Properties/SSESpecification'] },
      ],
      DeletionProtectionEnabled: [
        { resourceLogicalId: tableV2, locations: ['Properties/Replicas/0/DeletionProtectionEnabled'] },
        { resourceLogicalId: table, locations: ['Properties/DeletionProtectionEnabled'] },
      ],
      ProvisionedCapacityAutoscaled: [
        {
          resourceLogicalId: table,
          locations: ['Properties/ProvisionedThroughput/ReadCapacityUnits', 'Properties/ProvisionedThroughput/WriteCapacityUnits'],
        },
      ],
      InBackupPlan: [
        { resourceLogicalId: tableV2, locations: ['Properties'] },
        { resourceLogicalId: table, locations: ['Properties'] },
      ],
      ContributorInsightsEnabled: [
        { resourceLogicalId: tableV2, locations: ['Properties/Replicas/0/ContributorInsightsSpecification'] },
        { resourceLogicalId: table, locations: ['Properties/ContributorInsightsSpecification'] },
      ],
    });
  });

  test('reports every violation as an error, with a description and a fix, for the template it is in', () => {
    const stack = newStack();
    new dynamodb.Table(stack, 'Table', { partitionKey: PK });

    const { report } = runChecks(stack);

    expect(report.violations.map(violation => violation.ruleName)).toEqual(RULES);
    for (const violation of report.violations) {
      expect(violation.severity).toEqual('error');
      expect(violation.description).not.toEqual('');
      expect(violation.fix).not.toEqual('');
      expect(violation.violatingResources.map(resource => path.basename(resource.templatePath ?? ''))).toEqual(['Stack.template.json']);
    }
  });

  test('passes a ProductionTable', () => {
    const stack = newStack(ENV);
    new ProductionTable(stack, 'Table', { partitionKey: PK });

    expect(runChecks(stack).report).toEqual({ success: true, violations: [] });
  });

  test('reads every stack of the app', () => {
    const app = newApp();
    const first = new dynamodb.TableV2(new Stack(app, 'First'), 'Table', { partitionKey: PK });
    const second = new dynamodb.TableV2(new Stack(app, 'Second'), 'Table', { partitionKey: PK });

    const { report } = runChecks(app);

    const inBackupPlan = report.violations.find(violation => violation.ruleName === 'InBackupPlan');
    expect(inBackupPlan?.violatingResources.map(resource => [path.basename(resource.templatePath ?? ''), resource.resourceLogicalId]))
      .toEqual([['First.template.json', logicalId(first)], ['Second.template.json', logicalId(second)]]);
  });
});

describe('as a policy-validation plugin of the app', () => {
  test('fails synth on a bare TableV2, naming the rules', () => {
    // GIVEN
    const app = withChecks();
    new dynamodb.TableV2(new Stack(app, 'Stack'), 'Table', { partitionKey: PK });

    // THEN
    expect(() => app.synth()).toThrow(/Acknowledge with 'DynamoDbChecks::PointInTimeRecoveryEnabled'/);
    const report = readReport(app);
    expect(report.pluginReports.map((plugin: any) => [plugin.pluginName, plugin.conclusion])).toEqual([['DynamoDbChecks', 'failure']]);
    expect(report.pluginReports[0].violations.map((violation: any) => [violation.ruleName, violation.severity])).toEqual([
      ['PointInTimeRecoveryEnabled', 'error'],
      ['CustomerManagedKeyEncryption', 'error'],
      ['DeletionProtectionEnabled', 'error'],
      ['InBackupPlan', 'error'],
      ['ContributorInsightsEnabled', 'error'],
    ]);
    expect(report.pluginReports[0].violations[0].violatingConstructs[0].constructPath).toEqual('Stack/Table/Resource');
  });

  test('an acknowledgement on a bare TableV2 lets synth pass and is recorded in the report with its reason', () => {
    // GIVEN a bare TableV2, acknowledged on the table for contributor insights only
    const app = withChecks();
    const table = new dynamodb.TableV2(new Stack(app, 'Stack', { env: ENV }), 'Table', { partitionKey: PK });
    const reason = 'The table is read by a batch job only; throttled keys are known in advance.';
    Validations.of(table).acknowledge({ id: 'DynamoDbChecks::ContributorInsightsEnabled', reason });

    // WHEN the other findings remain
    expect(() => app.synth()).toThrow(/DynamoDbChecks::PointInTimeRecoveryEnabled/);

    // THEN the acknowledged one is recorded with its reason, and only it is suppressed
    const [plugin] = readReport(app).pluginReports;
    expect(plugin.pluginName).toEqual('DynamoDbChecks');
    expect(plugin.violations.map((v: any) => v.ruleName)).not.toContain('ContributorInsightsEnabled');
    expect(plugin.suppressedViolations).toEqual([expect.objectContaining({
      ruleName: 'ContributorInsightsEnabled',
      acknowledgedId: 'DynamoDbChecks::ContributorInsightsEnabled',
      reason,
      acknowledgedAt: 'Stack/Table',
      violatingConstructs: [expect.objectContaining({
        constructPath: 'Stack/Table/Resource',
        cloudFormationResource: expect.objectContaining({
          propertyPaths: ['Properties/Replicas/0/ContributorInsightsSpecification'],
        }),
      })],
    })]);
  });

  test("a ProductionTable's explicit choice is one finding: its warning, which the rule does not repeat", () => {
    // GIVEN a ProductionTable whose user turned contributor insights off
    const app = withChecks();
    const stack = new Stack(app, 'Stack', { env: ENV });
    const table = new ProductionTable(stack, 'Table', { partitionKey: PK, contributorInsightsSpecification: { enabled: false } });

    // WHEN
    app.synth();

    // THEN the plugin reports nothing, and the table carries the one warning, with the rule's id
    expect(readReport(app).pluginReports.flatMap((plugin: any) => plugin.violations)).toEqual([]);
    const warnings = table.node.metadata.filter(entry => entry.type === 'aws:cdk:warning').map(entry => String(entry.data));
    expect(warnings).toEqual([expect.stringMatching(/^Contributor insights are off.*\[ack: DynamoDbChecks::ContributorInsightsEnabled\]$/)]);
  });

  test('one acknowledgement of that id clears the warning, and the reason stays in the cloud assembly', () => {
    // GIVEN
    const app = withChecks();
    const stack = new Stack(app, 'Stack', { env: ENV });
    const table = new ProductionTable(stack, 'Table', { partitionKey: PK, contributorInsightsSpecification: { enabled: false } });
    const reason = 'The table is read by a batch job only; throttled keys are known in advance.';
    Validations.of(table).acknowledge({ id: 'DynamoDbChecks::ContributorInsightsEnabled', reason });

    // WHEN
    const assembly = app.synth();

    // THEN
    const warnings = assembly.getStackArtifact(stack.artifactId).findMetadataByType('aws:cdk:warning').map(entry => String(entry.data));
    expect(warnings.filter(warning => warning.includes('ContributorInsightsEnabled'))).toEqual([]);
    expect(warnings.length).toBeGreaterThan(0); // the topic nobody is subscribed to is still reported
    const acknowledged = assembly.getStackArtifact(stack.artifactId).findMetadataByType('aws:cdk:acknowledged-rules');
    expect(acknowledged.map(entry => entry.data)).toContainEqual({ 'DynamoDbChecks::ContributorInsightsEnabled': reason });
  });
});

const pluginApps: App[] = [];
afterEach(() => {
  for (const app of pluginApps.splice(0)) {
    fs.rmSync(app.outdir, { recursive: true, force: true });
  }
});

function withChecks(): App {
  const app = newApp();
  pluginApps.push(app);
  Validations.of(app).addPlugins(new DynamoDbChecks(app));
  return app;
}

function readReport(app: App): any {
  return JSON.parse(fs.readFileSync(path.join(app.outdir, 'validation-report.json'), 'utf-8'));
}
