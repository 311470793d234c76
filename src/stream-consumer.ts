import { Duration, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct, IConstruct } from 'constructs';
import { AlarmActions } from './alarm-actions';
import { HardenedKey } from './encryption-key';
import { ONE_MINUTE, productAlarm } from './private/alarm';
import { DynamoDbKitError } from './private/errors';
import { RenderedTable } from './private/table-introspection';
import { validateDuration, validateRange } from './private/validation';
import { Guidance, LoosenedDefault, warnGuidance, warnLoosened } from './private/warnings';

// Limits from the Lambda developer guide ("Lambda parameters for Amazon DynamoDB event source
// mappings", "Control which events Lambda sends to your function") and the DynamoDB Streams
// retention of 24 hours.
const STREAM_RETENTION = Duration.hours(24);
const DEFAULT_BATCH_SIZE = 100;
const DEFAULT_RETRY_ATTEMPTS = 3;
const DEFAULT_MAX_RECORD_AGE = Duration.hours(6);
const DEFAULT_ITERATOR_AGE_THRESHOLD = Duration.hours(1);
const FAILURE_RETENTION = Duration.days(14);
const MAX_FILTERS = 10;

/**
 * How a table's stream feeds a Lambda function. The options keep the names and types of
 * aws-cdk-lib's `DynamoEventSourceProps`; the defaults are chosen so that no record is lost
 * without a person being told.
 */
export interface StreamConsumerOptions {
  /**
   * The function that processes the stream's records. It is yours; the consumer only adds a
   * customer-managed policy to its role, so the role must be known (`handler.role`).
   */
  readonly handler: lambda.IFunction;

  /**
   * The most records in one invocation: 1-10000.
   *
   * @default 100 - Lambda's own default for DynamoDB streams
   */
  readonly batchSize?: number;

  /**
   * How long Lambda gathers records before it invokes the function: at most 300 seconds.
   *
   * @default - no batching window: records are sent as soon as they are read
   */
  readonly maxBatchingWindow?: Duration;

  /**
   * Where in the stream a new mapping starts. DynamoDB streams support TRIM_HORIZON and LATEST;
   * AT_TIMESTAMP is refused.
   *
   * @default StartingPosition.TRIM_HORIZON - the oldest record still in the stream, so records
   * written before the mapping exists are processed too. LATEST skips them and records a warning.
   */
  readonly startingPosition?: lambda.StartingPosition;

  /**
   * How often Lambda retries a batch whose invocation failed, before the batch goes to the failure
   * queue: 0-10000. Infinite retries (-1) are refused, as they block a shard for up to 24 hours.
   *
   * @default 3 - enough to ride out a throttle or a deployment; a record that always fails reaches
   * the failure queue in minutes, not after a day of blocking its shard
   */
  readonly retryAttempts?: number;

  /**
   * The age after which Lambda stops retrying a record and sends its batch to the failure queue:
   * 60 seconds to 24 hours, the stream's retention.
   *
   * @default Duration.hours(6) - a record that cannot be processed reaches the failure queue with
   * at least 18 of the stream's 24 hours left to re-read it
   */
  readonly maxRecordAge?: Duration;

  /**
   * Whether a failed batch is split in two and each half retried, which isolates a bad record.
   * Splits do not count against `retryAttempts`.
   *
   * @default true - one bad record does not send a whole batch to the failure queue
   */
  readonly bisectBatchOnError?: boolean;

  /**
   * How many batches from one shard are processed at once: 1-10.
   *
   * @default 1 - records of one item are processed in order
   */
  readonly parallelizationFactor?: number;

  /**
   * Whether the function may report which records of a batch failed (`batchItemFailures`), so
   * that Lambda retries from the first failed record instead of the whole batch.
   *
   * @default true
   */
  readonly reportBatchItemFailures?: boolean;

  /**
   * Event filters: records that match none of them are dropped before the function is invoked.
   * Make each with `lambda.FilterCriteria.filter(...)`; at most 10 (5 unless your quota was raised).
   *
   * @default - every record is sent to the function
   */
  readonly filters?: Array<{ [key: string]: any }>;

  /**
   * A tumbling window for aggregations across invocations: at most 15 minutes.
   *
   * @default - no tumbling window
   */
  readonly tumblingWindow?: Duration;

