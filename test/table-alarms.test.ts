import { Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AlarmActions, ProductionTable, TableAlarms, TableAlarmsProps } from '../src';
import { envIn, newStack as newStackIn, pk } from './fixtures';
import { DynamoDbKitError } from '../src/private/errors';

const ALARM = 'AWS::CloudWatch::Alarm';
const gsi = (indexName: string): dynamodb.GlobalSecondaryIndexPropsV2 => ({
  indexName, partitionKey: { name: indexName, type: dynamodb.AttributeType.STRING },
});

// Not REGION: these tables have replicas in eu-west-1.
const newStack = () => newStackIn('Stack', envIn('us-east-1'));

/** Alarm construct ids of a TableAlarms, sorted. */
function ids(alarms: TableAlarms): string[] {
  return alarms.alarms.map(alarm => alarm.node.id).sort();
}

/** The rendered alarm whose construct id is `id`. */
function alarmProps(stack: Stack, alarms: TableAlarms, id: string): any {
  const alarm = alarms.alarms.find(candidate => candidate.node.id === id)!;
  const logicalId = stack.getLogicalId(alarm.node.defaultChild as any);
  return Template.fromStack(stack).toJSON().Resources[logicalId].Properties;
}

/** (metric name, index or 'table') of each metric of a rendered metric-math alarm. */
function watched(props: any): string[] {
  return props.Metrics.filter((m: any) => m.MetricStat).map((m: any) => {
    const index = m.MetricStat.Metric.Dimensions.find((d: any) => d.Name === 'GlobalSecondaryIndexName')?.Value ?? 'table';
    return `${m.MetricStat.Metric.MetricName}@${index}`;
  });
}

