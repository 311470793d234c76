import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { AlarmTopic, ProductionTable, ProductionTableProps, ReplicaAlarmStack, TableAlarms } from '../src';
import { DynamoDbKitError } from '../src/private/errors';

const ENV = { account: '111111111111', region: 'eu-west-1' };
const pk = { name: 'pk', type: dynamodb.AttributeType.STRING };
const ALARM_STACK = 'Tables-DynamoDbKitReplicaAlarms-us-east-1';
const ALARM = 'AWS::CloudWatch::Alarm';

function globalTable(props: Partial<ProductionTableProps> = {}) {
  const app = new App();
  const stack = new Stack(app, 'Tables', { env: ENV });
  const table = new ProductionTable(stack, 'Orders', {
    partitionKey: pk,
    replicas: [{ region: 'us-east-1' }],
    alarms: { replicaAlarms: true },
    ...props,
  });
  return { app, stack, table };
}

/** The alarms of a template by construct id (the last part of their path), with their properties. */
function alarmsOf(stack: Stack): Record<string, any> {
  const resources = Template.fromStack(stack).toJSON().Resources;
  return Object.fromEntries(stack.node.findAll()
    .filter(node => (node.node.defaultChild as any)?.cfnResourceType === ALARM)
    .map(node => [node.node.id, resources[stack.getLogicalId(node.node.defaultChild as any)].Properties]));
}

/** The distinct TableName dimensions of an alarm's metrics, as JSON. */
function tableNames(alarm: any): string[] {
  return [...new Set<string>(alarm.Metrics.filter((m: any) => m.MetricStat)
    .map((m: any) => JSON.stringify(m.MetricStat.Metric.Dimensions.find((d: any) => d.Name === 'TableName').Value)))];
}

