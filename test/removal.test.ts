import { App, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { AlarmTopic, ProductionTable, ProductionTableProps, TableBackup, VaultLock } from '../src';
import { listFindings, synthWithChecks } from './compliance-harness';
import { streamHandler } from '../examples/stream-handler';
import { DynamoDbKitError } from '../src/private/errors';

const pk = { name: 'pk', type: dynamodb.AttributeType.STRING };
const DEV: Partial<ProductionTableProps> = { removalPolicy: RemovalPolicy.DESTROY };
const TABLE_RETAINED = 'DynamoDbChecks::TableRetained';

function plainHandler(stack: Stack, id = 'Handler'): lambda.Function {
  return new lambda.Function(stack, id, {
    runtime: lambda.Runtime.NODEJS_24_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => ({ batchItemFailures: [] });'),
  });
}

/** A dev stack: a DESTROY table with a GSI, a stream consumer, default alarms to a subscribed topic. */
function devStack(stack: Stack, handler: (s: Stack) => lambda.IFunction = plainHandler, props: Partial<ProductionTableProps> = DEV): ProductionTable {
  const table = new ProductionTable(stack, 'Orders', {
    partitionKey: pk,
    globalSecondaryIndexes: [{ indexName: 'byStatus', partitionKey: { name: 'status', type: dynamodb.AttributeType.STRING } }],
    ...props,
  });
  table.addStreamConsumer('Projector', { handler: handler(stack) });
  AlarmTopic.of(stack).addEmailSubscription('oncall@example.com');
  return table;
}

/** Every resource whose DeletionPolicy or UpdateReplacePolicy keeps it, by logical ID. */
function retained(template: Template): string[] {
  return Object.entries<any>(template.toJSON().Resources)
    .filter(([, resource]) => [resource.DeletionPolicy, resource.UpdateReplacePolicy].some(p => p !== undefined && p !== 'Delete'))
    .map(([id]) => id);
}

/** The ack ids of the stack's warnings. */
function warningIds(stack: Stack): string[] {
  return Annotations.fromStack(stack).findWarning('*', Match.anyValue()).map(w => String(w.entry.data).match(/\[ack: (.*)\]/)?.[1] ?? String(w.entry.data));
}

describe('a removable dev stack: removalPolicy DESTROY', () => {
  test('every resource is deleted with the stack: no Retain, keys after 7 days, no deletion protection, no backup plan', () => {
    // GIVEN / WHEN
    const stack = new Stack(new App(), 'Dev');
    devStack(stack);

    // THEN
    const template = Template.fromStack(stack);
    // Nothing of the stack is kept: what stays is outside CloudFormation (README, "A removable dev stack").
    expect(retained(template)).toEqual([]);
    const keys = Object.values<any>(template.findResources('AWS::KMS::Key'));
    // The table's key and the alarm topic's key.
    expect(keys).toHaveLength(2);
    expect(keys.map(key => [key.DeletionPolicy, key.Properties.PendingWindowInDays, key.Properties.EnableKeyRotation]))
      .toEqual([['Delete', 7, true], ['Delete', 7, true]]);
    const table = Object.values<any>(template.findResources('AWS::DynamoDB::GlobalTable'))[0];
    expect(table.Properties.Replicas.map((replica: any) => replica.DeletionProtectionEnabled)).toEqual([false]);
    expect(table.Properties.Replicas[0].PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true, RecoveryPeriodInDays: 35 });
    template.resourceCountIs('AWS::Backup::BackupVault', 0);
    template.resourceCountIs('AWS::Backup::BackupPlan', 0);
    // The failure queue and the subscriptions' dead-letter queue.
    expect(Object.values<any>(template.findResources('AWS::SQS::Queue')).map(queue => queue.DeletionPolicy)).toEqual(['Delete', 'Delete']);
    expect(warningIds(stack)).toEqual([TABLE_RETAINED]);
  });

  test('under every compliance plugin it is one finding, and one acknowledgement clears it', () => {
    const build = (acknowledge: boolean) => {
      let app!: App;
      const result = synthWithChecks(a => {
        app = a;
        const stack = new Stack(a, 'Dev');
        const table = devStack(stack, s => streamHandler(s, 'UserHandler', { code: lambda.Code.fromInline('exports.handler = async () => ({});') }));
        if (acknowledge) {
          Validations.of(table).acknowledge({ id: TABLE_RETAINED, reason: 'A dev stack, deleted after each feature branch; its data is test data.' });
        }
      });
      const warnings = app.synth().getStackArtifact('Dev').messages.filter(m => m.level === 'warning').map(m => `${m.id} ${m.entry.data}`);
      return { plugins: listFindings(result.unacknowledged), warnings };
    };

    const loose = build(false);
    expect(loose.plugins).toEqual('');
    expect(loose.warnings).toHaveLength(1);
    expect(loose.warnings[0]).toMatch(/^\/Dev\/Orders removalPolicy is destroy: .*deletion protection is off.*7 days.*no AWS Backup plan.*\[ack: DynamoDbChecks::TableRetained\]$/);

    const acknowledged = build(true);
    expect(acknowledged).toEqual({ plugins: '', warnings: [] });
  });

  test('a stack with one retained table keeps the shared parts retained', () => {
    // GIVEN / WHEN
    const stack = new Stack(new App(), 'Mixed');
    devStack(stack);
    new ProductionTable(stack, 'Ledger', { partitionKey: pk });

    // THEN
    const template = Template.fromStack(stack);
    const policyOf = (pattern: string) => Object.entries<any>(template.toJSON().Resources)
      .filter(([id]) => new RegExp(pattern).test(id)).map(([, resource]) => resource.DeletionPolicy);
    expect(policyOf('^OrdersKey')).toEqual(['Delete']);
    expect(policyOf('^OrdersProjectorFailureQueue[0-9A-F]{8}$')).toEqual(['Delete']);
    expect(policyOf('^LedgerKey')).toEqual(['Retain']);
    expect(policyOf('^DynamoDbKitAlarmsKey')).toEqual(['Retain']);
    expect(policyOf('^DynamoDbKitAlarmsUndeliverable[0-9A-F]{8}$')).toEqual(['Retain']);
    expect(policyOf('^DynamoDbKitBackupVault[0-9A-F]{8}$')).toEqual(['Retain']);
    // Only the retained table is backed up.
    template.hasResourceProperties('AWS::Backup::BackupSelection', {
      BackupSelection: { Resources: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^Ledger'), 'Arn'] }] },
    });
  });

  test('the stack\'s failure-queue key goes when every table it serves is removable', () => {
    // GIVEN: a table on an AWS managed key, so its consumer's queue uses the stack's failure-queue key.
    const stack = new Stack(new App(), 'Dev');
    const table = new ProductionTable(stack, 'Orders', { partitionKey: pk, ...DEV, encryption: dynamodb.TableEncryptionV2.awsManagedKey() });

    // WHEN
    table.addStreamConsumer('Projector', { handler: plainHandler(stack) });

    // THEN
    Template.fromStack(stack).hasResource('AWS::KMS::Key', {
      DeletionPolicy: 'Delete',
      Properties: { Description: Match.stringLikeRegexp('stream failure queues'), PendingWindowInDays: 7 },
    });
  });

  test('explicit deletionProtection and backup still win, and the one finding says so', () => {
    // GIVEN / WHEN
    const stack = new Stack(new App(), 'Dev');
    new ProductionTable(stack, 'Orders', { partitionKey: pk, ...DEV, deletionProtection: true, backup: true });

    // THEN
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::DynamoDB::GlobalTable', { Replicas: [Match.objectLike({ DeletionProtectionEnabled: true })] });
    template.resourceCountIs('AWS::Backup::BackupSelection', 1);
    expect(warningIds(stack)).toEqual([TABLE_RETAINED, 'DynamoDbChecks::AlarmTopicSubscribed']);
    const message = String(Annotations.fromStack(stack).findWarning('/Dev/Orders', Match.anyValue())[0].entry.data);
    expect(message).toMatch(/deletion protection stays on.*in the stack's AWS Backup plan/);
  });

  test('a removable global table\'s replicas lose deletion protection, and their keys go after 7 days', () => {
    // GIVEN / WHEN
    const stack = new Stack(new App(), 'Dev', { env: { account: '111111111111', region: 'eu-west-1' } });
    new ProductionTable(stack, 'Orders', { partitionKey: pk, ...DEV, replicas: [{ region: 'us-east-1' }] });

    // THEN
    const replicas: any[] = Object.values<any>(Template.fromStack(stack).findResources('AWS::DynamoDB::GlobalTable'))[0].Properties.Replicas;
    expect(replicas.map(replica => replica.DeletionProtectionEnabled)).toEqual([false, false]);
    const keyStack = stack.node.root.node.findChild('Dev-DynamoDbKitReplicas-us-east-1') as Stack;
    const keys = Object.values<any>(Template.fromStack(keyStack).findResources('AWS::KMS::Key'));
    expect(keys.map(key => [key.DeletionPolicy, key.Properties.PendingWindowInDays])).toEqual([['Delete', 7]]);
  });

  test.each([
    ['removable', DEV, 'Delete'],
    ['retained', {}, 'Retain'],
  ] as Array<[string, Partial<ProductionTableProps>, string]>)('a service stack whose only consumer reads a %s table of a data stack: its shared parts follow that table', (_name, props, policy) => {
    // GIVEN: the data stack / service stack layout; the consumer is made in the handler's stack.
    const app = new App();
    const env = { account: '111111111111', region: 'eu-west-1' };
    const data = new Stack(app, 'Data', { env });
    const service = new Stack(app, 'Service', { env });
    const table = new ProductionTable(data, 'Orders', { partitionKey: pk, ...props });

    // WHEN
    table.addStreamConsumer('Projector', { handler: plainHandler(service) });

    // THEN
    const template = Template.fromStack(service);
    template.resourceCountIs('AWS::DynamoDB::GlobalTable', 0);
    const policies = Object.entries<any>(template.toJSON().Resources)
      .filter(([, resource]) => ['AWS::KMS::Key', 'AWS::SQS::Queue'].includes(resource.Type))
      .map(([id, resource]) => `${id.replace(/[0-9A-F]{8}$/, '')} ${resource.DeletionPolicy}`);
    // The alarm topic's key, the failure queue, and the service stack's own failure-queue key (a queue
    // key from another stack fails Control Tower's CT.SQS.PR.2), each following the table it serves.
    expect(policies.sort()).toEqual([
      `DataOrdersProjectorFailureQueue ${policy}`, `DynamoDbKitAlarmsKey ${policy}`, `DynamoDbKitFailureQueueKey ${policy}`,
    ]);
  });

  test('a compliance-mode vault lock is refused for a removable table', () => {
    // GIVEN
    const stack = new Stack(new App(), 'Dev');
    TableBackup.of(stack, { vaultLock: VaultLock.compliance({ minRetention: Duration.days(7), changeableFor: Duration.days(3) }) });

    // WHEN / THEN
    expect(() => new ProductionTable(stack, 'Orders', { partitionKey: pk, ...DEV, backup: true })).toThrow(DynamoDbKitError);
    expect(() => new ProductionTable(stack, 'Orders2', { partitionKey: pk, ...DEV, backup: true }))
      .toThrow(/Dev\/Orders2 is deleted with its stack \(removalPolicy DESTROY\), but this backup plan's vault has a compliance-mode lock/);
    // A retained table joins the locked plan.
    expect(() => new ProductionTable(stack, 'Kept', { partitionKey: pk })).not.toThrow();
  });
});