  /**
   * An existing standard SQS queue for the coordinates of failed batches, instead of the one the
   * consumer makes. Its alarms are made all the same. Do not also pass `failureQueueProps`.
   *
   * @default - a new queue, encrypted with a `HardenedKey`, TLS-only, keeping messages 14 days, retained
   */
  readonly failureQueue?: sqs.IQueue;

  /**
   * Properties for the failure queue the consumer makes; they override its defaults. Do not also
   * pass `failureQueue`. A `removalPolicy` other than RETAIN records a warning.
   *
   * @default - encrypted with a new `HardenedKey`, TLS-only, messages kept 14 days, RemovalPolicy.RETAIN
   */
  readonly failureQueueProps?: sqs.QueueProps;

  /**
   * The iterator age (how far the function lags behind the stream) at which the consumer alarms:
   * 1 minute to 24 hours, and less than `maxRecordAge`. It is the only alarm that sees records
   * about to leave the stream unread, so keep it well below the stream's 24 hours.
   *
   * @default Duration.hours(1) - or half of `maxRecordAge` if that is shorter, so a lagging
   * consumer pages long before any record is discarded
   */
  readonly iteratorAgeThreshold?: Duration;

  /**
   * Who is told when the consumer lags, fails, drops records, or leaves failed batches in the failure queue.
   * `AlarmActions.none()` creates no alarms and records a warning.
   *
   * @default AlarmActions.stackTopic()
   */
  readonly alarmActions?: AlarmActions;
}

/**
 * Properties of a `StreamConsumer`.
 */
export interface StreamConsumerProps extends StreamConsumerOptions {
  /**
   * The table whose stream is read. It must have a stream: `dynamoStream` on a `TableV2`,
   * `stream` on a `Table`, or `tableStreamArn` when imported.
   */
  readonly table: dynamodb.ITable;
}

/**
 * A table's stream wired to a Lambda function so that no record is lost silently.
 *
 * - an event source mapping with bounded retries, bisect on error, batch item failures and a
 *   maximum record age within the stream's 24-hour retention;
 * - an on-failure SQS queue for the coordinates of failed batches (shard and sequence numbers,
 *   not the records), encrypted, TLS-only, kept 14 days and retained;
 * - the handler role's permissions in a customer-managed policy: reading this table's stream,
 *   decrypting it with the table's key, sending to the failure queue with its key;
 * - alarms on the function's iterator age; on this mapping's failed and dropped records, from the
 *   mapping's own metrics; and on the failure queue's depth.
 *
 * `ProductionTable.addStreamConsumer` makes one; it also works for any `ITable` with a stream.
 *
 * @example
 * declare const handler: lambda.Function;
 * const table = new dynamodb.TableV2(this, 'Events', {
 *   partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
 *   dynamoStream: dynamodb.StreamViewType.NEW_IMAGE,
 * });
 * new StreamConsumer(this, 'Projector', { table, handler });
 */
export class StreamConsumer extends Construct {
  /** The queue that receives the coordinates of batches that failed every attempt. */
  public readonly failureQueue: sqs.IQueue;

  /** The customer-managed policy attached to the handler's role. */
  public readonly policy: iam.ManagedPolicy;

  /** The Lambda event source mapping. */
  public readonly eventSourceMapping: lambda.EventSourceMapping;

  /** The consumer's alarms; empty when `alarmActions` is `AlarmActions.none()`. */
  public readonly alarms: cloudwatch.IAlarm[];

