import { Duration } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { HardenedKey, ProductionTable, ProductionTableProps } from '../src';
import { newStack, pk } from './fixtures';
import {
  ALLOWED_DIMENSIONS, DYNAMODB_NAMESPACE, METRICS_PAGE, OPERATIONS, UNVERIFIED_DIMENSIONS,
} from './metric-dimensions.data';

// Every metric an alarm of the library watches must carry a dimension set that AWS publishes,
// or the alarm watches a series that never receives data and stays silent. The allowed sets come
// from the metrics page, METRICS_PAGE (see metric-dimensions.data.ts).

const REPLICA_REGION = 'us-west-2';
const INDEX = 'byStatus';
const byStatus = (extra: Partial<dynamodb.GlobalSecondaryIndexPropsV2> = {}): dynamodb.GlobalSecondaryIndexPropsV2 =>
  ({ indexName: INDEX, partitionKey: { name: 'status', type: dynamodb.AttributeType.STRING }, ...extra });

/** One metric an alarm watches, directly or inside its metric math. */
interface WatchedMetric {
  readonly alarm: string;
  readonly namespace: string;
  readonly metricName: string;
  /** Dimension names, sorted. */
  readonly dimensions: string[];
  readonly values: Record<string, unknown>;
  readonly treatMissingData: string;
}

/** Every metric of every alarm in the template, including the inner metrics of metric-math alarms. */
function watchedMetrics(template: Template): WatchedMetric[] {
  return Object.entries(template.findResources('AWS::CloudWatch::Alarm')).flatMap(([alarm, resource]) => {
    const p = resource.Properties;
    const metrics: any[] = p.MetricName !== undefined
      ? [{ Namespace: p.Namespace, MetricName: p.MetricName, Dimensions: p.Dimensions }]
      : (p.Metrics ?? []).filter((query: any) => query.MetricStat).map((query: any) => query.MetricStat.Metric);
    if (metrics.length === 0) {
      throw new Error(`alarm ${alarm} watches no metric this test can read`);
    }
    return metrics.map(metric => {
      const dimensions: Array<{ Name: string; Value: unknown }> = metric.Dimensions ?? [];
      return {
        alarm,
        namespace: metric.Namespace,
        metricName: metric.MetricName,
        dimensions: dimensions.map(d => d.Name).sort(),
        values: Object.fromEntries(dimensions.map(d => [d.Name, d.Value])),
        treatMissingData: p.TreatMissingData,
      };
    });
  });
}

function isUnverified(metric: WatchedMetric): boolean {
  return UNVERIFIED_DIMENSIONS.some(entry => entry.namespace === metric.namespace && entry.metricName === metric.metricName &&
    JSON.stringify(entry.dimensions) === JSON.stringify(metric.dimensions));
}

function synth(props: Partial<ProductionTableProps>, withReplica = false): WatchedMetric[] {
  const stack = newStack();
  const replicaProps: Partial<ProductionTableProps> = withReplica
    ? {
      encryption: dynamodb.TableEncryptionV2.customerManagedKey(new HardenedKey(stack, 'Key', { description: 'k' }),
        { [REPLICA_REGION]: `arn:aws:kms:${REPLICA_REGION}:111111111111:key/replica` }),
      replicas: [{ region: REPLICA_REGION }],
    }
    : {};
  new ProductionTable(stack, 'Orders', { partitionKey: pk, ...replicaProps, ...props });
  return watchedMetrics(Template.fromStack(stack));
}

const AUTOSCALED = (maxCapacity: number) => dynamodb.Capacity.autoscaled({ maxCapacity });
const LATENCY = { latencyThreshold: Duration.millis(50) };

