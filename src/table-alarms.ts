import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { AlarmActions } from './alarm-actions';
import { ONE_MINUTE, productAlarm } from './private/alarm';
import { DynamoDbKitError } from './private/errors';
import { validateRange } from './private/validation';

/**
 * Every metric below carries a dimension set that AWS lists for it on the metrics page (pinned by
 * test/metric-dimensions.test.ts); a set AWS does not publish leaves an alarm silent forever:
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/metrics-dimensions.html
 */
const NAMESPACE = 'AWS/DynamoDB';
// CloudWatch evaluates at most 10 metrics in one alarm.
const MAX_METRICS_PER_ALARM = 10;

/**
 * The operations whose `SystemErrors` are alarmed by default: the ten data-plane operations
 * applications call most, which is as many as one alarm can watch.
 */
const DEFAULT_SYSTEM_ERROR_OPERATIONS = [
  dynamodb.Operation.GET_ITEM, dynamodb.Operation.PUT_ITEM, dynamodb.Operation.UPDATE_ITEM,
  dynamodb.Operation.DELETE_ITEM, dynamodb.Operation.QUERY, dynamodb.Operation.SCAN,
  dynamodb.Operation.BATCH_GET_ITEM, dynamodb.Operation.BATCH_WRITE_ITEM,
  dynamodb.Operation.TRANSACT_GET_ITEMS, dynamodb.Operation.TRANSACT_WRITE_ITEMS,
];

/** The write operations whose successful requests replicate; their count tells a stall from an idle table. */
const REPLICATED_WRITE_OPERATIONS = [
  dynamodb.Operation.PUT_ITEM, dynamodb.Operation.UPDATE_ITEM, dynamodb.Operation.DELETE_ITEM,
  dynamodb.Operation.BATCH_WRITE_ITEM, dynamodb.Operation.TRANSACT_WRITE_ITEMS,
];

/**
 * Thresholds and choices of table alarms. Every one has a default that pages on a sustained
 * problem, not on a blip that the SDK's retries absorb.
 */
export interface TableAlarmsOptions {
  /**
   * Where the alarms notify. `AlarmActions.none()` creates no alarms.
   *
   * @default AlarmActions.stackTopic() - the stack's encrypted alarm topic
   */
  readonly actions?: AlarmActions;

  /**
   * Throttled events per minute, read and write together, that count as a bad minute.
   *
   * @default 1 - any throttle; the datapoints rule below filters out blips
   */
  readonly throttleThreshold?: number;

  /**
   * How many bad minutes out of the last five raise a throttle or system-error alarm.
   *
   * @default 3 - sustained for most of five minutes: the SDK's retries absorb shorter bursts
   */
  readonly datapointsToAlarm?: number;

  /**
   * System errors (HTTP 500) per minute, across the watched operations, that count as a bad minute.
   *
   * @default 1
   */
  readonly systemErrorsThreshold?: number;

  /**
   * The operations whose system errors are watched; at most 10, the metrics one alarm can hold.
   *
   * @default GetItem, PutItem, UpdateItem, DeleteItem, Query, Scan, BatchGetItem, BatchWriteItem,
   * TransactGetItems, TransactWriteItems
   */
  readonly systemErrorOperations?: dynamodb.Operation[];

  /**
   * Consumption, as a percentage of the ceiling (the autoscaling maximum or the on-demand
   * maximum), that raises the capacity-ceiling alarm.
   *
   * @default 80 - room to raise the ceiling before requests throttle against it
   */
  readonly capacityUtilizationPercent?: number;

  /**
   * Average replication latency to a replica that raises its alarm, over five minutes in a row.
   *
   * @default Duration.minutes(1) - replication normally takes about a second
   */
  readonly replicationLatencyThreshold?: Duration;

  /**
   * The p99 latency of successful requests that raises the latency alarm. Off unless set: latency
   * depends on item sizes and access patterns that only the team knows, and a guessed threshold
   * pages for nothing.
   *
   * @default - no latency alarm
   */
  readonly latencyThreshold?: Duration;

