import { CfnParameter, Duration, Lazy, Stack, Token } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import {
  AlarmActions, AlarmTopic, BackupSchedule, CapacityPlanner, DynamoDbGatewayEndpoint, HardenedKey, ProductionTable, ReplicaKeyStack,
  StreamConsumer, TableAlarms, TableBackup, TableCache, TenantAccess, VaultLock,
} from '../src';
import { newStack, pk } from './fixtures';
import { DynamoDbKitError } from '../src/private/errors';

// Bad input, one table per kind of input: each is refused at synth with a DynamoDbKitError that
// names the property (and the construct, where one exists), never a TypeError, never accepted.

/** What a JavaScript caller can pass where TypeScript would stop it. */
const js = (value: unknown): any => value;

/** `act` throws a DynamoDbKitError whose message holds every fragment. */
function expectRefused(act: () => unknown, ...fragments: Array<string | RegExp>): void {
  let error: unknown;
  try {
    act();
  } catch (caught) {
    error = caught;
  }
  expect(error).toBeInstanceOf(DynamoDbKitError);
  for (const fragment of fragments) {
    expect((error as Error).message).toMatch(fragment);
  }
}

/** A stack with the stack's backup plan made with `vaultLock`, and one table in it. */
function withLock(vaultLock: VaultLock): Template {
  const stack = newStack();
  TableBackup.of(stack, { retention: Duration.days(35), vaultLock });
  new ProductionTable(stack, 'Orders', { partitionKey: pk });
  return Template.fromStack(stack);
}

describe('vault lock: never weaker than asked', () => {
  test('a compliance lock always renders ChangeableForDays, so that it is not a governance lock', () => {
    // GIVEN a compliance lock changeable for the AWS minimum
    const lock = VaultLock.compliance({ minRetention: Duration.days(7), changeableFor: Duration.days(3) });

    // WHEN
    const template = withLock(lock);

    // THEN
    template.hasResourceProperties('AWS::Backup::BackupVault', { LockConfiguration: { MinRetentionDays: 7, ChangeableForDays: 3 } });
  });

  test.each([
    ['changeableFor left out (JavaScript)', () => VaultLock.compliance(js({ minRetention: Duration.days(7) })), ['changeableFor must be given']],
    ['changeableFor null', () => VaultLock.compliance(js({ minRetention: Duration.days(7), changeableFor: null })), ['changeableFor must be', 'got null']],
    ['changeableFor 2 days', () => VaultLock.compliance({ minRetention: Duration.days(7), changeableFor: Duration.days(2) }), ['changeableFor must be a whole number of days, at least 3', '72-hour']],
    ['changeableFor 80 hours', () => VaultLock.compliance({ minRetention: Duration.days(7), changeableFor: Duration.hours(80) }), ['changeableFor must be a whole number of days', 'got 3 days 8 hours']],
    ['changeableFor a number', () => VaultLock.compliance(js({ minRetention: Duration.days(7), changeableFor: 3 })), ['changeableFor must be a Duration', 'got 3']],
    ['minRetention 36 hours', () => VaultLock.governance({ minRetention: Duration.hours(36) }), ['minRetention must be a whole number of days', 'got 1 day 12 hours']],
    ['minRetention 0 days', () => VaultLock.governance({ minRetention: Duration.days(0) }), ['minRetention must be a whole number of days, between 1 and 36500']],
    ['minRetention left out', () => VaultLock.governance(js({})), ['minRetention must be given']],
    ['minRetention a number', () => VaultLock.governance(js({ minRetention: 7 })), ['minRetention must be a Duration', 'got 7']],
    ['maxRetention below minRetention', () => VaultLock.governance({ minRetention: Duration.days(10), maxRetention: Duration.days(5) }), ['maxRetention must be at least minRetention (10 days), got 5 days']],
    ['maxRetention above 36500 days', () => VaultLock.governance({ minRetention: Duration.days(1), maxRetention: Duration.days(36501) }), ['maxRetention must be a whole number of days, between 1 and 36500']],
    ['options null', () => VaultLock.governance(js(null)), ['VaultLock.governance options must be an object, got null']],
  ])('%s is refused with the property named', (_name, act, fragments) => {
    expectRefused(act, ...fragments);
  });
});

// ---------------------------------------------------------------------------------------------
// Wrong types, null, missing required props and empty ids, at every public entry point: each used
// to be a TypeError from deep inside, an aws-cdk-lib resolution error, or silently accepted.
// ---------------------------------------------------------------------------------------------