  constructor(scope: Construct, id: string, props: StreamConsumerProps) {
    super(scope, id);

    const settings = validate(props);
    const streamArn = props.table.tableStreamArn;
    if (streamArn === undefined || !globalTableHasStream(props.table)) {
      throw new DynamoDbKitError(
        `table ${props.table.node.path} has no stream: enable one with dynamoStream (TableV2) or stream (Table), ` +
        'or import the table with tableStreamArn',
      );
    }
    const role = handlerRole(this, props.handler);

    this.failureQueue = props.failureQueue ?? this.createFailureQueue(props.failureQueueProps ?? {});
    this.policy = this.createPolicy(props.table, streamArn, role);

    this.eventSourceMapping = new lambda.EventSourceMapping(this, 'Mapping', {
      target: props.handler,
      eventSourceArn: streamArn,
      startingPosition: settings.startingPosition,
      batchSize: props.batchSize ?? DEFAULT_BATCH_SIZE,
      maxBatchingWindow: props.maxBatchingWindow,
      retryAttempts: props.retryAttempts ?? DEFAULT_RETRY_ATTEMPTS,
      maxRecordAge: settings.maxRecordAge,
      bisectBatchOnError: props.bisectBatchOnError ?? true,
      parallelizationFactor: props.parallelizationFactor,
      reportBatchItemFailures: props.reportBatchItemFailures ?? true,
      filters: props.filters?.length ? props.filters : undefined,
      tumblingWindow: props.tumblingWindow,
      // Lambda publishes a mapping's own metrics (dimension EventSourceMappingUUID), which the
      // failure alarms need, only when asked to ("Event source mapping metrics",
      // https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html#event-source-mapping-metrics).
      metricsConfig: { metrics: [lambda.MetricType.EVENT_COUNT] },
      // Not aws-cdk-lib's SqsDlq: it grants through the role's inline default policy.
      onFailure: { bind: () => ({ destination: this.failureQueue.queueArn }) },
    });
    // Lambda checks the role's permissions when it creates the mapping.
    this.eventSourceMapping.node.addDependency(this.policy);

    this.alarms = this.createAlarms(props, settings);
    if (settings.startingPosition === lambda.StartingPosition.LATEST) {
      warnLoosened(this, LoosenedDefault.STREAM_STARTS_AT_LATEST,
        'startingPosition is LATEST: records written before the mapping is created (or re-created) are never processed.');
    }
    warnOnReaders(this, props.table, streamArn);
  }

  private createFailureQueue(queueProps: sqs.QueueProps): sqs.IQueue {
    const encryption = queueProps.encryption;
    const ownKey = queueProps.encryptionMasterKey === undefined
      && (encryption === undefined || encryption === sqs.QueueEncryption.KMS);
    const queue = new sqs.Queue(this, 'FailureQueue', {
      retentionPeriod: FAILURE_RETENTION,
      removalPolicy: RemovalPolicy.RETAIN,
      enforceSSL: true,
      ...queueProps,
      encryptionMasterKey: ownKey
        ? new HardenedKey(this, 'FailureQueueKey', { description: `Encrypts the stream failure queue of ${this.node.path}` })
        : queueProps.encryptionMasterKey,
    });
    if (queueProps.removalPolicy !== undefined && queueProps.removalPolicy !== RemovalPolicy.RETAIN) {
      warnLoosened(this, LoosenedDefault.FAILURE_QUEUE_NOT_RETAINED,
        `failureQueueProps.removalPolicy is ${queueProps.removalPolicy}: deleting the stack deletes the coordinates of failed batches.`);
    }
    Validations.of(queue).acknowledge(
      {
        id: 'AwsSolutions::AwsSolutions-SQS3',
        reason: 'This queue is the on-failure destination of a Lambda event source mapping; cdk-nag recognises only SQS redrive, ' +
          'not a Lambda failure destination. Its depth is alarmed.',
      },
      {
        id: 'Serverless::Serverless-SQSRedrivePolicy',
        reason: 'This queue is the last stop for the coordinates of failed stream batches; a dead-letter queue of its own ' +
          'would only move the problem. Its depth is alarmed instead.',
      },
      {
        id: 'cdk-validator-cfnguard::sqs_dlq_check',
        reason: 'CT.SQS.PR.1: this queue is itself the failure destination of a stream event source mapping, keeps messages ' +
          '14 days, and its depth is alarmed.',
      },
    );
    return queue;
  }