  /**
   * The operations whose p99 latency is watched when `latencyThreshold` is set; at most 10.
   *
   * @default GetItem, Query, PutItem
   */
  readonly latencyOperations?: dynamodb.Operation[];
}

/** The capacity ceiling of a table or of one of its indexes. */
export interface CapacityCeiling {
  /**
   * The most read units per second: the autoscaling maximum, the fixed capacity, or the
   * on-demand `maxReadRequestUnits`.
   *
   * @default - no ceiling known, no alarm on read consumption
   */
  readonly maxReadUnits?: number;

  /**
   * The most write units per second: the autoscaling maximum or the on-demand `maxWriteRequestUnits`.
   *
   * @default - no ceiling known, no alarm on write consumption
   */
  readonly maxWriteUnits?: number;
}

/** A global secondary index to alarm on, with its capacity ceiling. */
export interface IndexAlarmsProps extends CapacityCeiling {
  /** The index name. */
  readonly indexName: string;
}

/** Properties of `TableAlarms`. */
export interface TableAlarmsProps extends TableAlarmsOptions, CapacityCeiling {
  /** The table to alarm on: any `Table` or `TableV2`, made here or imported. */
  readonly table: dynamodb.ITable;

  /**
   * The table's billing mode, which decides which capacity throttles can happen.
   *
   * @default BillingMode.PAY_PER_REQUEST
   */
  readonly billingMode?: dynamodb.BillingMode;

  /**
   * The global secondary indexes, each alarmed like the table.
   *
   * @default - none
   */
  readonly globalSecondaryIndexes?: IndexAlarmsProps[];

  /**
   * Regions of the table's replicas, each of which gets a replication-latency alarm.
   *
   * @default - none
   */
  readonly replicaRegions?: string[];
}

/**
 * Alarms that say why a table throttles, for the table and every GSI, using DynamoDB's
 * throttle-reason metrics:
 *
 * - `HotKeyThrottles`: `Read/WriteKeyRangeThroughputThrottleEvents`, a hot key or partition;
 * - `ProvisionedThrottles` (provisioned): `Read/WriteProvisionedThroughputThrottleEvents`;
 * - `OnDemandMaxThrottles` (on demand with a maximum): `Read/WriteMaxOnDemandThroughputThrottleEvents`;
 * - `AccountLimitThrottles` (on demand): `Read/WriteAccountLimitThrottleEvents`, the per-table quota;
 * - `CapacityCeiling`: consumption near the autoscaling or on-demand maximum, when one is known.
 *
 * For the table also `SystemErrors`, `ReplicationLatency<region>` per replica, and optionally
 * `Latency`. Every alarm notifies on alarm and on recovery.
 */
export class TableAlarms extends Construct {
  /** Every alarm created, for dashboards or composite alarms of your own. */
  public readonly alarms: cloudwatch.Alarm[] = [];

  private readonly table: dynamodb.ITable;
  private readonly options: TableAlarmsOptions;
  private readonly billingMode: dynamodb.BillingMode;
  private readonly alarmActions: cloudwatch.IAlarmAction[];

  constructor(scope: Construct, id: string, props: TableAlarmsProps) {
    super(scope, id);
    validateOptions(props);
    this.table = props.table;
    this.options = props;
    this.billingMode = props.billingMode ?? dynamodb.BillingMode.PAY_PER_REQUEST;
    this.alarmActions = (props.actions ?? AlarmActions.stackTopic()).bind(this);
    if (this.alarmActions.length === 0) {
      return;
    }

    this.addScope(this, 'the table', {}, props);
    this.addSystemErrors();
    for (const region of props.replicaRegions ?? []) {
      this.addReplicationLatency(region);
    }
    if (props.latencyThreshold) {
      this.addLatency(props.latencyThreshold);
    }
    for (const index of props.globalSecondaryIndexes ?? []) {
      this.addGlobalSecondaryIndex(index);
    }
  }