const handler = (stack: Stack) => new lambda.Function(stack, 'Handler', {
  runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => {}'),
});
const streamTable = (stack: Stack) => new dynamodb.TableV2(stack, 'Events', { partitionKey: pk, dynamoStream: dynamodb.StreamViewType.NEW_IMAGE });
const vpc = (stack: Stack) => new ec2.Vpc(stack, 'Vpc', { maxAzs: 3 });
const table = (stack: Stack, props: object = {}) => new ProductionTable(stack, 'Orders', { partitionKey: pk, ...props });
const TENANT_KEY = 'TENANT#${aws:PrincipalTag/tenantId}';

type Case = [string, (stack: Stack) => unknown, Array<string | RegExp>];

describe.each<[string, Case[]]>([
  ['ProductionTable', [
    ['props null', s => new ProductionTable(s, 'Orders', js(null)), ['Stack/Orders: props must be an object, got null']],
    ['no partitionKey', s => new ProductionTable(s, 'Orders', js({})), ['Stack/Orders: partitionKey must be given']],
    ['partitionKey null', s => new ProductionTable(s, 'Orders', js({ partitionKey: null })), ['partitionKey must be an attribute', 'got null']],
    ['partitionKey.name a number', s => new ProductionTable(s, 'Orders', js({ partitionKey: { name: 5, type: 'S' } })), ['partitionKey.name must be a string, got 5']],
    ['partitionKey.type unknown', s => new ProductionTable(s, 'Orders', js({ partitionKey: { name: 'pk', type: 'Q' } })), ['partitionKey.type must be one of', "got 'Q'"]],
    ['a GSI without indexName', s => table(s, { globalSecondaryIndexes: [{ partitionKey: pk }] }), ['globalSecondaryIndexes[0].indexName must be given']],
    ['a GSI null', s => table(s, { globalSecondaryIndexes: [null] }), ['globalSecondaryIndexes[0] must be an object, got null']],
    ['globalSecondaryIndexes not an array', s => table(s, { globalSecondaryIndexes: {} }), ['globalSecondaryIndexes must be an array']],
    ['an LSI without indexName', s => table(s, { sortKey: { name: 'sk', type: 'S' }, localSecondaryIndexes: [{ sortKey: { name: 'x', type: 'S' } }] }), ['localSecondaryIndexes[0].indexName must be given']],
    ['removalPolicy empty', s => table(s, { removalPolicy: '' }), ["removalPolicy must be one of 'destroy', 'retain'", "got ''"]],
    ['removalPolicy null', s => table(s, { removalPolicy: null }), ['removalPolicy must be one of', 'got null']],
    ['alarms null', s => table(s, { alarms: null }), ['alarms must be an object or left out, got null']],
    ['backup a string', s => table(s, { backup: 'yes' }), ["backup must be a boolean (true or false), got 'yes'"]],
    ['tableName null', s => table(s, { tableName: null }), ['tableName must be a string or left out, got null']],
    ['tableName a number', s => table(s, { tableName: 5 }), ['tableName must be a string, got 5']],
    ['encryption a plain object', s => table(s, { encryption: {} }), ['encryption must be a TableEncryptionV2', 'got {}']],
    ['billing a plain object', s => table(s, { billing: {} }), ['billing must be a Billing', 'got {}']],
    ['dynamoStream unknown', s => table(s, { dynamoStream: 'X' }), ['dynamoStream must be one of', "got 'X'"]],
    ['workload empty', s => table(s, { workload: {} }), ['workload.readsPerSecond must be given']],
    ['alarms.latencyThreshold a number', s => table(s, { alarms: { latencyThreshold: 100 } }), ['alarms.latencyThreshold must be a Duration', 'got 100']],
    ['an empty id', s => new ProductionTable(s, '', { partitionKey: pk }), ['id of a construct in Stack must be a non-empty string', "got ''"]],
    ['addGlobalSecondaryIndex without indexName', s => table(s).addGlobalSecondaryIndex(js({ partitionKey: pk })), ['Stack/Orders: index.indexName must be given']],
    ['addGlobalSecondaryIndex(null)', s => table(s).addGlobalSecondaryIndex(js(null)), ['Stack/Orders: index must be an object, got null']],
    ['addLocalSecondaryIndex without sortKey', s => table(s, { sortKey: { name: 'sk', type: 'S' } }).addLocalSecondaryIndex(js({ indexName: 'byX' })), ['index.sortKey must be given']],
    ['addReplica(null)', s => table(s).addReplica(js(null)), ['Stack/Orders: replica must be an object, got null']],
    ['addStreamConsumer without handler', s => table(s).addStreamConsumer('Projector', js({})), ['Stack/Orders/Projector: handler must be given']],
    ['addStreamConsumer(id, null)', s => table(s).addStreamConsumer('Projector', js(null)), ['Stack/Orders: options must be an object, got null']],
    ['addStreamConsumer with a number id', s => table(s).addStreamConsumer(js(5), { handler: handler(s) }), ['id of a construct in Stack/Orders must be a non-empty string, got 5']],
    ['addStreamConsumer with an empty id', s => table(s).addStreamConsumer('', { handler: handler(s) }), ["id of a construct in Stack/Orders must be a non-empty string, got ''"]],
    ['addVpcEndpoint(undefined)', s => table(s).addVpcEndpoint(js(undefined)), ['Stack/Orders: vpc must be given: a VPC']],
  ]],
  ['TableAlarms', [
    ['props null', s => new TableAlarms(s, 'Alarms', js(null)), ['Stack/Alarms: props must be an object, got null']],
    ['no table', s => new TableAlarms(s, 'Alarms', js({})), ['Stack/Alarms: table must be given: a table']],
    ['a threshold as a string', s => new TableAlarms(s, 'Alarms', js({ table: streamTable(s), throttleThreshold: '5' })), ["throttleThreshold must be a number, got '5'"]],
    ['a threshold null', s => new TableAlarms(s, 'Alarms', js({ table: streamTable(s), systemErrorsThreshold: null })), ['systemErrorsThreshold must be a number or left out, got null']],
    ['replicationLatencyThreshold a number', s => new TableAlarms(s, 'Alarms', js({ table: streamTable(s), replicationLatencyThreshold: 5 })), ['replicationLatencyThreshold must be a Duration', 'got 5']],
    ['latencyThreshold a number', s => new TableAlarms(s, 'Alarms', js({ table: streamTable(s), latencyThreshold: 5 })), ['latencyThreshold must be a Duration', 'got 5']],
    ['an unknown operation', s => new TableAlarms(s, 'Alarms', js({ table: streamTable(s), systemErrorOperations: ['Foo'] })), ["systemErrorOperations[0] must be one of 'GetItem'", "got 'Foo'"]],
    ['operations not an array', s => new TableAlarms(s, 'Alarms', js({ table: streamTable(s), latencyOperations: 'GetItem' })), ['latencyOperations must be an array']],
    ['an imported index without indexName', s => new TableAlarms(s, 'Alarms', js({ table: dynamodb.TableV2.fromTableName(s, 'Imported', 'orders'), globalSecondaryIndexes: [{}] })), ['globalSecondaryIndexes[0].indexName must be given']],
    ['a replica region a number', s => new TableAlarms(s, 'Alarms', js({ table: dynamodb.TableV2.fromTableName(s, 'Imported', 'orders'), replicaRegions: [5] })), ['replicaRegions[0] must be a string, got 5']],
    ['addGlobalSecondaryIndex({})', s => new TableAlarms(s, 'Alarms', { table: dynamodb.TableV2.fromTableName(s, 'Imported', 'orders') }).addGlobalSecondaryIndex(js({})), ['Stack/Alarms: index.indexName must be given']],
    ['addReplica(5)', s => new TableAlarms(s, 'Alarms', { table: dynamodb.TableV2.fromTableName(s, 'Imported', 'orders') }).addReplica(js(5)), ['Stack/Alarms: region must be a string, got 5']],
  ]],
  ['StreamConsumer', [
    ['no handler', s => new StreamConsumer(s, 'Consumer', js({ table: streamTable(s) })), ['Stack/Consumer: handler must be given']],
    ['no table', s => new StreamConsumer(s, 'Consumer', js({ handler: handler(s) })), ['Stack/Consumer: table must be given']],
    ['batchSize a string', s => new StreamConsumer(s, 'Consumer', js({ table: streamTable(s), handler: handler(s), batchSize: '5' })), ["batchSize must be a number, got '5'"]],
    ['maxRecordAge a number', s => new StreamConsumer(s, 'Consumer', js({ table: streamTable(s), handler: handler(s), maxRecordAge: 60 })), ['maxRecordAge must be a Duration', 'got 60']],
    ['maxRecordAge null', s => new StreamConsumer(s, 'Consumer', js({ table: streamTable(s), handler: handler(s), maxRecordAge: null })), ['maxRecordAge must be a Duration', 'got null']],
    ['alarmActions a topic', s => new StreamConsumer(s, 'Consumer', js({ table: streamTable(s), handler: handler(s), alarmActions: new sns.Topic(s, 'Topic') })), ['alarmActions must be an AlarmActions value', 'got the construct Stack/Topic']],
    ['alarmActions an empty object', s => new StreamConsumer(s, 'Consumer', js({ table: streamTable(s), handler: handler(s), alarmActions: {} })), ['alarmActions must be an AlarmActions value', 'got {}']],
    ['startingPosition unknown', s => new StreamConsumer(s, 'Consumer', js({ table: streamTable(s), handler: handler(s), startingPosition: 'X' })), ['startingPosition must be one of', "got 'X'"]],
    ['filters not an array', s => new StreamConsumer(s, 'Consumer', js({ table: streamTable(s), handler: handler(s), filters: {} })), ['filters must be an array']],
    ['bisectBatchOnError a string', s => new StreamConsumer(s, 'Consumer', js({ table: streamTable(s), handler: handler(s), bisectBatchOnError: 'no' })), ["bisectBatchOnError must be a boolean (true or false), got 'no'"]],
    ['failureQueueProps.removalPolicy empty', s => new StreamConsumer(s, 'Consumer', js({ table: streamTable(s), handler: handler(s), failureQueueProps: { removalPolicy: '' } })), ["failureQueueProps.removalPolicy must be one of 'destroy'", "got ''"]],
  ]],
  ['TableCache', [
    ['alarmActions a topic', s => new TableCache(s, 'Cache', js({ table: streamTable(s), vpc: vpc(s), alarmActions: new sns.Topic(s, 'Topic') })), ['Stack/Cache: alarmActions must be an AlarmActions value', 'got the construct Stack/Topic']],
    ['alarmActions an empty object', s => new TableCache(s, 'Cache', js({ table: streamTable(s), vpc: vpc(s), alarmActions: {} })), ['Stack/Cache: alarmActions must be an AlarmActions value', 'got {}']],
    ['no vpc', s => new TableCache(s, 'Cache', js({ table: streamTable(s) })), ['Stack/Cache: vpc must be given: a VPC']],
    ['availabilityZones a string', s => new TableCache(s, 'Cache', js({ table: streamTable(s), vpc: vpc(s), availabilityZones: 'us-east-1a' })), ["availabilityZones must be an array, each element a string, got 'us-east-1a'"]],
    ['grantReadData(undefined)', s => new TableCache(s, 'Cache', { table: streamTable(s), vpc: vpc(s) }).grantReadData(js(undefined)), ['Stack/Cache: role must be given: an IAM role']],
  ]],
  ['TenantAccess', [
    ['tenantKey a number', s => new TenantAccess(s, 'Tenants', js({ table: streamTable(s), tenantKey: 5 })), ['Stack/Tenants: tenantKey must be a string, got 5']],
    ['no table', s => new TenantAccess(s, 'Tenants', js({ tenantKey: TENANT_KEY })), ['Stack/Tenants: table must be given']],
    ['attributes a string', s => new TenantAccess(s, 'Tenants', js({ table: streamTable(s), tenantKey: TENANT_KEY, attributes: 'a' })), ['attributes must be an array']],
    ['grant(undefined)', s => new TenantAccess(s, 'Tenants', { table: streamTable(s), tenantKey: TENANT_KEY }).grant(js(undefined)), ['Stack/Tenants: role must be given']],
  ]],
  ['TableBackup and its schedule', [
    ['retention a number', s => TableBackup.of(s, js({ retention: 35 })), ['Stack: retention must be a Duration', 'got 35']],
    ['retention null', s => TableBackup.of(s, js({ retention: null })), ['retention must be a Duration', 'got null']],
    ['schedule a string', s => TableBackup.of(s, js({ schedule: 'daily' })), ['schedule must be a BackupSchedule', "got 'daily'"]],
    ['copies not an array', s => TableBackup.of(s, js({ copies: {} })), ['copies must be an array']],
    ['a copy null', s => TableBackup.of(s, js({ copies: [null] })), ['copies[0] must be an object, got null']],
    ['vaultLock a plain object', s => TableBackup.of(s, js({ vaultLock: { mode: 'COMPLIANCE', minRetention: Duration.days(7) } })), ['vaultLock must be a VaultLock']],
    ['addTable(undefined)', s => TableBackup.of(s).addTable(js(undefined)), ['Stack/DynamoDbKitBackup: table must be given: a table']],
    ['a weekly schedule without a day', () => BackupSchedule.weekly(js(undefined)), ["weekDay must be given: one of 'MON'"]],
    ['a weekly schedule on a day that does not exist', () => BackupSchedule.weekly(js('FUNDAY')), ["weekDay must be one of 'MON', 'TUE'", "got 'FUNDAY'"]],
    ['a weekly schedule on a day written out', () => BackupSchedule.weekly(js('MONDAY')), ["got 'MONDAY'"]],
    ['a time of day null', () => BackupSchedule.daily(js(null)), ['time must be an object, got null']],
    ['an hour as a string', () => BackupSchedule.daily(js({ hour: '5' })), ["time.hour must be a number, got '5'"]],
  ]],
  ['the other entry points', [
    ['HardenedKey props null', s => new HardenedKey(s, 'Key', js(null)), ['Stack/Key: props must be an object, got null']],
    ['HardenedKey alias a number', s => new HardenedKey(s, 'Key', js({ description: 'x', alias: 5 })), ['Stack/Key: alias must be a string, got 5']],
    ['HardenedKey description a number', s => new HardenedKey(s, 'Key', js({ description: 5 })), ['Stack/Key: description must be a string, got 5']],
    ['DynamoDbGatewayEndpoint.of(undefined)', () => DynamoDbGatewayEndpoint.of(js(undefined)), ['vpc must be given: a VPC']],
    ['an endpoint policy that is a plain object', s => DynamoDbGatewayEndpoint.of(vpc(s), js({ policy: {} })), ['Stack/Vpc: options.policy must be an EndpointPolicy', 'got {}']],
    ['endpoint subnets not an array', s => DynamoDbGatewayEndpoint.of(vpc(s), js({ subnets: {} })), ['Stack/Vpc: options.subnets must be an array']],
    ['endpoint addTable(undefined)', s => DynamoDbGatewayEndpoint.of(vpc(s)).addTable(js(undefined)), ['Stack/Vpc/DynamoDbKitEndpoint: table must be given']],
    ['exemptRoles not an array', s => DynamoDbGatewayEndpoint.of(vpc(s)).restrictTableToEndpoint(streamTable(s), js({ exemptRoles: {} })), ['options.exemptRoles must be an array']],
    ['a streams endpoint policy that is a plain object', s => DynamoDbGatewayEndpoint.of(vpc(s)).addStreamsEndpoint(js({ policy: {} })), ['options.policy must be an EndpointPolicy']],
    ['a workload null', () => CapacityPlanner.forWorkload(js(null)), ['workload must be an object, got null']],
    ['a workload without numbers', () => CapacityPlanner.forWorkload(js({})), ['workload.readsPerSecond must be given: a number']],
    ['unitPrices null', () => CapacityPlanner.forWorkload(js({ readsPerSecond: 1, writesPerSecond: 1, itemSizeBytes: 1, unitPrices: null })), ['workload.unitPrices must be an object or left out, got null']],
    ['AlarmActions.topic(undefined)', () => AlarmActions.topic(js(undefined)), ['AlarmActions.topic topic must be given: an SNS topic']],
    ['AlarmActions.actions({})', () => AlarmActions.actions(js({})), ['AlarmActions.actions alarmActions[0] must be an alarm action']],
    ['AlarmTopic.of(undefined)', () => AlarmTopic.of(js(undefined)), ['AlarmTopic.of scope must be given: a construct']],
    ['ReplicaKeyStack.forRegion with a number region', s => ReplicaKeyStack.forRegion(s, js(5)), ['region must be a string, got 5']],
    ['ReplicaKeyStack.forRegion without a stack', () => ReplicaKeyStack.forRegion(js(undefined), 'us-west-2'), ['tableStack must be given: a Stack']],
  ]],
])('%s: wrong types, null and missing props', (_entry, cases) => {
  test.each(cases)('%s is refused with the property named', (_name, act, fragments) => {
    // GIVEN
    const stack = newStack();

    // WHEN / THEN
    expectRefused(() => act(stack), ...fragments);
  });
});