  private createPolicy(table: dynamodb.ITable, streamArn: string, role: iam.IRole): iam.ManagedPolicy {
    const statements = [
      new iam.PolicyStatement({
        sid: 'ReadTableStream',
        actions: ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator'],
        resources: [streamArn],
      }),
      // ListStreams supports no resource-level permissions ("Actions, resources, and condition keys
      // for Amazon DynamoDB"), and Lambda's DynamoDB event source needs it.
      new iam.PolicyStatement({ sid: 'ListStreams', actions: ['dynamodb:ListStreams'], resources: ['*'] }),
    ];
    if (table.encryptionKey) {
      statements.push(new iam.PolicyStatement({
        sid: 'DecryptTableStream',
        actions: ['kms:Decrypt'],
        resources: [table.encryptionKey.keyArn],
      }));
    }
    // Lambda sends to an on-failure destination with the function's execution role.
    statements.push(new iam.PolicyStatement({
      sid: 'SendFailedBatches',
      actions: ['sqs:SendMessage'],
      resources: [this.failureQueue.queueArn],
    }));
    const queueKey: kms.IKey | undefined = this.failureQueue.encryptionMasterKey;
    if (queueKey) {
      // The library's keys keep the default key policy, which lets IAM policies of the account grant their use.
      statements.push(new iam.PolicyStatement({
        sid: 'EncryptFailedBatches',
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: [queueKey.keyArn],
      }));
    }

    const policy = new iam.ManagedPolicy(this, 'Policy', {
      description: `Lets the stream consumer ${this.node.path} read its table's stream and record failed batches`,
      statements,
      roles: [role],
    });
    Validations.of(policy).acknowledge({
      id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
      reason: 'Only for dynamodb:ListStreams, which supports no resource-level permissions and which the Lambda DynamoDB ' +
        'event source uses. It lists stream ARNs and reads no data; reading is limited to this table\'s stream.',
    });
    return policy;
  }

  private createAlarms(props: StreamConsumerProps, settings: Settings): cloudwatch.IAlarm[] {
    const alarmActions = props.alarmActions ?? AlarmActions.stackTopic();
    if (!alarmActions.enabled) {
      warnLoosened(this, LoosenedDefault.STREAM_CONSUMER_ALARMS,
        'alarmActions is AlarmActions.none(): nobody is told when the consumer lags, fails or leaves failed batches in its queue.');
      return [];
    }
    const actions = alarmActions.bind(this);
    const handler = props.handler;
    const table = props.table.node.path;
    const threshold = settings.iteratorAgeThreshold;
    const deadline = `within ${STREAM_RETENTION.toHours()} hours of the record's write`;

    return [
      // IteratorAge is a function metric, not one of the mapping's ("Types of metrics for Lambda
      // functions", https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html), so
      // it is the maximum over every mapping of the function. It is the only alarm that sees records
      // that leave the stream unread: DroppedEventCount leaves out records that expire from the
      // event source's retention.
      productAlarm(this, 'IteratorAgeAlarm', {
        metric: handler.metric('IteratorAge', { statistic: cloudwatch.Stats.MAXIMUM, period: ONE_MINUTE }),
        threshold: threshold.toMilliseconds(),
        evaluationPeriods: 1,
        // Lambda publishes IteratorAge only when it invokes the function: no data means no records.
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        description: `The stream consumer of ${table} lags ${threshold.toHumanString()} or more behind the stream. ` +
          `Records older than ${settings.maxRecordAge.toHumanString()} go to the failure queue, and the stream keeps them ` +
          `only ${STREAM_RETENTION.toHours()} hours. Check the function's errors, throttles and duration; raise ` +
          'parallelizationFactor or batchSize if it cannot keep up.',
      }, actions),
      // FailedInvokeEventCount counts this mapping's records whose invocation failed, including
      // records a handler returns in batchItemFailures, which the function's Errors metric never
      // sees because such an invocation succeeds (same page, "Event source mapping metrics").
      productAlarm(this, 'FailedRecordsAlarm', {
        metric: this.mappingMetric('FailedInvokeEventCount'),
        threshold: 1,
        // Three minutes in a row: a batch that bisecting and retries resolve does not page.
        evaluationPeriods: 3,
        datapointsToAlarm: 3,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        description: `Records of the stream of ${table} have failed in this consumer every minute for 3 minutes: the ` +
          'function throws or times out, returns them in batchItemFailures, or Lambda cannot invoke it (permissions, a ' +
          'deleted function or alias). Their shard does not advance while Lambda retries. Read the function\'s logs. ' +
          'Batches that exhaust their retries go to the failure queue.',
      }, actions),
      productAlarm(this, 'FailureQueueAlarm', {
        metric: this.failureQueue.metricApproximateNumberOfMessagesVisible({ statistic: cloudwatch.Stats.MAXIMUM, period: ONE_MINUTE }),
        threshold: 1,
        evaluationPeriods: 1,
        // SQS stops publishing for a queue after 6 hours without API calls, even if it holds
        // messages; keeping the last state keeps this alarm in ALARM until someone drains the queue.
        treatMissingData: cloudwatch.TreatMissingData.IGNORE,
        description: `A batch from the stream of ${table} failed every attempt and its coordinates are in the failure queue. ` +
          `The queue holds shard and sequence numbers, not the records: re-read them from the stream ${deadline}, ` +
          'process them, then delete the message (see the README, "Streams").',
      }, actions),
      // With an on-failure destination, DroppedEventCount counts exactly the records whose delivery
      // there failed: it leaves out records the destination received, and counts those it refused
      // (same page, "Event source mapping metrics"). Unlike DestinationDeliveryFailures, it is per mapping.
      productAlarm(this, 'DroppedRecordsAlarm', {
        metric: this.mappingMetric('DroppedEventCount'),
        threshold: 1,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        description: `Lambda dropped records of the stream of ${table}: they ran out of retries or maxRecordAge, and the ` +
          'failure queue refused them, so they are neither processed nor recorded. Fix the queue (permissions, key policy, ' +
          `FIFO queues are not supported) and find the lost range in the function's logs; re-read it from the stream ${deadline}.`,
      }, actions),
    ];
  }