  /**
   * Alarm on replication to a replica added after the alarms were made: its latency, and a stall.
   */
  public addReplica(region: string): void {
    if (this.alarmActions.length === 0 || this.node.tryFindChild(`ReplicationLatency${region}`)) {
      return;
    }
    this.addReplicationLatency(region);
  }

  /**
   * Alarm on a global secondary index like on the table: throttles by cause, and its capacity ceiling.
   */
  public addGlobalSecondaryIndex(index: IndexAlarmsProps): void {
    if (this.alarmActions.length === 0) {
      return;
    }
    this.addScope(new Construct(this, index.indexName), `index ${index.indexName}`, { GlobalSecondaryIndexName: index.indexName }, index);
  }

  /** Throttle alarms by cause, and the capacity ceiling, for the table or one index. */
  private addScope(scope: Construct, subject: string, indexDimension: Record<string, string>, ceiling: CapacityCeiling): void {
    const dimensions = { TableName: this.table.tableName, ...indexDimension };
    const throttles = (id: string, cause: string, reason: string, todo: string) => this.alarm(scope, id, {
      metric: sumOf(dimensions, [`Read${reason}ThrottleEvents`, `Write${reason}ThrottleEvents`], `${cause} throttles`),
      threshold: this.options.throttleThreshold ?? 1,
      evaluationPeriods: 5,
      datapointsToAlarm: this.options.datapointsToAlarm ?? 3,
      // DynamoDB publishes throttle metrics only when something was throttled.
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      description: `${subject} of ${this.tableLabel()}: requests are throttled because of ${cause}. ${todo}`,
    });

    throttles('HotKeyThrottles', 'a hot key or partition', 'KeyRangeThroughput',
      'Capacity will not help: find the key in CloudWatch Contributor Insights (throttled keys), then spread it (write sharding, caching) or slow its callers.');
    if (this.billingMode === dynamodb.BillingMode.PROVISIONED) {
      throttles('ProvisionedThrottles', 'provisioned capacity', 'ProvisionedThroughput',
        'Autoscaling reacts within minutes; if consumption sits at the autoscaling maximum, raise maxCapacity.');
    } else {
      if (ceiling.maxReadUnits !== undefined || ceiling.maxWriteUnits !== undefined) {
        throttles('OnDemandMaxThrottles', 'the configured on-demand maximum', 'MaxOnDemandThroughput',
          'Raise maxReadRequestUnits / maxWriteRequestUnits if the traffic is legitimate.');
      }
      // Unverified for an index: the metrics page lists WriteAccountLimitThrottleEvents with TableName
      // only, so the write half of an index's alarm may never receive data, while the throttling page
      // maps IndexWriteAccountLimitExceeded to WriteAccountLimitThrottleEvents for GSIs:
      // https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/metrics-dimensions.html
      // https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/throttling-diagnosing-workflow.html
      // It stays: missing data is not breaching, and metric math counts a missing value as 0, so the
      // read half still alarms (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/using-metric-math.html).
      throttles('AccountLimitThrottles', "the account's per-table throughput quota", 'AccountLimit',
        'Request a higher per-table quota in Service Quotas, or spread the traffic over more tables.');
    }

    const utilization = utilizationOf(dimensions, ceiling);
    if (utilization) {
      const percent = this.options.capacityUtilizationPercent ?? 80;
      this.alarm(scope, 'CapacityCeiling', {
        metric: utilization,
        threshold: percent,
        evaluationPeriods: 5,
        datapointsToAlarm: 3,
        // No traffic publishes no consumption, which is far from any ceiling.
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        description: `${subject} of ${this.tableLabel()}: consumption is above ${percent} % of its maximum ` +
          `(${describeCeiling(ceiling)}), beyond which autoscaling cannot help and requests throttle. Raise the maximum or reduce the load.`,
      });
    }
  }

