import { App, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AlarmActions, HardenedKey, ProductionTable, ProductionTableProps, TableAlarms } from '../src';
import { DynamoDbKitError } from '../src/private/errors';

const ENV = { account: '111111111111', region: 'us-east-1' };
const pk = { name: 'pk', type: dynamodb.AttributeType.STRING };
const byStatus: dynamodb.GlobalSecondaryIndexPropsV2 = { indexName: 'byStatus', partitionKey: { name: 'status', type: dynamodb.AttributeType.STRING } };
const ALARM = 'AWS::CloudWatch::Alarm';

function build(props: Partial<ProductionTableProps> = {}) {
  const stack = new Stack(new App(), 'Stack', { env: ENV });
  const table = new ProductionTable(stack, 'Orders', { partitionKey: pk, ...props });
  return { stack, table, template: Template.fromStack(stack) };
}

/** Alarm construct paths below the table, e.g. 'Alarms/HotKeyThrottles'. */
function alarmIds(table: ProductionTable): string[] {
  return (table.alarms?.alarms ?? []).map(alarm => alarm.node.path.replace(`${table.node.path}/`, '')).sort();
}

/** The metric names an alarm's math expression uses. */
function metricNames(template: Template, logicalIdPrefix: string): string[] {
  const [alarm] = Object.entries(template.findResources(ALARM)).filter(([id]) => id.startsWith(logicalIdPrefix)).map(([, r]) => r);
  return alarm.Properties.Metrics.filter((m: any) => m.MetricStat).map((m: any) => m.MetricStat.Metric.MetricName).sort();
}