/** Between them, these tables get every kind of alarm the library makes. */
const SCENARIOS: Record<string, () => WatchedMetric[]> = {
  'the default on-demand table': () => synth({}),
  'on demand with maximums on the table and its GSI, and the latency alarm': () => synth({
    billing: dynamodb.Billing.onDemand({ maxReadRequestUnits: 1000, maxWriteRequestUnits: 500 }),
    globalSecondaryIndexes: [byStatus({ maxReadRequestUnits: 100, maxWriteRequestUnits: 50 })],
    alarms: LATENCY,
  }),
  'provisioned with a GSI and a replica, and the latency alarm': () => synth({
    billing: dynamodb.Billing.provisioned({ readCapacity: AUTOSCALED(100), writeCapacity: AUTOSCALED(50) }),
    globalSecondaryIndexes: [byStatus()],
    alarms: LATENCY,
  }, true),
};

const ALL = Object.values(SCENARIOS).flatMap(scenario => scenario());

describe(`every alarm metric has a dimension set from ${METRICS_PAGE}`, () => {
  test.each(Object.keys(SCENARIOS))('%s', name => {
    // GIVEN the alarms of one table
    const metrics = SCENARIOS[name]();
    expect(metrics.length).toBeGreaterThan(0);

    for (const metric of metrics) {
      const key = `${metric.namespace}/${metric.metricName}`;
      const where = `${metric.alarm}: ${key} [${metric.dimensions.join(', ')}]`;
      // THEN the page lists the metric
      expect({ where, listed: ALLOWED_DIMENSIONS[key] !== undefined }).toEqual({ where, listed: true });
      // AND its dimensions are exactly one set the page lists, or a set recorded as unverified
      const matches = ALLOWED_DIMENSIONS[key].filter(set => JSON.stringify(set) === JSON.stringify(metric.dimensions)).length;
      expect({ where, matches: matches + (isUnverified(metric) ? 1 : 0) }).toEqual({ where, matches: 1 });
    }
  });

  test('the scenarios reach every metric of the data table, so no row is left untested', () => {
    const seen = new Set(ALL.map(metric => `${metric.namespace}/${metric.metricName}`));

    expect([...seen].sort()).toEqual(Object.keys(ALLOWED_DIMENSIONS).sort());
  });

  test('the index dimension names the GSI, and Operation is one of the page\'s operations', () => {
    for (const metric of ALL.filter(m => m.namespace === DYNAMODB_NAMESPACE)) {
      if ('GlobalSecondaryIndexName' in metric.values) {
        expect(metric.values.GlobalSecondaryIndexName).toEqual(INDEX);
      }
      if ('Operation' in metric.values) {
        expect(OPERATIONS).toContain(metric.values.Operation);
      }
      if ('ReceivingRegion' in metric.values) {
        expect(metric.values.ReceivingRegion).toEqual(REPLICA_REGION);
      }
    }
  });

  test('every unverified set is still in use, and its alarm treats missing data as not breaching', () => {
    for (const entry of UNVERIFIED_DIMENSIONS) {
      const users = ALL.filter(metric => metric.namespace === entry.namespace && metric.metricName === entry.metricName &&
        JSON.stringify(metric.dimensions) === JSON.stringify(entry.dimensions));

      // A stale entry would hide the next unlisted set: remove it when the alarm no longer uses it
      expect({ entry: entry.metricName, used: users.length > 0 }).toEqual({ entry: entry.metricName, used: true });
      // The series may never receive data: that must not read as breaching
      expect(users.map(metric => metric.treatMissingData)).toEqual(users.map(() => 'notBreaching'));
      // It is not also a listed set (then it would not be unverified)
      expect(ALLOWED_DIMENSIONS[`${entry.namespace}/${entry.metricName}`]).not.toContainEqual(entry.dimensions);
    }
  });

  test('ReplicationLatency is watched per replica with TableName and ReceivingRegion', () => {
    const replication = ALL.filter(metric => metric.metricName === 'ReplicationLatency');

    expect(replication.map(metric => metric.dimensions)).toEqual([['ReceivingRegion', 'TableName']]);
  });
});