  private addSystemErrors(): void {
    const operations = this.options.systemErrorOperations ?? DEFAULT_SYSTEM_ERROR_OPERATIONS;
    const metrics: Record<string, cloudwatch.IMetric> = {};
    // The metrics page lists SystemErrors with TableName and Operation, and no index dimension.
    operations.forEach((operation, i) => {
      metrics[`e${i}`] = metric('SystemErrors', { TableName: this.table.tableName, Operation: operation }, 'Sum');
    });
    this.alarm(this, 'SystemErrors', {
      metric: new cloudwatch.MathExpression({
        expression: `SUM([${Object.keys(metrics).join(',')}])`,
        usingMetrics: metrics,
        label: 'System errors',
        period: ONE_MINUTE,
      }),
      threshold: this.options.systemErrorsThreshold ?? 1,
      evaluationPeriods: 5,
      datapointsToAlarm: this.options.datapointsToAlarm ?? 3,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      description: `${this.tableLabel()}: DynamoDB returns HTTP 500 errors (${operations.join(', ')}). ` +
        'The SDK retries them; if they persist, check the AWS Health Dashboard and open a support case.',
    });
  }

  private addReplicationLatency(region: string): void {
    // The metrics page lists ReplicationLatency with TableName and ReceivingRegion (the replica's region).
    const threshold = this.options.replicationLatencyThreshold ?? Duration.minutes(1);
    const thresholdMs = threshold.toMilliseconds();
    // DynamoDB publishes ReplicationLatency only for items that replicate: an idle table publishes
    // none, and so, probably, does a replica that receives nothing at all. Told apart by the
    // writes this region's table takes (SuccessfulRequestLatency SampleCount counts the requests
    // that succeeded here, not the writes replicated in from other regions): latency missing while
    // writes come in counts as the threshold itself. FILL and IF: CloudWatch "Metric math syntax
    // and functions" (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/using-metric-math.html).
    const usingMetrics: Record<string, cloudwatch.IMetric> = {
      latency: metric('ReplicationLatency', { TableName: this.table.tableName, ReceivingRegion: region }, 'Average'),
    };
    REPLICATED_WRITE_OPERATIONS.forEach((operation, i) => {
      usingMetrics[`w${i}`] = metric('SuccessfulRequestLatency', { TableName: this.table.tableName, Operation: operation }, 'SampleCount');
    });
    const writes = REPLICATED_WRITE_OPERATIONS.map((_, i) => `FILL(w${i}, 0)`).join(' + ');
    this.alarm(this, `ReplicationLatency${region}`, {
      metric: new cloudwatch.MathExpression({
        expression: `IF(${writes} > 0, FILL(latency, ${thresholdMs}), FILL(latency, 0))`,
        usingMetrics,
        label: `Replication latency to ${region} (ms), the threshold when writes come in but none arrive`,
        period: ONE_MINUTE,
      }),
      threshold: thresholdMs,
      evaluationPeriods: 5,
      // Five minutes in a row: a write at the end of a minute replicates in the next one.
      datapointsToAlarm: 5,
      // Neither writes nor latency: the table is idle.
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      description: `${this.tableLabel()}: writes take more than ${threshold.toHumanString()} to reach the replica in ${region}, ` +
        'or the table takes writes and none reach it. Check that region\'s health and the replica\'s write capacity; reads there are stale meanwhile.',
    });
  }

  private addLatency(threshold: Duration): void {
    const operations = this.options.latencyOperations ?? [dynamodb.Operation.GET_ITEM, dynamodb.Operation.QUERY, dynamodb.Operation.PUT_ITEM];
    const metrics: Record<string, cloudwatch.IMetric> = {};
    operations.forEach((operation, i) => {
      metrics[`l${i}`] = metric('SuccessfulRequestLatency', { TableName: this.table.tableName, Operation: operation }, 'p99');
    });
    this.alarm(this, 'Latency', {
      metric: new cloudwatch.MathExpression({
        expression: `MAX([${Object.keys(metrics).join(',')}])`,
        usingMetrics: metrics,
        label: 'p99 latency (ms)',
        period: ONE_MINUTE,
      }),
      threshold: threshold.toMilliseconds(),
      evaluationPeriods: 5,
      datapointsToAlarm: 3,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      description: `${this.tableLabel()}: p99 latency of ${operations.join(', ')} is above ${threshold.toHumanString()}. ` +
        'Check item sizes, hot keys and throttling alarms.',
    });
  }