test('a role given where a role is expected is accepted, so the kind checks refuse only what is wrong', () => {
  const stack = newStack();
  const cache = new TableCache(stack, 'Cache', { table: streamTable(stack), vpc: vpc(stack) });
  expect(() => cache.grantReadData(new iam.Role(stack, 'Client', { assumedBy: new iam.AccountRootPrincipal() }))).not.toThrow();
});

// ---------------------------------------------------------------------------------------------
// Capacity: aws-cdk-lib's factories take any number. An on-demand maximum of NaN or 0 is dropped
// (the table has no maximum), Infinity renders as null, and a fixed capacity of 0 fails at deploy.
// ---------------------------------------------------------------------------------------------

const provisioned = (read: dynamodb.Capacity, write = dynamodb.Capacity.autoscaled({ maxCapacity: 10 })) =>
  dynamodb.Billing.provisioned({ readCapacity: read, writeCapacity: write });

describe('capacity', () => {
  test.each<[string, object, string[]]>([
    ['an on-demand read maximum of NaN', { billing: dynamodb.Billing.onDemand({ maxReadRequestUnits: NaN }) }, ['Stack/Orders: billing (Billing.onDemand) maxReadRequestUnits must be an integer of at least 1, got NaN']],
    ['an on-demand write maximum of 0', { billing: dynamodb.Billing.onDemand({ maxWriteRequestUnits: 0 }) }, ['maxWriteRequestUnits must be an integer of at least 1, got 0']],
    ['an on-demand maximum of Infinity', { billing: dynamodb.Billing.onDemand({ maxReadRequestUnits: Infinity }) }, ['maxReadRequestUnits must be an integer of at least 1, got Infinity']],
    ['an on-demand maximum of -0', { billing: dynamodb.Billing.onDemand({ maxReadRequestUnits: -0 }) }, ['maxReadRequestUnits must be an integer of at least 1, got 0']],
    ['an on-demand maximum of 2.5', { billing: dynamodb.Billing.onDemand({ maxReadRequestUnits: 2.5 }) }, ['maxReadRequestUnits must be an integer of at least 1, got 2.5']],
    ['a GSI maximum of NaN', { globalSecondaryIndexes: [{ indexName: 'byDate', partitionKey: { name: 'date', type: dynamodb.AttributeType.STRING }, maxReadRequestUnits: NaN }] }, ['globalSecondaryIndexes[byDate].maxReadRequestUnits must be an integer of at least 1, got NaN']],
    ['a fixed capacity of 0', { billing: provisioned(dynamodb.Capacity.fixed(0)) }, ['Stack/Orders: billing.readCapacity (Capacity.fixed) must be an integer of at least 1, got 0']],
    ['a fixed capacity of NaN', { billing: provisioned(dynamodb.Capacity.fixed(NaN)) }, ['billing.readCapacity (Capacity.fixed) must be an integer of at least 1, got NaN']],
    ['a fixed capacity of 1.5', { billing: provisioned(dynamodb.Capacity.fixed(1.5)) }, ['billing.readCapacity (Capacity.fixed) must be an integer of at least 1, got 1.5']],
    ['an autoscaling maximum of NaN', { billing: provisioned(dynamodb.Capacity.fixed(5), dynamodb.Capacity.autoscaled({ maxCapacity: NaN })) }, ['billing.writeCapacity maxCapacity must be an integer of at least 1, got NaN']],
    ['an autoscaling maximum of 1.5', { billing: provisioned(dynamodb.Capacity.fixed(5), dynamodb.Capacity.autoscaled({ maxCapacity: 1.5 })) }, ['billing.writeCapacity maxCapacity must be an integer of at least 1, got 1.5']],
  ])('%s is refused with the property named', (_name, props, fragments) => {
    expectRefused(() => table(newStack(), props), ...fragments);
  });

  test.each<[string, object]>([
    ['an on-demand maximum of 1', { billing: dynamodb.Billing.onDemand({ maxReadRequestUnits: 1, maxWriteRequestUnits: 1 }) }],
    ['a fixed capacity of 1', { billing: provisioned(dynamodb.Capacity.fixed(1)) }],
    ['an on-demand maximum that is a token', { billing: dynamodb.Billing.onDemand({ maxReadRequestUnits: Token.asNumber({ Ref: 'MaxReads' }) }) }],
    ['a fixed capacity that is a token', { billing: provisioned(dynamodb.Capacity.fixed(Lazy.number({ produce: () => 5 }))) }],
  ])('%s is accepted', (_name, props) => {
    expect(() => table(newStack(), props)).not.toThrow();
  });
});