describe('which alarms a table gets', () => {
  test('on demand with one GSI: hot key and account quota on each, system errors on the table (5 alarms)', () => {
    const { table, template } = build({ globalSecondaryIndexes: [byStatus] });

    expect(alarmIds(table)).toEqual([
      'Alarms/AccountLimitThrottles',
      'Alarms/HotKeyThrottles',
      'Alarms/SystemErrors',
      'Alarms/byStatus/AccountLimitThrottles',
      'Alarms/byStatus/HotKeyThrottles',
    ]);
    template.resourceCountIs(ALARM, 5);
  });

  test('provisioned: capacity throttles and the ceiling instead of the account quota', () => {
    const { table } = build({
      billing: dynamodb.Billing.provisioned({
        readCapacity: dynamodb.Capacity.autoscaled({ maxCapacity: 100 }),
        writeCapacity: dynamodb.Capacity.autoscaled({ maxCapacity: 50 }),
      }),
      globalSecondaryIndexes: [byStatus],
    });

    expect(alarmIds(table)).toEqual([
      'Alarms/CapacityCeiling',
      'Alarms/HotKeyThrottles',
      'Alarms/ProvisionedThrottles',
      'Alarms/SystemErrors',
      'Alarms/byStatus/CapacityCeiling',
      'Alarms/byStatus/HotKeyThrottles',
      'Alarms/byStatus/ProvisionedThrottles',
    ]);
  });

  test('on demand with a maximum: its throttles and the ceiling too', () => {
    const { table } = build({ billing: dynamodb.Billing.onDemand({ maxReadRequestUnits: 1000, maxWriteRequestUnits: 500 }) });

    expect(alarmIds(table)).toEqual([
      'Alarms/AccountLimitThrottles',
      'Alarms/CapacityCeiling',
      'Alarms/HotKeyThrottles',
      'Alarms/OnDemandMaxThrottles',
      'Alarms/SystemErrors',
    ]);
  });

  test('a GSI added after the table is alarmed too', () => {
    const stack = new Stack(new App(), 'Stack', { env: ENV });
    const table = new ProductionTable(stack, 'Orders', { partitionKey: pk });

    table.addGlobalSecondaryIndex(byStatus);

    expect(alarmIds(table)).toContain('Alarms/byStatus/HotKeyThrottles');
    Template.fromStack(stack).resourceCountIs(ALARM, 5);
  });

  test('a replica gets a replication-latency alarm that also fires when writes come in and none replicate', () => {
    // GIVEN
    const stack = new Stack(new App(), 'Stack', { env: ENV });
    const key = new HardenedKey(stack, 'Key', { description: 'k' });

    // WHEN
    const table = new ProductionTable(stack, 'Orders', {
      partitionKey: pk,
      encryption: dynamodb.TableEncryptionV2.customerManagedKey(key, { 'us-west-2': 'arn:aws:kms:us-west-2:111111111111:key/replica' }),
      replicas: [{ region: 'us-west-2' }],
    });

    // THEN
    expect(alarmIds(table)).toContain('Alarms/ReplicationLatencyus-west-2');
    const template = Template.fromStack(stack);
    template.hasResourceProperties(ALARM, {
      Threshold: 60000,
      EvaluationPeriods: 5,
      DatapointsToAlarm: 5,
      TreatMissingData: 'notBreaching',
      Metrics: Match.arrayWith([
        Match.objectLike({
          Expression: 'IF(FILL(w0, 0) + FILL(w1, 0) + FILL(w2, 0) + FILL(w3, 0) + FILL(w4, 0) > 0, FILL(latency, 60000), FILL(latency, 0))',
        }),
        Match.objectLike({
          Id: 'latency',
          MetricStat: Match.objectLike({
            Metric: Match.objectLike({
              MetricName: 'ReplicationLatency',
              Namespace: 'AWS/DynamoDB',
              Dimensions: Match.arrayWith([{ Name: 'ReceivingRegion', Value: 'us-west-2' }]),
            }),
            Stat: 'Average',
          }),
        }),
      ]),
    });
    expect(metricNames(template, 'OrdersAlarmsReplicationLatency')).toEqual([
      'ReplicationLatency', ...Array(5).fill('SuccessfulRequestLatency'),
    ]);
  });

  test('the writes that tell a stall from an idle table are the successful write requests of the table, counted', () => {
    const { template } = build({ replicas: [{ region: 'us-west-2' }] });

    const [alarm] = Object.values(template.findResources(ALARM, { Properties: { AlarmDescription: Match.stringLikeRegexp('us-west-2') } }));
    const writes = alarm.Properties.Metrics.filter((m: any) => /^w\d$/.test(m.Id)).map((m: any) => ({
      stat: m.MetricStat.Stat,
      operation: m.MetricStat.Metric.Dimensions.find((d: any) => d.Name === 'Operation').Value,
    }));
    expect(writes).toEqual(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem', 'TransactWriteItems'].map(operation => ({ stat: 'SampleCount', operation })));
  });

  test('a replica added later gets its replication-latency alarm too, once', () => {
    // GIVEN
    const stack = new Stack(new App(), 'Stack', { env: ENV });
    const table = new ProductionTable(stack, 'Orders', { partitionKey: pk, replicas: [{ region: 'us-west-2' }] });

    // WHEN
    table.addReplica({ region: 'eu-west-1' });
    table.alarms!.addReplica('eu-west-1');

    // THEN
    expect(alarmIds(table).filter(id => id.startsWith('Alarms/ReplicationLatency'))).toEqual([
      'Alarms/ReplicationLatencyeu-west-1', 'Alarms/ReplicationLatencyus-west-2',
    ]);
    Template.fromStack(stack).hasResourceProperties(ALARM, {
      Metrics: Match.arrayWith([Match.objectLike({
        Id: 'latency',
        MetricStat: Match.objectLike({ Metric: Match.objectLike({ Dimensions: Match.arrayWith([{ Name: 'ReceivingRegion', Value: 'eu-west-1' }]) }) }),
      })]),
    });
  });

  test('a multi-Region strong consistency table gets no replication-latency alarm', () => {
    const { table } = build({
      multiRegionConsistency: dynamodb.MultiRegionConsistency.STRONG,
      replicas: [{ region: 'us-east-2' }],
      witnessRegion: 'us-west-2',
    });

    expect(alarmIds(table).filter(id => id.startsWith('Alarms/ReplicationLatency'))).toEqual([]);
  });

  test('AlarmActions.none() creates no alarms and no topic, and leaves a warning', () => {
    const { stack, table, template } = build({ alarms: { actions: AlarmActions.none() } });

    expect(table.alarms).toBeUndefined();
    template.resourceCountIs(ALARM, 0);
    template.resourceCountIs('AWS::SNS::Topic', 0);
    expect(Annotations.fromStack(stack).findWarning('/Stack/Orders', Match.stringLikeRegexp('DynamoDbChecks::AlarmsNotify'))).toHaveLength(1);
  });
});

describe('what each alarm watches', () => {
  test('hot-key throttles add read and write key-range events of the table, any minute in 3 of 5', () => {
    const { template } = build();

    template.hasResourceProperties(ALARM, {
      AlarmDescription: Match.stringLikeRegexp('a hot key or partition.*Contributor Insights'),
      Threshold: 1,
      EvaluationPeriods: 5,
      DatapointsToAlarm: 3,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      ActionsEnabled: true,
      AlarmActions: [{ Ref: Match.stringLikeRegexp('^DynamoDbKitAlarmsTopic') }],
      OKActions: [{ Ref: Match.stringLikeRegexp('^DynamoDbKitAlarmsTopic') }],
      Metrics: Match.arrayWith([
        Match.objectLike({ Expression: 'm0 + m1' }),
        Match.objectLike({
          Id: 'm0',
          MetricStat: {
            Metric: {
              Namespace: 'AWS/DynamoDB',
              MetricName: 'ReadKeyRangeThroughputThrottleEvents',
              Dimensions: [{ Name: 'TableName', Value: { Ref: Match.stringLikeRegexp('^Orders') } }],
            },
            Period: 60,
            Stat: 'Sum',
          },
          ReturnData: false,
        }),
      ]),
    });
    expect(metricNames(template, 'OrdersAlarmsHotKeyThrottles')).toEqual(['ReadKeyRangeThroughputThrottleEvents', 'WriteKeyRangeThroughputThrottleEvents']);
    expect(metricNames(template, 'OrdersAlarmsAccountLimitThrottles')).toEqual(['ReadAccountLimitThrottleEvents', 'WriteAccountLimitThrottleEvents']);
  });

  test('GSI alarms carry the GlobalSecondaryIndexName dimension', () => {
    const { template } = build({ globalSecondaryIndexes: [byStatus] });

    template.hasResourceProperties(ALARM, {
      Metrics: Match.arrayWith([Match.objectLike({
        MetricStat: Match.objectLike({
          Metric: {
            Namespace: 'AWS/DynamoDB',
            MetricName: 'ReadKeyRangeThroughputThrottleEvents',
            Dimensions: [
              { Name: 'GlobalSecondaryIndexName', Value: 'byStatus' },
              { Name: 'TableName', Value: { Ref: Match.stringLikeRegexp('^Orders') } },
            ],
          },
        }),
      })]),
    });
  });

  test('the capacity ceiling compares per-second consumption with the autoscaling maximum', () => {
    const { template } = build({
      billing: dynamodb.Billing.provisioned({
        readCapacity: dynamodb.Capacity.autoscaled({ maxCapacity: 100 }),
        writeCapacity: dynamodb.Capacity.autoscaled({ maxCapacity: 50 }),
      }),
    });

    template.hasResourceProperties(ALARM, {
      Threshold: 80,
      Metrics: Match.arrayWith([Match.objectLike({ Expression: 'MAX([100 * reads / 60 / 100, 100 * writes / 60 / 50])' })]),
    });
    expect(metricNames(template, 'OrdersAlarmsCapacityCeiling')).toEqual(['ConsumedReadCapacityUnits', 'ConsumedWriteCapacityUnits']);
    expect(metricNames(template, 'OrdersAlarmsProvisionedThrottles')).toEqual(['ReadProvisionedThroughputThrottleEvents', 'WriteProvisionedThroughputThrottleEvents']);
  });

  test('the on-demand ceiling uses the configured maximum, and only the directions that have one', () => {
    const { template } = build({ billing: dynamodb.Billing.onDemand({ maxWriteRequestUnits: 500 }) });

    template.hasResourceProperties(ALARM, { Metrics: Match.arrayWith([Match.objectLike({ Expression: '100 * writes / 60 / 500' })]) });
    expect(metricNames(template, 'OrdersAlarmsOnDemandMaxThrottles')).toEqual(['ReadMaxOnDemandThroughputThrottleEvents', 'WriteMaxOnDemandThroughputThrottleEvents']);
  });

  test('system errors sum ten operations, the most one alarm can hold', () => {
    const { template } = build();

    const names = metricNames(template, 'OrdersAlarmsSystemErrors');
    expect(names).toEqual(Array(10).fill('SystemErrors'));
    template.hasResourceProperties(ALARM, {
      Metrics: Match.arrayWith([
        Match.objectLike({ Expression: 'SUM([e0,e1,e2,e3,e4,e5,e6,e7,e8,e9])' }),
        Match.objectLike({
          Id: 'e4',
          MetricStat: Match.objectLike({
            Metric: { Namespace: 'AWS/DynamoDB', MetricName: 'SystemErrors', Dimensions: Match.arrayWith([{ Name: 'Operation', Value: 'Query' }]) },
          }),
        }),
      ]),
    });
  });

  test('options change thresholds, and an optional p99 latency alarm watches chosen operations', () => {
    const { table, template } = build({
      alarms: {
        throttleThreshold: 25,
        datapointsToAlarm: 2,
        latencyThreshold: Duration.millis(50),
        latencyOperations: [dynamodb.Operation.GET_ITEM],
      },
    });

    expect(alarmIds(table)).toContain('Alarms/Latency');
    template.hasResourceProperties(ALARM, { Threshold: 25, DatapointsToAlarm: 2, AlarmDescription: Match.stringLikeRegexp('hot key') });
    template.hasResourceProperties(ALARM, {
      Threshold: 50,
      Metrics: Match.arrayWith([Match.objectLike({
        MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: 'SuccessfulRequestLatency' }), Stat: 'p99' }),
      })]),
    });
  });
});

