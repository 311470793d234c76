import { Aws, Duration, Stack, Token, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct, IConstruct } from 'constructs';
import { AlarmActions } from './alarm-actions';
import { DynamoDbKitError } from './private/errors';
import { createFailureQueue } from './private/failure-queue';
import { servesTable } from './private/removal';
import { createStreamConsumerAlarms } from './private/stream-consumer-alarms';
import { StreamConsumerMetrics } from './private/stream-consumer-metrics';
import { RenderedTable } from './private/table-introspection';
import { validateDuration, validateRange, validateStreamConsumerInput } from './private/validation';
import { Guidance, LoosenedDefault, warnGuidance, warnLoosened } from './private/warnings';

// Limits from the Lambda developer guide ("Lambda parameters for Amazon DynamoDB event source
// mappings", "Control which events Lambda sends to your function") and the DynamoDB Streams
// retention of 24 hours.
const STREAM_RETENTION = Duration.hours(24);
const DEFAULT_BATCH_SIZE = 100;
const DEFAULT_RETRY_ATTEMPTS = 3;
const DEFAULT_MAX_RECORD_AGE = Duration.hours(6);
const DEFAULT_ITERATOR_AGE_THRESHOLD = Duration.hours(1);
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
   * @default - a new queue, TLS-only, keeping messages 14 days, retained (unless the table is not), and encrypted with the
   * table's customer-managed key, or the stack's shared failure-queue key (see `failureQueueProps`)
   */
  readonly failureQueue?: sqs.IQueue;

  /**
   * Properties for the failure queue the consumer makes; they override its defaults. Do not also
   * pass `failureQueue`. A `removalPolicy` other than RETAIN records a warning, unless the table
   * itself is deleted with its stack (then the queue is too, by default). Pass
   * `encryptionMasterKey` to encrypt the queue with a key of your own; its key policy must let IAM
   * policies of the account grant its use, as the default key policy does.
   *
   * The default key is one that exists already, not a new key per consumer (a key costs $1 a
   * month): the table's customer-managed key when the app made it in the consumer's stack (a key
   * from another stack would reach the queue as an import, which Control Tower's CT.SQS.PR.2 does
   * not accept), else one `HardenedKey` per stack (`DynamoDbKitFailureQueueKey`) that every such
   * consumer's queue shares. With the table key, whoever may use that key and receive from the
   * queue may read its messages; they hold only the coordinates of failed batches (shard and
   * sequence numbers), not the records, which the table key's users are trusted with already.
   *
   * @default - encrypted with the table's key or the stack's failure-queue key, TLS-only, messages
   * kept 14 days, RemovalPolicy.RETAIN (DESTROY when the table is deleted with its stack: a
   * removable dev table, `removalPolicy: RemovalPolicy.DESTROY`)
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
 *   not the records), encrypted with a key that exists already, TLS-only, kept 14 days and retained;
 * - the handler role's permissions in a customer-managed policy: reading this table's stream,
 *   decrypting it with the table's key through DynamoDB, sending to the failure queue with its
 *   key through SQS;
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
  /** The table whose stream is read. */
  public readonly table: dynamodb.ITable;

  /** The function that handles the stream's batches. */
  public readonly handler: lambda.IFunction;

  /** The queue that receives the coordinates of batches that failed every attempt. */
  public readonly failureQueue: sqs.IQueue;

  /** The customer-managed policy attached to the handler's role. */
  public readonly policy: iam.ManagedPolicy;

  /** The Lambda event source mapping. */
  public readonly eventSourceMapping: lambda.EventSourceMapping;

  /** The consumer's alarms; empty when `alarmActions` is `AlarmActions.none()`. */
  public readonly alarms: cloudwatch.Alarm[];

  constructor(scope: Construct, id: string, props: StreamConsumerProps) {
    validateStreamConsumerInput(scope, id, props);
    super(scope, id);

    const settings = validate(this, props);
    refuseDependencyCycle(this, props.table);
    const streamArn = props.table.tableStreamArn;
    if (streamArn === undefined || !globalTableHasStream(props.table)) {
      throw new DynamoDbKitError(
        `table ${props.table.node.path} has no stream: enable one with dynamoStream (TableV2) or stream (Table), ` +
        'or import the table with tableStreamArn',
        this,
      );
    }
    // The app's other consumers, found once: a walk of the whole tree is most of what the two checks cost.
    const others = this.node.root.node.findAll().filter((c): c is StreamConsumer => c instanceof StreamConsumer && c !== this);
    refuseSecondMapping(this, others, props.table, props.handler);
    const role = handlerRole(this, props.handler);
    this.table = props.table;
    this.handler = props.handler;

    servesTable(this, props.table);
    this.failureQueue = props.failureQueue ?? createFailureQueue(this, props.table, props.failureQueueProps ?? {});
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

    const metrics = new StreamConsumerMetrics(props.handler, this.eventSourceMapping, this.failureQueue);
    this.alarms = this.createAlarms(props, settings, metrics);
    if (settings.startingPosition === lambda.StartingPosition.LATEST) {
      warnLoosened(this, LoosenedDefault.STREAM_STARTS_AT_LATEST,
        'startingPosition is LATEST: records written before the mapping is created (or re-created) are never processed.');
    }
    warnOnReaders(this, others);
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
    // Each key only through the service that uses it for the consumer, in this region (keys are
    // regional): the role cannot decrypt with either key by calling KMS itself. DynamoDB calls KMS
    // as dynamodb.<region>.amazonaws.com for the table and its stream (the AWS managed key
    // aws/dynamodb allows no other kms:ViaService), SQS as sqs.<region>.amazonaws.com ("kms:ViaService",
    // https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-via-service).
    if (table.encryptionKey) {
      statements.push(new iam.PolicyStatement({
        sid: 'DecryptTableStream',
        actions: ['kms:Decrypt'],
        resources: [table.encryptionKey.keyArn],
        conditions: viaService('dynamodb'),
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
      statements.push(new iam.PolicyStatement({
        sid: 'EncryptFailedBatches',
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: [queueKey.keyArn],
        conditions: viaService('sqs'),
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

  private createAlarms(props: StreamConsumerProps, settings: Settings, metrics: StreamConsumerMetrics): cloudwatch.Alarm[] {
    const alarmActions = props.alarmActions ?? AlarmActions.stackTopic();
    if (!alarmActions.enabled) {
      warnLoosened(this, LoosenedDefault.ALARMS,
        'alarmActions is AlarmActions.none(): nobody is told when the consumer lags, fails or leaves failed batches in its queue.');
      return [];
    }
    return createStreamConsumerAlarms(this, metrics, {
      tablePath: props.table.node.path,
      maxRecordAge: settings.maxRecordAge,
      iteratorAgeThreshold: settings.iteratorAgeThreshold,
      streamRetention: STREAM_RETENTION,
    }, alarmActions.bind(this));
  }
}

/** A KMS call that `service` makes for the principal, in the region of the consumer's stack. */
function viaService(service: 'dynamodb' | 'sqs'): { [operator: string]: unknown } {
  return { StringEquals: { 'kms:ViaService': `${service}.${Aws.REGION}.amazonaws.com` } };
}

interface Settings {
  readonly startingPosition: lambda.StartingPosition;
  readonly maxRecordAge: Duration;
  readonly iteratorAgeThreshold: Duration;
}

function validate(scope: IConstruct, props: StreamConsumerProps): Settings {
  validateRange('batchSize', props.batchSize, 1, 10000, '', scope);
  if (props.retryAttempts === -1) {
    throw new DynamoDbKitError('retryAttempts must be between 0 and 10000, got -1: infinite retries block a shard for up to 24 hours', scope);
  }
  validateRange('retryAttempts', props.retryAttempts, 0, 10000, '', scope);
  validateRange('parallelizationFactor', props.parallelizationFactor, 1, 10, '', scope);
  validateDuration('maxRecordAge', props.maxRecordAge, 60, STREAM_RETENTION.toSeconds(), scope);
  validateDuration('maxBatchingWindow', props.maxBatchingWindow, 0, 300, scope);
  validateDuration('tumblingWindow', props.tumblingWindow, 0, 900, scope);
  validateDuration('iteratorAgeThreshold', props.iteratorAgeThreshold, 60, STREAM_RETENTION.toSeconds(), scope);
  validateFilters(scope, props.filters);

  const startingPosition = props.startingPosition ?? lambda.StartingPosition.TRIM_HORIZON;
  if (startingPosition === lambda.StartingPosition.AT_TIMESTAMP) {
    throw new DynamoDbKitError('startingPosition must be TRIM_HORIZON or LATEST, got AT_TIMESTAMP: DynamoDB streams do not support it', scope);
  }
  if (props.failureQueue && props.failureQueueProps) {
    throw new DynamoDbKitError('failureQueue and failureQueueProps cannot both be given: pass an existing queue or properties for a new one', scope);
  }
  if (props.failureQueue?.fifo || props.failureQueueProps?.fifo) {
    throw new DynamoDbKitError('the failure queue must be a standard queue: Lambda cannot send failed stream batches to a FIFO queue', scope);
  }

  const maxRecordAge = props.maxRecordAge ?? DEFAULT_MAX_RECORD_AGE;
  const iteratorAgeThreshold = props.iteratorAgeThreshold ?? defaultIteratorAgeThreshold(maxRecordAge);
  if (!maxRecordAge.isUnresolved() && !iteratorAgeThreshold.isUnresolved()
    && iteratorAgeThreshold.toSeconds({ integral: false }) >= maxRecordAge.toSeconds({ integral: false })) {
    throw new DynamoDbKitError(
      `iteratorAgeThreshold must be less than maxRecordAge (${maxRecordAge.toHumanString()}), got ${iteratorAgeThreshold.toHumanString()}: ` +
      'records would be discarded before the alarm fires',
      scope,
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

function validateFilters(scope: IConstruct, filters: Array<{ [key: string]: any }> | undefined): void {
  if (filters === undefined || Token.isUnresolved(filters)) {
    return;
  }
  if (filters.length > MAX_FILTERS) {
    throw new DynamoDbKitError(
      `filters must hold at most ${MAX_FILTERS} filters (5 unless your Lambda quota was raised), got ${filters.length}`,
      scope,
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
        scope,
      );
    }
    if (seen.includes(pattern)) {
      throw new DynamoDbKitError(`filters[${index}] repeats filters[${seen.indexOf(pattern)}]: each filter must be unique, got ${pattern}`, scope);
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
      scope,
    );
  }
  const account = Stack.of(scope).account;
  const roleAccount = role.env.account;
  if (!Token.isUnresolved(account) && !Token.isUnresolved(roleAccount) && roleAccount !== account) {
    throw new DynamoDbKitError(
      `handler.role must be in account ${account}, the stack's, got a role of account ${roleAccount}: ` +
      'a managed policy can only be attached to a role of its own account',
      scope,
    );
  }
  return role;
}

/**
 * DynamoDB throttles more than two readers per stream shard, and AWS advises one reader for a
 * global table. Warns on each consumer beyond that. The readers are counted in the construct tree,
 * every stack of the app, at the time this one is added (`others`): consumers whose table has this
 * stream ARN (two imports of one table count as one table), and this one.
 */
function warnOnReaders(consumer: StreamConsumer, others: StreamConsumer[]): void {
  const table = consumer.table;
  const count = 1 + others.filter(c => c.table !== undefined && c.table.tableStreamArn === table.tableStreamArn).length;

  const globalTable = replicaCount(table) > 1;
  const limit = globalTable ? 1 : 2;
  if (count > limit) {
    warnGuidance(consumer, Guidance.TOO_MANY_STREAM_READERS,
      `${table.node.path} now has ${count} stream consumers. DynamoDB throttles more than 2 readers per stream shard, and ` +
      `AWS advises 1 for a global table${globalTable ? ' (this table has replicas)' : ''}. Fan out from one consumer ` +
      '(to EventBridge, SNS or Kinesis) instead.');
  }
}

/**
 * Lambda refuses a second event source mapping from one stream to one function at deploy time
 * ("The event source arn ... and function ... provided mapping already exists", 409): say so at synth.
 */
function refuseSecondMapping(consumer: StreamConsumer, others: StreamConsumer[], table: dynamodb.ITable, handler: lambda.IFunction): void {
  const existing = others.find(c => c.handler === handler && c.table?.tableStreamArn === table.tableStreamArn);
  if (existing) {
    throw new DynamoDbKitError(
      `handler ${handler.node.path} already consumes the stream of ${table.node.path} (${existing.node.path}), and Lambda allows one ` +
      'event source mapping per stream and function: use that consumer, or give this one another function', consumer);
  }
}

/** A TableV2 has a stream ARN attribute whether or not its stream is enabled; an imported table is taken at its word. */
function globalTableHasStream(table: dynamodb.ITable): boolean {
  return RenderedTable.of(table)?.hasStream() ?? true;
}

function replicaCount(table: dynamodb.ITable): number {
  return RenderedTable.of(table)?.replicaCount() ?? 1;
}

/**
 * A consumer refers to its table; when the table's stack already depends on the consumer's stack
 * (it refers to the handler, or was told to), that would be a cycle, which CloudFormation cannot
 * deploy and aws-cdk-lib reports as a bare DependencyCycle: say which stacks, and what to do.
 */
function refuseDependencyCycle(consumer: StreamConsumer, table: dynamodb.ITable): void {
  const consumerStack = Stack.of(consumer);
  const tableStack = Stack.of(table);
  if (consumerStack === tableStack) {
    return;
  }
  const dependsOn = (from: Stack, to: Stack, seen = new Set<Stack>()): boolean =>
    from.dependencies.some(dependency => dependency === to || (!seen.has(dependency) && (seen.add(dependency), dependsOn(dependency, to, seen))));
  if (dependsOn(tableStack, consumerStack)) {
    throw new DynamoDbKitError(
      `the table's stack ${tableStack.node.path} depends on ${consumerStack.node.path}, where the consumer of ${table.node.path} would be ` +
      'made; the consumer refers to the table, so the two stacks would depend on each other. Make the handler in the table\'s stack, ' +
      'or in a stack that depends on the table\'s stack and not the other way round', consumer);
  }
}