// ---------------------------------------------------------------------------------------------
// A backup plan with nothing to select: it used to fail inside aws-cdk-lib's policy validation.
// ---------------------------------------------------------------------------------------------

describe('a backup plan whose stack backs up no table', () => {
  test('is refused at synth, naming the plan and what to do', () => {
    // GIVEN backup options, and the stack's only table opting out
    const stack = newStack();
    TableBackup.of(stack, { retention: Duration.days(90) });
    table(stack, { backup: false });

    // WHEN / THEN
    expect(() => Template.fromStack(stack)).toThrow(/Stack\/DynamoDbKitBackup\] The backup plan Stack\/DynamoDbKitBackup backs up no table/);
  });

  test('with a table added, it synthesizes', () => {
    const stack = newStack();
    TableBackup.of(stack, { retention: Duration.days(90) });
    table(stack);

    expect(() => Template.fromStack(stack)).not.toThrow();
  });
});

// ---------------------------------------------------------------------------------------------
// Tokens pass through unvalidated: a number token (Token.asNumber, Lazy.number, a CfnParameter)
// and a Duration of a token in any unit. The exceptions are listed in the README: tokens that bare
// aws-cdk-lib refuses too, and values the library must compute with at synth.
// ---------------------------------------------------------------------------------------------

type TokenCase = [string, (stack: Stack, n: () => number) => unknown];