  private alarm(scope: Construct, id: string, spec: Parameters<typeof productAlarm>[2]): void {
    this.alarms.push(productAlarm(scope, id, spec, this.alarmActions));
  }

  private tableLabel(): string {
    return `DynamoDB table ${this.table.node.path}`;
  }
}

function metric(metricName: string, dimensionsMap: Record<string, string>, statistic: string): cloudwatch.Metric {
  return new cloudwatch.Metric({ namespace: NAMESPACE, metricName, dimensionsMap, statistic, period: ONE_MINUTE });
}

/** Read and write throttle events of one cause, added: the alarm names the cause, not the direction. */
function sumOf(dimensions: Record<string, string>, metricNames: string[], label: string): cloudwatch.IMetric {
  const usingMetrics: Record<string, cloudwatch.IMetric> = {};
  metricNames.forEach((name, i) => {
    usingMetrics[`m${i}`] = metric(name, dimensions, 'Sum');
  });
  return new cloudwatch.MathExpression({
    expression: Object.keys(usingMetrics).join(' + '),
    usingMetrics,
    label,
    period: ONE_MINUTE,
  });
}

/**
 * Consumed capacity per second as a percentage of the ceiling, the higher of reads and writes.
 * DynamoDB publishes consumed units as a per-minute sum, hence the division by 60.
 */
function utilizationOf(dimensions: Record<string, string>, ceiling: CapacityCeiling): cloudwatch.IMetric | undefined {
  const usingMetrics: Record<string, cloudwatch.IMetric> = {};
  const terms: string[] = [];
  if (ceiling.maxReadUnits !== undefined) {
    usingMetrics.reads = metric('ConsumedReadCapacityUnits', dimensions, 'Sum');
    terms.push(`100 * reads / 60 / ${ceiling.maxReadUnits}`);
  }
  if (ceiling.maxWriteUnits !== undefined) {
    usingMetrics.writes = metric('ConsumedWriteCapacityUnits', dimensions, 'Sum');
    terms.push(`100 * writes / 60 / ${ceiling.maxWriteUnits}`);
  }
  if (terms.length === 0) {
    return undefined;
  }
  return new cloudwatch.MathExpression({
    expression: terms.length === 1 ? terms[0] : `MAX([${terms.join(', ')}])`,
    usingMetrics,
    label: 'Consumption (% of maximum)',
    period: ONE_MINUTE,
  });
}

function describeCeiling(ceiling: CapacityCeiling): string {
  return [
    ceiling.maxReadUnits !== undefined ? `${ceiling.maxReadUnits} read units/s` : undefined,
    ceiling.maxWriteUnits !== undefined ? `${ceiling.maxWriteUnits} write units/s` : undefined,
  ].filter(Boolean).join(', ');
}

function validateOptions(props: TableAlarmsProps): void {
  validateRange('alarms.datapointsToAlarm', props.datapointsToAlarm, 1, 5);
  validateRange('alarms.capacityUtilizationPercent', props.capacityUtilizationPercent, 1, 100, '%');
  for (const [name, operations] of [['systemErrorOperations', props.systemErrorOperations], ['latencyOperations', props.latencyOperations]] as const) {
    if (operations && (operations.length === 0 || operations.length > MAX_METRICS_PER_ALARM)) {
      throw new DynamoDbKitError(`alarms.${name} must list 1 to ${MAX_METRICS_PER_ALARM} operations (the metrics one alarm can hold), got ${operations.length}`);
    }
  }
  for (const [name, value] of [['throttleThreshold', props.throttleThreshold], ['systemErrorsThreshold', props.systemErrorsThreshold]] as const) {
    if (value !== undefined && !(value > 0)) {
      throw new DynamoDbKitError(`alarms.${name} must be greater than 0, got ${value}`);
    }
  }
}