describe('where alarms go', () => {
  test('three tables share one topic', () => {
    const stack = new Stack(new App(), 'Stack');
    ['A', 'B', 'C'].forEach(id => new ProductionTable(stack, id, { partitionKey: pk }));

    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::SNS::Topic', 1);
    template.resourceCountIs(ALARM, 9);
  });

  test('a topic of your own replaces the stack topic', () => {
    const stack = new Stack(new App(), 'Stack');
    const own = new sns.Topic(stack, 'Pager', { enforceSSL: true });
    new ProductionTable(stack, 'Orders', { partitionKey: pk, alarms: { actions: AlarmActions.topic(own) } });

    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::SNS::Topic', 1);
    template.allResourcesProperties(ALARM, { AlarmActions: [{ Ref: Match.stringLikeRegexp('^Pager') }] });
  });
});

describe('TableAlarms on its own', () => {
  test('works for a plain Table, with its GSIs and ceilings given', () => {
    const stack = new Stack(new App(), 'Stack');
    const table = new dynamodb.Table(stack, 'Legacy', { partitionKey: pk, billingMode: dynamodb.BillingMode.PROVISIONED });

    const alarms = new TableAlarms(stack, 'LegacyAlarms', {
      table,
      billingMode: dynamodb.BillingMode.PROVISIONED,
      maxReadUnits: 5,
      maxWriteUnits: 5,
      globalSecondaryIndexes: [{ indexName: 'gsi1' }],
    });

    expect(alarms.alarms.map(a => a.node.id).sort()).toEqual([
      'CapacityCeiling', 'HotKeyThrottles', 'HotKeyThrottles', 'ProvisionedThrottles', 'ProvisionedThrottles', 'SystemErrors',
    ]);
  });

  test('works for an imported table', () => {
    const stack = new Stack(new App(), 'Stack');
    const table = dynamodb.TableV2.fromTableName(stack, 'Imported', 'orders');

    new TableAlarms(stack, 'Alarms', { table });

    Template.fromStack(stack).hasResourceProperties(ALARM, {
      Metrics: Match.arrayWith([Match.objectLike({
        MetricStat: Match.objectLike({ Metric: Match.objectLike({ Dimensions: [{ Name: 'TableName', Value: 'orders' }] }) }),
      })]),
    });
  });

  test.each([
    ['too many system-error operations', { systemErrorOperations: Array(11).fill(dynamodb.Operation.GET_ITEM) }, 'alarms.systemErrorOperations must list 1 to 10 operations (the metrics one alarm can hold), got 11'],
    ['no latency operations', { latencyOperations: [] }, 'alarms.latencyOperations must list 1 to 10 operations'],
    ['6 datapoints of 5', { datapointsToAlarm: 6 }, 'alarms.datapointsToAlarm must be an integer between 1 and 5, got 6'],
    ['a utilization of 0 %', { capacityUtilizationPercent: 0 }, 'alarms.capacityUtilizationPercent must be an integer between 1 and 100 %, got 0'],
    ['a throttle threshold of 0', { throttleThreshold: 0 }, 'alarms.throttleThreshold must be greater than 0, got 0'],
  ])('refuses %s', (_case, options, message) => {
    const stack = new Stack(new App(), 'Stack');
    const table = dynamodb.TableV2.fromTableName(stack, 'Imported', 'orders');

    expect(() => new TableAlarms(stack, 'Alarms', { table, ...options })).toThrow(DynamoDbKitError);
    expect(() => new TableAlarms(new Stack(new App(), 'S2'), 'Alarms', { table, ...options })).toThrow(message);
  });
});
