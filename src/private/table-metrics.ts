import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { MillisecondsThreshold, ONE_MINUTE } from './alarm';

/** The metric as DynamoDB publishes it, in milliseconds. */
const MILLISECONDS: MillisecondsThreshold = { threshold: 0, expression: '0', divisor: 1, unit: 'ms' };

/**
 * The DynamoDB metrics the table alarms read, apart from the alarms themselves.
 *
 * Every metric carries a dimension set that AWS lists for it on the metrics page (pinned by
 * test/metric-dimensions.test.ts); a set AWS does not publish leaves an alarm silent forever:
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/metrics-dimensions.html
 */
const NAMESPACE = 'AWS/DynamoDB';

/** CloudWatch evaluates at most 10 metrics in one metric-math alarm. */
export const MAX_METRICS_PER_ALARM = 10;

/** The table, or one of its global secondary indexes, with its capacity ceiling where known. */
export interface AlarmScope {
  /** The index name; undefined for the table itself. */
  readonly indexName?: string;
  readonly maxReadUnits?: number;
  readonly maxWriteUnits?: number;
}

export function metric(metricName: string, dimensionsMap: Record<string, string>, statistic: string): cloudwatch.Metric {
  return new cloudwatch.Metric({ namespace: NAMESPACE, metricName, dimensionsMap, statistic, period: ONE_MINUTE });
}

/** The dimensions of a scope: `TableName`, and `GlobalSecondaryIndexName` for an index. */
export function scopeDimensions(tableName: string, scope: AlarmScope): Record<string, string> {
  return scope.indexName === undefined ? { TableName: tableName } : { TableName: tableName, GlobalSecondaryIndexName: scope.indexName };
}

/** What a scope is called in an alarm's description and its metrics' ids. */
export function scopeLabel(scope: AlarmScope): string {
  return scope.indexName === undefined ? 'the table' : `index ${scope.indexName}`;
}

/**
 * The read and write throttle events of one cause, for the table and indexes of one alarm, added.
 * Arithmetic counts a missing value as 0 (CloudWatch, "Using metric math"), so a scope or a
 * direction that publishes nothing does not hide one that does.
 */
export function throttlesOf(tableName: string, scopes: AlarmScope[], reason: string, label: string, idPrefix = ''): cloudwatch.MathExpression {
  const usingMetrics: Record<string, cloudwatch.IMetric> = {};
  scopes.forEach((scope, i) => {
    const dimensions = scopeDimensions(tableName, scope);
    usingMetrics[`${idPrefix}r${i}`] = metric(`Read${reason}ThrottleEvents`, dimensions, 'Sum');
    usingMetrics[`${idPrefix}w${i}`] = metric(`Write${reason}ThrottleEvents`, dimensions, 'Sum');
  });
  return new cloudwatch.MathExpression({ expression: Object.keys(usingMetrics).join(' + '), usingMetrics, label, period: ONE_MINUTE });
}

/**
 * Consumed capacity per second as a percentage of each scope's ceiling, the highest of all.
 * DynamoDB publishes consumed units as a per-minute sum, hence the division by 60.
 */
export function utilizationOf(tableName: string, scopes: AlarmScope[]): cloudwatch.MathExpression {
  const usingMetrics: Record<string, cloudwatch.IMetric> = {};
  const terms: string[] = [];
  scopes.forEach((scope, i) => {
    const dimensions = scopeDimensions(tableName, scope);
    if (scope.maxReadUnits !== undefined) {
      usingMetrics[`r${i}`] = metric('ConsumedReadCapacityUnits', dimensions, 'Sum');
      terms.push(`100 * r${i} / 60 / ${scope.maxReadUnits}`);
    }
    if (scope.maxWriteUnits !== undefined) {
      usingMetrics[`w${i}`] = metric('ConsumedWriteCapacityUnits', dimensions, 'Sum');
      terms.push(`100 * w${i} / 60 / ${scope.maxWriteUnits}`);
    }
  });
  return new cloudwatch.MathExpression({
    expression: terms.length === 1 ? terms[0] : `MAX([${terms.join(', ')}])`,
    usingMetrics,
    label: 'Consumption (% of maximum)',
    period: ONE_MINUTE,
  });
}