describe('TableAlarms reads a TableV2 made in the app', () => {
  test('on demand with two GSIs: one alarm per cause covers the table and both indexes; no capacity cause that cannot occur', () => {
    // GIVEN
    const stack = newStack();
    const table = new dynamodb.TableV2(stack, 'Orders', { partitionKey: pk, globalSecondaryIndexes: [gsi('byStatus'), gsi('byDate')] });

    // WHEN
    const alarms = new TableAlarms(stack, 'Alarms', { table });

    // THEN
    expect(ids(alarms)).toEqual(['AccountLimitThrottles', 'HotKeyThrottles', 'SystemErrors']);
    expect(watched(alarmProps(stack, alarms, 'HotKeyThrottles'))).toEqual([
      'ReadKeyRangeThroughputThrottleEvents@table', 'WriteKeyRangeThroughputThrottleEvents@table',
      'ReadKeyRangeThroughputThrottleEvents@byStatus', 'WriteKeyRangeThroughputThrottleEvents@byStatus',
      'ReadKeyRangeThroughputThrottleEvents@byDate', 'WriteKeyRangeThroughputThrottleEvents@byDate',
    ]);
    expect(alarmProps(stack, alarms, 'HotKeyThrottles').Metrics[0].Expression).toEqual('r0 + w0 + r1 + w1 + r2 + w2');
  });

  test('provisioned: provisioned throttles and the ceiling of each scope, never the account quota', () => {
    // GIVEN
    const stack = newStack();
    const table = new dynamodb.TableV2(stack, 'Ledger', {
      partitionKey: pk,
      billing: dynamodb.Billing.provisioned({
        readCapacity: dynamodb.Capacity.autoscaled({ maxCapacity: 100 }),
        writeCapacity: dynamodb.Capacity.autoscaled({ maxCapacity: 50 }),
      }),
      globalSecondaryIndexes: [{ ...gsi('byDate'), readCapacity: dynamodb.Capacity.autoscaled({ maxCapacity: 40 }), writeCapacity: dynamodb.Capacity.autoscaled({ maxCapacity: 20 }) }],
    });

    // WHEN
    const alarms = new TableAlarms(stack, 'Alarms', { table });

    // THEN
    expect(ids(alarms)).toEqual(['CapacityCeiling', 'HotKeyThrottles', 'ProvisionedThrottles', 'SystemErrors']);
    const ceiling = alarmProps(stack, alarms, 'CapacityCeiling');
    expect(ceiling.Metrics[0].Expression).toEqual('MAX([100 * r0 / 60 / 100, 100 * w0 / 60 / 50, 100 * r1 / 60 / 40, 100 * w1 / 60 / 20])');
    expect(watched(ceiling)).toEqual([
      'ConsumedReadCapacityUnits@table', 'ConsumedWriteCapacityUnits@table', 'ConsumedReadCapacityUnits@byDate', 'ConsumedWriteCapacityUnits@byDate',
    ]);
    expect(ceiling.Threshold).toEqual(80);
  });

  test('on demand with a maximum on the table only: the maximum cause and the ceiling cover the table only', () => {
    const stack = newStack();
    const table = new dynamodb.TableV2(stack, 'Orders', {
      partitionKey: pk,
      billing: dynamodb.Billing.onDemand({ maxReadRequestUnits: 500 }),
      globalSecondaryIndexes: [gsi('byStatus')],
    });

    const alarms = new TableAlarms(stack, 'Alarms', { table });

    expect(ids(alarms)).toEqual(['AccountLimitThrottles', 'CapacityCeiling', 'HotKeyThrottles', 'OnDemandMaxThrottles', 'SystemErrors']);
    expect(watched(alarmProps(stack, alarms, 'OnDemandMaxThrottles'))).toEqual([
      'ReadMaxOnDemandThroughputThrottleEvents@table', 'WriteMaxOnDemandThroughputThrottleEvents@table',
    ]);
    expect(alarmProps(stack, alarms, 'CapacityCeiling').Metrics[0].Expression).toEqual('100 * r0 / 60 / 500');
  });

  test('five scopes fit one alarm (ten metrics); a table with five GSIs gets a second alarm per cause', () => {
    const stack = newStack();
    const table = new dynamodb.TableV2(stack, 'Orders', { partitionKey: pk, globalSecondaryIndexes: ['a1', 'a2', 'a3', 'a4', 'a5'].map(gsi) });

    const alarms = new TableAlarms(stack, 'Alarms', { table });

    expect(ids(alarms)).toEqual(['AccountLimitThrottles', 'AccountLimitThrottles2', 'HotKeyThrottles', 'HotKeyThrottles2', 'SystemErrors']);
    expect(watched(alarmProps(stack, alarms, 'HotKeyThrottles'))).toHaveLength(10);
    expect(watched(alarmProps(stack, alarms, 'HotKeyThrottles2'))).toEqual([
      'ReadKeyRangeThroughputThrottleEvents@a5', 'WriteKeyRangeThroughputThrottleEvents@a5',
    ]);
  });

  test('a GSI added to the table after the alarms is alarmed at synth, in a further alarm per cause', () => {
    // GIVEN
    const stack = newStack();
    const table = new dynamodb.TableV2(stack, 'Orders', { partitionKey: pk });
    const alarms = new TableAlarms(stack, 'Alarms', { table });

    // WHEN
    table.addGlobalSecondaryIndex(gsi('late'));
    Template.fromStack(stack);

    // THEN
    expect(ids(alarms)).toEqual(['AccountLimitThrottles', 'AccountLimitThrottles2', 'HotKeyThrottles', 'HotKeyThrottles2', 'SystemErrors']);
    expect(watched(alarmProps(stack, alarms, 'HotKeyThrottles2'))).toEqual([
      'ReadKeyRangeThroughputThrottleEvents@late', 'WriteKeyRangeThroughputThrottleEvents@late',
    ]);
  });

  test('a GSI named like an alarm id, or like a member of Object.prototype, synthesizes as on a bare TableV2', () => {
    const stack = newStack();
    const table = new dynamodb.TableV2(stack, 'Orders', {
      partitionKey: pk,
      globalSecondaryIndexes: ['SystemErrors', 'HotKeyThrottles', 'toString', 'constructor'].map(gsi),
    });

    const alarms = new TableAlarms(stack, 'Alarms', { table });

    expect(watched(alarmProps(stack, alarms, 'HotKeyThrottles')).filter(m => m.startsWith('Read'))).toEqual([
      'ReadKeyRangeThroughputThrottleEvents@table', 'ReadKeyRangeThroughputThrottleEvents@SystemErrors',
      'ReadKeyRangeThroughputThrottleEvents@HotKeyThrottles', 'ReadKeyRangeThroughputThrottleEvents@toString',
      'ReadKeyRangeThroughputThrottleEvents@constructor',
    ]);
  });

  test('each replica gets a replication-latency alarm that also fires when writes come in and none replicate; one added later too', () => {
    // GIVEN
    const stack = newStack();
    const table = new dynamodb.TableV2(stack, 'Orders', { partitionKey: pk, replicas: [{ region: 'us-west-2' }] });
    const alarms = new TableAlarms(stack, 'Alarms', { table });

    // WHEN
    table.addReplica({ region: 'eu-west-1' });
    Template.fromStack(stack);

    // THEN
    expect(ids(alarms).filter(id => id.startsWith('ReplicationLatency'))).toEqual(['ReplicationLatencyeu-west-1', 'ReplicationLatencyus-west-2']);
    const replication = alarmProps(stack, alarms, 'ReplicationLatencyus-west-2');
    expect(replication).toMatchObject({ Threshold: 60000, EvaluationPeriods: 5, DatapointsToAlarm: 5, TreatMissingData: 'notBreaching' });
    expect(replication.Metrics[0].Expression).toEqual(
      'IF(FILL(w0, 0) + FILL(w1, 0) + FILL(w2, 0) + FILL(w3, 0) + FILL(w4, 0) > 0, FILL(latency, 60000), FILL(latency, 0))');
    const writes = replication.Metrics.filter((m: any) => /^w\d$/.test(m.Id)).map((m: any) =>
      `${m.MetricStat.Metric.Dimensions.find((d: any) => d.Name === 'Operation').Value}:${m.MetricStat.Stat}`);
    expect(writes).toEqual(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem', 'TransactWriteItems'].map(op => `${op}:SampleCount`));
  });

  test('a multi-Region strong consistency table gets no replication-latency alarm', () => {
    const stack = newStack();
    const table = new dynamodb.TableV2(stack, 'Orders', {
      partitionKey: pk,
      multiRegionConsistency: dynamodb.MultiRegionConsistency.STRONG,
      replicas: [{ region: 'us-east-2' }],
      witnessRegion: 'us-west-2',
    });

    const alarms = new TableAlarms(stack, 'Alarms', { table });

    expect(ids(alarms).filter(id => id.startsWith('ReplicationLatency'))).toEqual([]);
  });

  test('declaring what the table already says is refused, naming the properties', () => {
    const stack = newStack();
    const table = new dynamodb.TableV2(stack, 'Orders', { partitionKey: pk });

    expect(() => new TableAlarms(stack, 'Alarms', { table, billingMode: dynamodb.BillingMode.PROVISIONED, maxReadUnits: 5 })).toThrow(
      /^Stack\/Alarms: billingMode, maxReadUnits must not be given for Stack\/Orders, a table made in this app: the alarms read it from the table/,
    );
  });
});

describe('TableAlarms reads a Table (v1) made in the app', () => {
  test('provisioned by default in CloudFormation: provisioned throttles and the fixed capacity as the ceiling, for the table and its GSI', () => {
    // GIVEN
    const stack = newStack();
    const table = new dynamodb.Table(stack, 'Legacy', { partitionKey: pk, readCapacity: 5, writeCapacity: 4 });
    table.addGlobalSecondaryIndex({ indexName: 'gsi1', partitionKey: { name: 'g', type: dynamodb.AttributeType.STRING }, readCapacity: 3, writeCapacity: 2 });

    // WHEN
    const alarms = new TableAlarms(stack, 'Alarms', { table });

    // THEN
    expect(ids(alarms)).toEqual(['CapacityCeiling', 'HotKeyThrottles', 'ProvisionedThrottles', 'SystemErrors']);
    expect(alarmProps(stack, alarms, 'CapacityCeiling').Metrics[0].Expression).toEqual(
      'MAX([100 * r0 / 60 / 5, 100 * w0 / 60 / 4, 100 * r1 / 60 / 3, 100 * w1 / 60 / 2])');
  });
});

describe('TableAlarms on an imported table', () => {
  test('without a billing mode, every throttle cause is alarmed: none can be ruled out', () => {
    const stack = newStack();
    const table = dynamodb.TableV2.fromTableName(stack, 'Imported', 'orders');

    const alarms = new TableAlarms(stack, 'Alarms', { table });

    expect(ids(alarms)).toEqual(['AccountLimitThrottles', 'HotKeyThrottles', 'OnDemandMaxThrottles', 'ProvisionedThrottles', 'SystemErrors']);
    expect(alarmProps(stack, alarms, 'SystemErrors').Metrics[1].MetricStat.Metric.Dimensions).toEqual([
      { Name: 'Operation', Value: 'GetItem' }, { Name: 'TableName', Value: 'orders' },
    ]);
  });

  test('with its billing mode, GSIs, ceilings and replicas declared, exactly those causes', () => {
    const stack = newStack();
    const table = dynamodb.TableV2.fromTableName(stack, 'Imported', 'orders');

    const alarms = new TableAlarms(stack, 'Alarms', {
      table,
      billingMode: dynamodb.BillingMode.PROVISIONED,
      maxReadUnits: 100,
      globalSecondaryIndexes: [{ indexName: 'byStatus', maxWriteUnits: 10 }],
      replicaRegions: ['eu-west-1'],
    });
    alarms.addGlobalSecondaryIndex({ indexName: 'byDate' });

    expect(ids(alarms)).toEqual(['CapacityCeiling', 'HotKeyThrottles', 'HotKeyThrottles2', 'ProvisionedThrottles', 'ProvisionedThrottles2', 'ReplicationLatencyeu-west-1', 'SystemErrors']);
    expect(watched(alarmProps(stack, alarms, 'HotKeyThrottles2'))).toEqual([
      'ReadKeyRangeThroughputThrottleEvents@byDate', 'WriteKeyRangeThroughputThrottleEvents@byDate',
    ]);
    expect(alarmProps(stack, alarms, 'CapacityCeiling').Metrics[0].Expression).toEqual('MAX([100 * r0 / 60 / 100, 100 * w1 / 60 / 10])');
  });
});

describe('options', () => {
  test('thresholds change, and an optional p99 latency alarm watches chosen operations, each once', () => {
    const stack = newStack();
    const table = dynamodb.TableV2.fromTableName(stack, 'Imported', 'orders');

    const alarms = new TableAlarms(stack, 'Alarms', {
      table,
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      throttleThreshold: 5,
      datapointsToAlarm: 2,
      systemErrorOperations: [dynamodb.Operation.GET_ITEM, dynamodb.Operation.GET_ITEM, dynamodb.Operation.QUERY],
      latencyThreshold: Duration.millis(50),
      latencyOperations: [dynamodb.Operation.QUERY],
    });

    expect(alarmProps(stack, alarms, 'HotKeyThrottles')).toMatchObject({ Threshold: 5, DatapointsToAlarm: 2 });
    expect(alarmProps(stack, alarms, 'SystemErrors').Metrics[0].Expression).toEqual('SUM([e0,e1])');
    expect(alarmProps(stack, alarms, 'Latency')).toMatchObject({ Threshold: 50 });
    expect(alarmProps(stack, alarms, 'Latency').Metrics[1].MetricStat.Stat).toEqual('p99');
  });

  test('AlarmActions.none() makes no alarm and no topic, and TableAlarms records the one finding', () => {
    const stack = newStack();
    const table = new dynamodb.TableV2(stack, 'Orders', { partitionKey: pk });

    const alarms = new TableAlarms(stack, 'Alarms', { table, alarmActions: AlarmActions.none() });

    expect(alarms.alarms).toEqual([]);
    const template = Template.fromStack(stack);
    template.resourceCountIs(ALARM, 0);
    template.resourceCountIs('AWS::SNS::Topic', 0);
    expect(Annotations.fromStack(stack).findWarning('/Stack/Alarms', Match.stringLikeRegexp('DynamoDbChecks::AlarmsNotify'))).toHaveLength(1);
  });

  test('a topic of your own replaces the stack topic', () => {
    const stack = newStack();
    const own = new sns.Topic(stack, 'Pager', { enforceSSL: true });
    new ProductionTable(stack, 'Orders', { partitionKey: pk, alarms: { alarmActions: AlarmActions.topic(own) } });

    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::SNS::Topic', 1);
    template.allResourcesProperties(ALARM, { AlarmActions: [{ Ref: Match.stringLikeRegexp('^Pager') }] });
  });

  test('three tables share one stack topic', () => {
    const stack = newStack();
    ['A', 'B', 'C'].forEach(id => new ProductionTable(stack, id, { partitionKey: pk }));

    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::SNS::Topic', 1);
    template.resourceCountIs(ALARM, 9);
  });

  test.each<[string, Partial<TableAlarmsProps>, RegExp]>([
    ['too many system-error operations', { systemErrorOperations: Object.values(dynamodb.Operation).slice(0, 11) }, /^Stack\/Alarms: systemErrorOperations must list 1 to 10 operations \(the metrics one alarm can hold\), got 11$/],
    ['no latency operations', { latencyOperations: [] }, /^Stack\/Alarms: latencyOperations must list 1 to 10 operations/],
    ['6 datapoints of 5', { datapointsToAlarm: 6 }, /^Stack\/Alarms: datapointsToAlarm must be an integer between 1 and 5, got 6$/],
    ['a utilization of 0 %', { capacityUtilizationPercent: 0 }, /^Stack\/Alarms: capacityUtilizationPercent must be an integer between 1 and 100 %, got 0$/],
    ['a throttle threshold of 0', { throttleThreshold: 0 }, /^Stack\/Alarms: throttleThreshold must be a finite number greater than 0, got 0$/],
    ['an infinite threshold', { systemErrorsThreshold: Infinity }, /^Stack\/Alarms: systemErrorsThreshold must be a finite number greater than 0, got Infinity$/],
    ['a ceiling of 0', { maxReadUnits: 0 }, /^Stack\/Alarms: maxReadUnits must be a finite number greater than 0, got 0$/],
  ])('refuses %s, naming the construct and the property', (_case, options, message) => {
    const stack = newStack();
    const table = dynamodb.TableV2.fromTableName(stack, 'Imported', 'orders');

    expect(() => new TableAlarms(stack, 'Alarms', { table, ...options })).toThrow(DynamoDbKitError);
    expect(() => new TableAlarms(stack, 'Alarms2', { table, ...options })).toThrow(new RegExp(message.source.replace('Alarms:', 'Alarms2:')));
  });
});

describe('alarm actions given as something else', () => {
  test.each<[string, unknown]>([
    ['a topic itself', 'topic'],
    ['an empty object', {}],
  ])('%s is refused, rather than making no alarms', (_case, value) => {
    const stack = newStack();
    const table = dynamodb.TableV2.fromTableName(stack, 'Imported', 'orders');
    const given = value === 'topic' ? new sns.Topic(stack, 'Pager') : value;

    expect(() => new TableAlarms(stack, 'Alarms', { table, alarmActions: given as AlarmActions })).toThrow(
      /^Stack\/Alarms: alarmActions must be an AlarmActions value \(AlarmActions\.stackTopic\(\), \.topic\(topic\), \.actions\(\.\.\.\) or \.none\(\)\), got/,
    );
  });

  test('a billing mode that is not one of BillingMode is refused', () => {
    const stack = newStack();
    const table = dynamodb.TableV2.fromTableName(stack, 'Imported', 'orders');

    expect(() => new TableAlarms(stack, 'Alarms', { table, billingMode: 'ON_DEMAND' as dynamodb.BillingMode }))
      .toThrow("Stack/Alarms: billingMode must be one of 'PAY_PER_REQUEST', 'PROVISIONED', got 'ON_DEMAND'");
  });
});

describe('descriptions fit CloudWatch', () => {
  test('index names of 255 characters keep every description within 1024 characters', () => {
    const stack = newStack();
    const table = new dynamodb.TableV2(stack, 'Orders', {
      partitionKey: pk,
      billing: dynamodb.Billing.provisioned({
        readCapacity: dynamodb.Capacity.autoscaled({ maxCapacity: 10 }),
        writeCapacity: dynamodb.Capacity.autoscaled({ maxCapacity: 10 }),
      }),
      globalSecondaryIndexes: ['a', 'b', 'c', 'd'].map(c => ({ ...gsi(c.repeat(255)), readCapacity: dynamodb.Capacity.autoscaled({ maxCapacity: 5 }), writeCapacity: dynamodb.Capacity.autoscaled({ maxCapacity: 5 }) })),
    });

    const alarms = new TableAlarms(stack, 'Alarms', { table });

    const descriptions = alarms.alarms.map(alarm => alarmProps(stack, alarms, alarm.node.id).AlarmDescription as string);
    expect(Math.max(...descriptions.map(d => d.length))).toBeLessThanOrEqual(1024);
    expect(alarmProps(stack, alarms, 'HotKeyThrottles').AlarmDescription).toContain('the table and 4 indexes');
  });
});