const replicatedTable = (stack: Stack) => new dynamodb.TableV2(stack, 'Global', {
  partitionKey: pk, replicas: [{ region: 'us-west-2' }],
});
const NUMBER_TOKENS: Array<[string, (stack: Stack) => number]> = [
  ['Token.asNumber', () => Token.asNumber({ 'Fn::ImportValue': 'Threshold' })],
  ['Lazy.number', () => Lazy.number({ produce: () => 5 })],
  ['CfnParameter.valueAsNumber', stack => new CfnParameter(stack, 'Threshold', { type: 'Number' }).valueAsNumber],
];

describe.each(NUMBER_TOKENS)('a number given as %s', (_kind, tokenIn) => {
  test.each<TokenCase>([
    ['TableAlarms throttleThreshold', (s, n) => new TableAlarms(s, 'Alarms', { table: streamTable(s), throttleThreshold: n() })],
    ['TableAlarms systemErrorsThreshold', (s, n) => new TableAlarms(s, 'Alarms', { table: streamTable(s), systemErrorsThreshold: n() })],
    ['TableAlarms datapointsToAlarm', (s, n) => new TableAlarms(s, 'Alarms', { table: streamTable(s), datapointsToAlarm: n() })],
    ['TableAlarms capacityUtilizationPercent', (s, n) => new TableAlarms(s, 'Alarms', { table: streamTable(s), capacityUtilizationPercent: n() })],
    ['TableAlarms maxReadUnits of an imported table', (s, n) => new TableAlarms(s, 'Alarms', { table: dynamodb.TableV2.fromTableName(s, 'Imported', 'orders'), maxReadUnits: n(), maxWriteUnits: n() })],
    ['TableAlarms latencyThreshold in seconds', (s, n) => new TableAlarms(s, 'Alarms', { table: streamTable(s), latencyThreshold: Duration.seconds(n()) })],
    ['TableAlarms latencyThreshold in milliseconds', (s, n) => new TableAlarms(s, 'Alarms', { table: streamTable(s), latencyThreshold: Duration.millis(n()) })],
    ['TableAlarms replicationLatencyThreshold in minutes', (s, n) => new TableAlarms(s, 'Alarms', { table: replicatedTable(s), replicationLatencyThreshold: Duration.minutes(n()) })],
    ['ProductionTable alarms thresholds', (s, n) => table(s, { alarms: { throttleThreshold: n(), systemErrorsThreshold: n(), latencyThreshold: Duration.seconds(n()) } })],
    ['StreamConsumer batchSize, retryAttempts, parallelizationFactor', (s, n) => new StreamConsumer(s, 'Consumer', { table: streamTable(s), handler: handler(s), batchSize: n(), retryAttempts: n(), parallelizationFactor: n() })],
    ['StreamConsumer maxBatchingWindow and tumblingWindow', (s, n) => new StreamConsumer(s, 'Consumer', { table: streamTable(s), handler: handler(s), maxBatchingWindow: Duration.seconds(n()), tumblingWindow: Duration.seconds(n()) })],
    ['StreamConsumer iteratorAgeThreshold in seconds', (s, n) => new StreamConsumer(s, 'Consumer', { table: streamTable(s), handler: handler(s), iteratorAgeThreshold: Duration.seconds(n()) })],
    ['TableCache utilization thresholds', (s, n) => new TableCache(s, 'Cache', { table: streamTable(s), vpc: vpc(s), cpuUtilizationPercent: n(), cacheMemoryUtilizationPercent: n() })],
    ['TableBackup retention and cold storage', (s, n) => { TableBackup.of(s, { retention: Duration.days(n()), moveToColdStorageAfter: Duration.days(n()) }).addTable(streamTable(s)); }],
    ['a vault lock', (s, n) => { TableBackup.of(s, { vaultLock: VaultLock.compliance({ minRetention: Duration.days(n()), changeableFor: Duration.days(n()) }) }).addTable(streamTable(s)); }],
    ['a backup schedule', (s, n) => { TableBackup.of(s, { schedule: BackupSchedule.monthly(n(), { hour: n(), minute: n() }), retention: Duration.days(n()) }).addTable(streamTable(s)); }],
    ['an on-demand maximum', (s, n) => table(s, { billing: dynamodb.Billing.onDemand({ maxReadRequestUnits: n(), maxWriteRequestUnits: n() }) })],
  ])('%s is accepted and synthesizes', (_name, act) => {
    // GIVEN
    const stack = newStack();

    const token = tokenIn(stack);

    // WHEN
    act(stack, () => token);

    // THEN
    expect(() => Template.fromStack(stack)).not.toThrow();
  });
});