/**
 * Whether AWS's metrics page leaves out this metric with these dimensions, so the series may never
 * receive data: `WriteAccountLimitThrottleEvents` is listed with `TableName` only, while the
 * throttling page maps an index's write quota throttles to it
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/metrics-dimensions.html,
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/throttling-diagnosing-workflow.html).
 * test/metric-dimensions.test.ts holds this to the UNVERIFIED_DIMENSIONS list.
 */
export function isUnverifiedMetric(metricName: string, dimensionNames: string[]): boolean {
  return metricName === 'WriteAccountLimitThrottleEvents' && dimensionNames.includes('GlobalSecondaryIndexName');
}

/** How many metrics a scope adds to a capacity-ceiling alarm. */
export function ceilingMetricCount(scope: AlarmScope): number {
  return (scope.maxReadUnits !== undefined ? 1 : 0) + (scope.maxWriteUnits !== undefined ? 1 : 0);
}

/** `SystemErrors` of the operations, summed. The metrics page lists it with TableName and Operation only. */
export function systemErrorsOf(tableName: string, operations: dynamodb.Operation[]): cloudwatch.MathExpression {
  const usingMetrics: Record<string, cloudwatch.IMetric> = {};
  operations.forEach((operation, i) => {
    usingMetrics[`e${i}`] = metric('SystemErrors', { TableName: tableName, Operation: operation }, 'Sum');
  });
  return new cloudwatch.MathExpression({
    expression: `SUM([${Object.keys(usingMetrics).join(',')}])`,
    usingMetrics,
    label: 'System errors',
    period: ONE_MINUTE,
  });
}

/** The highest p99 latency of successful requests of the operations. */
export function latencyOf(
  tableName: string, operations: dynamodb.Operation[], threshold: MillisecondsThreshold = MILLISECONDS,
): cloudwatch.MathExpression {
  const usingMetrics: Record<string, cloudwatch.IMetric> = {};
  operations.forEach((operation, i) => {
    usingMetrics[`l${i}`] = metric('SuccessfulRequestLatency', { TableName: tableName, Operation: operation }, 'p99');
  });
  const max = `MAX([${Object.keys(usingMetrics).join(',')}])`;
  return new cloudwatch.MathExpression({
    expression: threshold.divisor === 1 ? max : `${max} / ${threshold.divisor}`,
    usingMetrics,
    label: `p99 latency (${threshold.unit})`,
    period: ONE_MINUTE,
  });
}

/** The write operations whose successful requests replicate; their count tells a stall from an idle table. */
const REPLICATED_WRITE_OPERATIONS = [
  dynamodb.Operation.PUT_ITEM, dynamodb.Operation.UPDATE_ITEM, dynamodb.Operation.DELETE_ITEM,
  dynamodb.Operation.BATCH_WRITE_ITEM, dynamodb.Operation.TRANSACT_WRITE_ITEMS,
];

/**
 * Replication latency to a region, or the threshold itself when the table takes writes and the
 * replica's latency is missing.
 *
 * The metrics page lists ReplicationLatency with TableName and ReceivingRegion. DynamoDB publishes
 * it only for items that replicate: an idle table publishes none, and so, probably, does a replica
 * that receives nothing at all (unconfirmed). Told apart by the writes this region's table takes
 * (SuccessfulRequestLatency SampleCount counts the requests that succeeded here). FILL and IF:
 * CloudWatch "Metric math syntax and functions"
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/using-metric-math.html).
 */
export function replicationOf(tableName: string, region: string, threshold: MillisecondsThreshold): cloudwatch.MathExpression {
  const usingMetrics: Record<string, cloudwatch.IMetric> = {
    latency: metric('ReplicationLatency', { TableName: tableName, ReceivingRegion: region }, 'Average'),
  };
  REPLICATED_WRITE_OPERATIONS.forEach((operation, i) => {
    usingMetrics[`w${i}`] = metric('SuccessfulRequestLatency', { TableName: tableName, Operation: operation }, 'SampleCount');
  });
  const writes = REPLICATED_WRITE_OPERATIONS.map((_, i) => `FILL(w${i}, 0)`).join(' + ');
  const latency = threshold.divisor === 1 ? 'latency' : `latency / ${threshold.divisor}`;
  return new cloudwatch.MathExpression({
    expression: `IF(${writes} > 0, FILL(${latency}, ${threshold.expression}), FILL(${latency}, 0))`,
    usingMetrics,
    label: `Replication latency to ${region} (${threshold.unit}), the threshold when writes come in but none arrive`,
    period: ONE_MINUTE,
  });
}