  /**
   * A count that Lambda publishes for this mapping alone. The dimension's value is the mapping's
   * UUID, which `Ref` of an AWS::Lambda::EventSourceMapping returns ("AWS::Lambda::EventSourceMapping",
   * Return values, https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-lambda-eventsourcemapping.html).
   */
  private mappingMetric(metricName: string): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: 'AWS/Lambda',
      metricName,
      dimensionsMap: { EventSourceMappingUUID: this.eventSourceMapping.eventSourceMappingId },
      statistic: cloudwatch.Stats.SUM,
      period: ONE_MINUTE,
    });
  }
}

interface Settings {
  readonly startingPosition: lambda.StartingPosition;
  readonly maxRecordAge: Duration;
  readonly iteratorAgeThreshold: Duration;
}

function validate(props: StreamConsumerProps): Settings {
  validateRange('batchSize', props.batchSize, 1, 10000);
  if (props.retryAttempts === -1) {
    throw new DynamoDbKitError('retryAttempts must be between 0 and 10000, got -1: infinite retries block a shard for up to 24 hours');
  }
  validateRange('retryAttempts', props.retryAttempts, 0, 10000);
  validateRange('parallelizationFactor', props.parallelizationFactor, 1, 10);
  validateDuration('maxRecordAge', props.maxRecordAge, 60, STREAM_RETENTION.toSeconds());
  validateDuration('maxBatchingWindow', props.maxBatchingWindow, 0, 300);
  validateDuration('tumblingWindow', props.tumblingWindow, 0, 900);
  validateDuration('iteratorAgeThreshold', props.iteratorAgeThreshold, 60, STREAM_RETENTION.toSeconds());
  validateFilters(props.filters);

  const startingPosition = props.startingPosition ?? lambda.StartingPosition.TRIM_HORIZON;
  if (startingPosition === lambda.StartingPosition.AT_TIMESTAMP) {
    throw new DynamoDbKitError('startingPosition must be TRIM_HORIZON or LATEST, got AT_TIMESTAMP: DynamoDB streams do not support it');
  }
  if (props.failureQueue && props.failureQueueProps) {
    throw new DynamoDbKitError('failureQueue and failureQueueProps cannot both be given: pass an existing queue or properties for a new one');
  }
  if (props.failureQueue?.fifo || props.failureQueueProps?.fifo) {
    throw new DynamoDbKitError('the failure queue must be a standard queue: Lambda cannot send failed stream batches to a FIFO queue');
  }

  const maxRecordAge = props.maxRecordAge ?? DEFAULT_MAX_RECORD_AGE;
  const iteratorAgeThreshold = props.iteratorAgeThreshold ?? defaultIteratorAgeThreshold(maxRecordAge);
  if (!maxRecordAge.isUnresolved() && !iteratorAgeThreshold.isUnresolved()
    && iteratorAgeThreshold.toSeconds({ integral: false }) >= maxRecordAge.toSeconds({ integral: false })) {
    throw new DynamoDbKitError(
      `iteratorAgeThreshold must be less than maxRecordAge (${maxRecordAge.toHumanString()}), got ${iteratorAgeThreshold.toHumanString()}: ` +
      'records would be discarded before the alarm fires',
    );
  }
  return { startingPosition, maxRecordAge, iteratorAgeThreshold };
}