test('a latency threshold in seconds that is a token: the alarm compares the metric in seconds with the token as given', () => {
  // GIVEN
  const stack = newStack();
  const seconds = new CfnParameter(stack, 'LatencySeconds', { type: 'Number' }).valueAsNumber;

  // WHEN
  new TableAlarms(stack, 'Alarms', { table: streamTable(stack), latencyThreshold: Duration.seconds(seconds) });

  // THEN
  Template.fromStack(stack).hasResourceProperties('AWS::CloudWatch::Alarm', {
    Threshold: { Ref: 'LatencySeconds' },
    Metrics: Match.arrayWith([Match.objectLike({ Expression: 'MAX([l0,l1,l2]) / 1000' })]),
  });
});

test('a replication latency threshold in minutes that is a token fills a stalled replica with the token, in minutes', () => {
  const stack = newStack();
  const minutes = new CfnParameter(stack, 'LagMinutes', { type: 'Number' }).valueAsNumber;

  new TableAlarms(stack, 'Alarms', { table: replicatedTable(stack), replicationLatencyThreshold: Duration.minutes(minutes) });

  const alarm = Template.fromStack(stack).findResources('AWS::CloudWatch::Alarm', { Properties: { Threshold: { Ref: 'LagMinutes' } } });
  const [expression] = Object.values(alarm).map((a: any) => a.Properties.Metrics[0].Expression);
  expect(expression).toEqual({ 'Fn::Join': ['', [expect.stringContaining('FILL(latency / 60000, '), { Ref: 'LagMinutes' }, '), FILL(latency / 60000, 0))']] });
});

