import * as fs from 'fs';
import * as path from 'path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { ENV, logicalId, newApp, newStack, PK, runChecks } from './helpers';
import { DynamoDbChecks, ProductionTable } from '../../src';

const RULES = [
  'PointInTimeRecoveryEnabled',
  'CustomerManagedKeyEncryption',
  'DeletionProtectionEnabled',
  'ProvisionedCapacityAutoscaled',
  'InBackupPlan',
  'ContributorInsightsEnabled',
];

test('ruleIds lists the six rules', () => {
  expect(new DynamoDbChecks().ruleIds).toEqual(RULES);
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