function defaultIteratorAgeThreshold(maxRecordAge: Duration): Duration {
  if (maxRecordAge.isUnresolved()) {
    return DEFAULT_ITERATOR_AGE_THRESHOLD;
  }
  const half = Math.floor(maxRecordAge.toSeconds({ integral: false }) / 2);
  return half < DEFAULT_ITERATOR_AGE_THRESHOLD.toSeconds() ? Duration.seconds(half) : DEFAULT_ITERATOR_AGE_THRESHOLD;
}

function validateFilters(filters: Array<{ [key: string]: any }> | undefined): void {
  if (filters === undefined || Token.isUnresolved(filters)) {
    return;
  }
  if (filters.length > MAX_FILTERS) {
    throw new DynamoDbKitError(
      `filters must hold at most ${MAX_FILTERS} filters (5 unless your Lambda quota was raised), got ${filters.length}`,
    );
  }
  const seen: string[] = [];
  filters.forEach((filter, index) => {
    const pattern = filter?.pattern;
    if (Token.isUnresolved(pattern)) {
      return;
    }
    if (typeof pattern !== 'string' || !isJsonObject(pattern)) {
      throw new DynamoDbKitError(
        `filters[${index}] must be made with lambda.FilterCriteria.filter(...), a { pattern } holding a JSON object, ` +
        `got ${JSON.stringify(filter)}`,
      );
    }
    if (seen.includes(pattern)) {
      throw new DynamoDbKitError(`filters[${index}] repeats filters[${seen.indexOf(pattern)}]: each filter must be unique, got ${pattern}`);
    }
    seen.push(pattern);
  });
}

function isJsonObject(text: string): boolean {
  try {
    const value = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value);
  } catch {
    return false;
  }
}

/**
 * The role the consumer's policy is attached to. A role imported by ARN works too: the managed
 * policy attaches itself to the role by name. It must be in the stack's account.
 */
function handlerRole(scope: IConstruct, handler: lambda.IFunction): iam.IRole {
  const role = handler.role;
  if (role === undefined) {
    throw new DynamoDbKitError(
      `handler ${handler.node.path} has no known role, so the consumer cannot grant it access to the stream. ` +
      'Import the function with lambda.Function.fromFunctionAttributes(scope, id, { functionArn, role }), ' +
      'passing its execution role (iam.Role.fromRoleArn works).',
    );
  }
  const account = Stack.of(scope).account;
  const roleAccount = role.env.account;
  if (!Token.isUnresolved(account) && !Token.isUnresolved(roleAccount) && roleAccount !== account) {
    throw new DynamoDbKitError(
      `handler.role must be in account ${account}, the stack's, got a role of account ${roleAccount}: ` +
      'a managed policy can only be attached to a role of its own account',
    );
  }
  return role;
}

// Consumers per stream, per app: the reader guidance counts every StreamConsumer on a table.
const readersByApp = new WeakMap<IConstruct, Map<string, number>>();

/**
 * DynamoDB throttles more than two readers per stream shard, and AWS advises one reader for a
 * global table. Warns on each consumer beyond that.
 */
function warnOnReaders(consumer: StreamConsumer, table: dynamodb.ITable, streamArn: string): void {
  const root = consumer.node.root;
  const readers = readersByApp.get(root) ?? new Map<string, number>();
  readersByApp.set(root, readers);
  const count = (readers.get(streamArn) ?? 0) + 1;
  readers.set(streamArn, count);

  const globalTable = replicaCount(table) > 1;
  const limit = globalTable ? 1 : 2;
  if (count > limit) {
    warnGuidance(consumer, Guidance.TOO_MANY_STREAM_READERS,
      `${table.node.path} now has ${count} stream consumers. DynamoDB throttles more than 2 readers per stream shard, and ` +
      `AWS advises 1 for a global table${globalTable ? ' (this table has replicas)' : ''}. Fan out from one consumer ` +
      '(to EventBridge, SNS or Kinesis) instead.');
  }
}

/** A TableV2 has a stream ARN attribute whether or not its stream is enabled; an imported table is taken at its word. */
function globalTableHasStream(table: dynamodb.ITable): boolean {
  return RenderedTable.of(table)?.hasStream() ?? true;
}

function replicaCount(table: dynamodb.ITable): number {
  return RenderedTable.of(table)?.replicaCount() ?? 1;
}