test.each<[string, (stack: Stack) => unknown, string[]]>([
  ['latencyThreshold of 0', s => new TableAlarms(s, 'Alarms', { table: streamTable(s), latencyThreshold: Duration.seconds(0) }), ['Stack/Alarms: latencyThreshold must be a Duration greater than 0, got 0 seconds']],
  ['replicationLatencyThreshold of -0', s => new TableAlarms(s, 'Alarms', { table: streamTable(s), replicationLatencyThreshold: Duration.millis(-0) }), ['replicationLatencyThreshold must be a Duration greater than 0']],
])('an alarm threshold of nothing, %s, is refused: every datapoint would breach it', (_name, act, fragments) => {
  expectRefused(() => act(newStack()), ...fragments);
});

describe('tokens that cannot be rendered as given', () => {
  const token = () => Token.asNumber({ 'Fn::ImportValue': 'Amount' });

  test.each<[string, (stack: Stack) => unknown, string[]]>([
    ['a tumbling window in minutes', s => new StreamConsumer(s, 'Consumer', { table: streamTable(s), handler: handler(s), tumblingWindow: Duration.minutes(token()) }),
      ['Stack/Consumer: tumblingWindow must be given as Duration.seconds(token) when its amount is a token, got a token in minutes']],
    ['a batching window in minutes', s => new StreamConsumer(s, 'Consumer', { table: streamTable(s), handler: handler(s), maxBatchingWindow: Duration.minutes(token()) }),
      ['maxBatchingWindow must be given as Duration.seconds(token)']],
    ['a backup retention in hours', s => TableBackup.of(s, { retention: Duration.hours(token()) }), ['Stack: retention must be given as Duration.days(token)']],
    ['a copy retention in hours', s => TableBackup.of(s, { copies: [{ destinationVaultArn: 'arn:aws:backup:us-west-2:111111111111:backup-vault:dr', retention: Duration.hours(token()) }] }),
      ['copies[0].retention must be given as Duration.days(token)']],
    ['a vault lock minimum in hours', () => VaultLock.governance({ minRetention: Duration.hours(token()) }), ['VaultLock.governance minRetention must be given as Duration.days(token)']],
  ])('%s is refused with the property named (aws-cdk-lib would refuse it naming none)', (_name, act, fragments) => {
    expectRefused(() => act(newStack()), ...fragments);
  });

  // Refused by bare aws-cdk-lib too, with the property named: its message stands (README, "Input validation").
  test.each<[string, (stack: Stack) => unknown, RegExp]>([
    ['maxRecordAge', s => new StreamConsumer(s, 'Consumer', { table: streamTable(s), handler: handler(s), maxRecordAge: Duration.seconds(token()) }), /maxRecordAge must be between 60 seconds and 7 days/],
    ['recoveryPeriodInDays', s => table(s, { pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true, recoveryPeriodInDays: token() } }), /recoveryPeriodInDays/],
    ['an autoscaling maximum', s => table(s, { billing: provisioned(dynamodb.Capacity.autoscaled({ maxCapacity: token() })) }), /maxCapacity/],
  ])('a token as %s is refused by aws-cdk-lib, naming it', (_name, act, message) => {
    expect(() => act(newStack())).toThrow(message);
  });
});