describe('alarms of a replica, in its region', () => {
  test('replicaAlarms adds a stack in the replica region, after the table stack, with the throttle, system-error and replication alarms', () => {
    // GIVEN / WHEN
    const { app, stack } = globalTable();

    // THEN
    const alarmStack = app.node.findChild(ALARM_STACK) as ReplicaAlarmStack;
    expect(alarmStack).toBeInstanceOf(ReplicaAlarmStack);
    expect(alarmStack.region).toEqual('us-east-1');
    expect(alarmStack.account).toEqual('111111111111');
    expect(alarmStack.dependencies).toEqual([stack]);
    expect(Object.keys(alarmsOf(alarmStack)).sort()).toEqual(['AccountLimitThrottles', 'HotKeyThrottles', 'ReplicationLatencyeu-west-1', 'SystemErrors']);
  });

  test('without replicaAlarms, no stack is added', () => {
    const { app } = globalTable({ alarms: {} });

    expect(app.node.tryFindChild(ALARM_STACK)).toBeUndefined();
  });

  test('a generated table name crosses by Fn::GetStackOutput of an output of the table stack; no custom resource anywhere', () => {
    // GIVEN / WHEN
    const { app, table } = globalTable();
    const assembly = app.synth();

    // THEN
    const tableTemplate = assembly.getStackByName('Tables').template;
    const [outputName, output] = Object.entries<any>(tableTemplate.Outputs).find(([name]) => name.includes('DynamoDbKitReplicaAlarmsTableName'))!;
    expect(output.Value).toEqual({ Ref: Stack.of(table).getLogicalId(table.node.defaultChild as any) });
    const alarmStack = app.node.findChild(ALARM_STACK) as ReplicaAlarmStack;
    for (const alarm of Object.values(alarmsOf(alarmStack))) {
      expect(tableNames(alarm)).toEqual([JSON.stringify({ 'Fn::GetStackOutput': { StackName: 'Tables', Region: 'eu-west-1', OutputName: outputName } })]);
    }
    for (const name of ['Tables', ALARM_STACK]) {
      const types = Object.values<any>(assembly.getStackByName(name).template.Resources).map(r => r.Type);
      expect(types.filter(type => type.startsWith('Custom::') || type === 'AWS::Lambda::Function')).toEqual([]);
    }
  });

  test('a literal table name is used as it is, and the table stack gets no output', () => {
    const { app, stack } = globalTable({ tableName: 'orders' });

    const alarmStack = app.node.findChild(ALARM_STACK) as ReplicaAlarmStack;
    for (const alarm of Object.values(alarmsOf(alarmStack))) {
      expect(tableNames(alarm)).toEqual(['"orders"']);
    }
    expect(Template.fromStack(stack).toJSON().Outputs ?? {}).toEqual({});
  });

  test('the alarms notify the topic of the replica region\'s stack, not the table region\'s', () => {
    const { app, stack } = globalTable();

    const alarmStack = app.node.findChild(ALARM_STACK) as ReplicaAlarmStack;
    const topic = AlarmTopic.of(alarmStack).topic;
    const topicRef = { Ref: alarmStack.getLogicalId(topic.node.defaultChild as any) };
    for (const alarm of Object.values(alarmsOf(alarmStack))) {
      expect(alarm.AlarmActions).toEqual([topicRef]);
      expect(alarm.OKActions).toEqual([topicRef]);
    }
    expect(Stack.of(AlarmTopic.of(stack))).not.toBe(alarmStack);
  });

  test('the replica region\'s topic is reported until someone subscribes to it', () => {
    const unsubscribed = globalTable();
    const alarmStack = unsubscribed.app.node.findChild(ALARM_STACK) as ReplicaAlarmStack;
    Annotations.fromStack(alarmStack).hasWarning('*', Match.stringLikeRegexp('Nobody is subscribed to the alarm topic'));

    const subscribed = globalTable();
    const subscribedStack = subscribed.app.node.findChild(ALARM_STACK) as ReplicaAlarmStack;
    AlarmTopic.of(subscribedStack).addEmailSubscription('oncall@example.com');
    Annotations.fromStack(subscribedStack).hasNoWarning('*', Match.stringLikeRegexp('Nobody is subscribed to the alarm topic'));
  });

  test('provisioned: the replica\'s own read ceiling and the table\'s write ceiling', () => {
    // GIVEN / WHEN
    const { app } = globalTable({
      billing: dynamodb.Billing.provisioned({
        readCapacity: dynamodb.Capacity.autoscaled({ maxCapacity: 100 }),
        writeCapacity: dynamodb.Capacity.autoscaled({ maxCapacity: 50 }),
      }),
      replicas: [{ region: 'us-east-1', readCapacity: dynamodb.Capacity.autoscaled({ maxCapacity: 30 }) }],
    });

    // THEN
    const alarmStack = app.node.findChild(ALARM_STACK) as ReplicaAlarmStack;
    const ceiling = alarmsOf(alarmStack).CapacityCeiling;
    const expression = ceiling.Metrics.find((m: any) => m.Expression).Expression;
    expect(expression).toEqual('MAX([100 * r0 / 60 / 30, 100 * w0 / 60 / 50])');
  });

  test('a replica and an index added later are alarmed in the replica regions', () => {
    // GIVEN
    const { app, table } = globalTable();

    // WHEN
    table.addReplica({ region: 'us-west-2' });
    table.addGlobalSecondaryIndex({ indexName: 'byStatus', partitionKey: { name: 'status', type: dynamodb.AttributeType.STRING } });
    app.synth();

    // THEN
    for (const region of ['us-east-1', 'us-west-2']) {
      const alarmStack = app.node.findChild(`Tables-DynamoDbKitReplicaAlarms-${region}`) as ReplicaAlarmStack;
      const alarms = alarmsOf(alarmStack);
      // A late index joins a second alarm of the cause, as on the table (HotKeyThrottles2).
      const indexes = Object.entries(alarms).filter(([id]) => id.startsWith('HotKeyThrottles'))
        .flatMap(([, alarm]) => alarm.Metrics.filter((m: any) => m.MetricStat))
        .map((m: any) => m.MetricStat.Metric.Dimensions.find((d: any) => d.Name === 'GlobalSecondaryIndexName')?.Value ?? 'table');
      expect(new Set(indexes)).toEqual(new Set(['table', 'byStatus']));
      const other = region === 'us-east-1' ? 'us-west-2' : 'us-east-1';
      expect(Object.keys(alarms)).toEqual(expect.arrayContaining(['ReplicationLatencyeu-west-1', `ReplicationLatency${other}`]));
    }
  });

  test('multi-Region strong consistency: throttle alarms in each replica region, no replication-latency alarm', () => {
    const { app } = globalTable({
      multiRegionConsistency: dynamodb.MultiRegionConsistency.STRONG,
      replicas: [{ region: 'eu-west-2' }],
      witnessRegion: 'eu-west-3',
    });

    const alarmStack = app.node.findChild('Tables-DynamoDbKitReplicaAlarms-eu-west-2') as ReplicaAlarmStack;
    expect(Object.keys(alarmsOf(alarmStack)).sort()).toEqual(['AccountLimitThrottles', 'HotKeyThrottles', 'SystemErrors']);
    expect(app.node.tryFindChild('Tables-DynamoDbKitReplicaAlarms-eu-west-3')).toBeUndefined();
  });

  test('a plain TableV2 with TableAlarms gets them too', () => {
    const app = new App();
    const stack = new Stack(app, 'Tables', { env: ENV });
    const table = new dynamodb.TableV2(stack, 'Orders', { partitionKey: pk, replicas: [{ region: 'us-east-1' }] });

    const alarms = new TableAlarms(stack, 'Alarms', { table, replicaAlarms: true, throttleThreshold: 7 });

    expect(alarms.replicaRegionAlarms.map(replica => Stack.of(replica).node.id)).toEqual([ALARM_STACK]);
    const hotKey = alarmsOf(app.node.findChild(ALARM_STACK) as Stack).HotKeyThrottles;
    expect(hotKey.Threshold).toEqual(7);
  });

  test('replicaAlarms on an imported table is refused, naming the property and the alternative', () => {
    const stack = new Stack(new App(), 'Tables', { env: ENV });
    const table = dynamodb.TableV2.fromTableName(stack, 'Imported', 'orders');

    expect(() => new TableAlarms(stack, 'Alarms', { table, replicaAlarms: true })).toThrow(DynamoDbKitError);
    expect(() => new TableAlarms(stack, 'Alarms2', { table, replicaAlarms: true }))
      .toThrow(/replicaAlarms must not be true for Tables\/Imported: it needs a TableV2 made in this app/);
  });
});