/** One cause of throttling: the alarm id it is known by, its metrics and the scopes it can occur on. */
export interface ThrottleCause {
  /** The alarm's construct id; a second group of scopes gets `id2`, and so on. */
  readonly id: string;
  /** What throttles, in words: "a hot key or partition". */
  readonly cause: string;
  /** The part of the metric names: `Read<reason>ThrottleEvents`, `Write<reason>ThrottleEvents`. */
  readonly reason: string;
  /** What to do about it. */
  readonly todo: string;
  readonly scopes: AlarmScope[];
}

/**
 * The throttling causes that can occur on `scopes` under `billingMode` (undefined when unknown:
 * every cause), in the order the alarms and the dashboard show them.
 */
export function throttleCauses(scopes: AlarmScope[], billingMode: dynamodb.BillingMode | undefined): ThrottleCause[] {
  const provisioned = billingMode !== dynamodb.BillingMode.PAY_PER_REQUEST;
  const onDemand = billingMode !== dynamodb.BillingMode.PROVISIONED;
  const causes: ThrottleCause[] = [{
    id: 'HotKeyThrottles',
    cause: 'a hot key or partition',
    reason: 'KeyRangeThroughput',
    scopes,
    todo: 'Capacity will not help: find the key in CloudWatch Contributor Insights (throttled keys), then spread it (write sharding, caching) or slow its callers.',
  }];
  if (provisioned) {
    causes.push({
      id: 'ProvisionedThrottles',
      cause: 'provisioned capacity',
      reason: 'ProvisionedThroughput',
      scopes,
      todo: 'Autoscaling reacts within minutes; if consumption sits at the autoscaling maximum, raise maxCapacity.',
    });
  }
  if (onDemand) {
    // An imported table of unknown billing may have a maximum anywhere; a known one only where set.
    causes.push({
      id: 'OnDemandMaxThrottles',
      cause: 'the configured on-demand maximum',
      reason: 'MaxOnDemandThroughput',
      scopes: billingMode === undefined ? scopes : scopes.filter(scope => ceilingMetricCount(scope) > 0),
      todo: 'Raise maxReadRequestUnits / maxWriteRequestUnits if the traffic is legitimate.',
    });
    // Unverified for an index: the metrics page lists WriteAccountLimitThrottleEvents with TableName
    // only, so the write half of an index's term may never receive data, while the throttling page
    // maps IndexWriteAccountLimitExceeded to WriteAccountLimitThrottleEvents for GSIs:
    // https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/metrics-dimensions.html
    // https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/throttling-diagnosing-workflow.html
    // It stays: missing data is not breaching, and metric math counts a missing value as 0, so the
    // read half still alarms (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/using-metric-math.html).
    causes.push({
      id: 'AccountLimitThrottles',
      cause: "the account's per-table throughput quota",
      reason: 'AccountLimit',
      scopes,
      todo: 'Request a higher per-table quota in Service Quotas, or spread the traffic over more tables.',
    });
  }
  return causes.filter(entry => entry.scopes.length > 0);
}

/**
 * Scopes in groups whose metrics fit one alarm, in order: the table first, then its indexes as
 * they were added.
 */
export function inGroups(scopes: AlarmScope[], metricsOf: (scope: AlarmScope) => number): AlarmScope[][] {
  const groups: AlarmScope[][] = [];
  let current: AlarmScope[] = [];
  let count = 0;
  for (const scope of scopes) {
    const metrics = metricsOf(scope);
    if (metrics === 0) {
      continue;
    }
    if (count + metrics > MAX_METRICS_PER_ALARM) {
      groups.push(current);
      current = [];
      count = 0;
    }
    current.push(scope);
    count += metrics;
  }
  if (current.length > 0) {
    groups.push(current);
  }
  return groups;
}
