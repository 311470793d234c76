import { Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct, IConstruct } from 'constructs';
import { AlarmActions } from '../alarm-actions';
import { BackupSchedule, BackupWeekDay } from '../backup-schedule';
import { ReadConsistency } from '../capacity-planner';
import { EndpointPolicy } from '../endpoint-policy';
import { TenantAccessLevel } from '../tenant-access';
import { VaultLock } from '../vault-lock';
import { DynamoDbKitError } from './errors';

// Limits from the DynamoDB developer guide, "Quotas in Amazon DynamoDB" (naming rules, attributes).
const NAME_PATTERN = /^[a-zA-Z0-9_.-]+$/;
const NAME_MIN = 3;
const NAME_MAX = 255;
const ATTRIBUTE_NAME_MAX_BYTES = 255;

/**
 * Table and index names: 3-255 characters of a-z, A-Z, 0-9, '_', '-' and '.'.
 */
export function validateResourceName(property: string, name: string | undefined): void {
  if (name === undefined || Token.isUnresolved(name)) {
    return;
  }
  if (name.length < NAME_MIN || name.length > NAME_MAX || !NAME_PATTERN.test(name)) {
    throw new DynamoDbKitError(
      `${property} must be ${NAME_MIN}-${NAME_MAX} characters of a-z, A-Z, 0-9, '_', '-' and '.', got '${name}'`,
    );
  }
}

/**
 * Key attribute names: 1-255 bytes of UTF-8.
 */
export function validateKeyAttributeName(property: string, name: string): void {
  if (Token.isUnresolved(name)) {
    return;
  }
  const bytes = Buffer.byteLength(name, 'utf8');
  if (bytes < 1 || bytes > ATTRIBUTE_NAME_MAX_BYTES) {
    throw new DynamoDbKitError(
      `${property} must be 1-${ATTRIBUTE_NAME_MAX_BYTES} bytes of UTF-8, got ${bytes} bytes ('${truncate(name)}')`,
    );
  }
}

/**
 * A key schema whose sort key is named like its partition key cannot be created.
 */
export function validateDistinctKeys(property: string, partitionKeys: string[], sortKeys: string[]): void {
  const clash = sortKeys.find(name => !Token.isUnresolved(name) && partitionKeys.includes(name));
  if (clash !== undefined) {
    throw new DynamoDbKitError(
      `${property} must differ from the partition key's name, got '${clash}' for both`,
    );
  }
}

/**
 * An integer in [min, max]. Tokens pass through.
 */
export function validateRange(property: string, value: number | undefined, min: number, max: number, unit = '', scope?: IConstruct | string): void {
  if (value === undefined || Token.isUnresolved(value)) {
    return;
  }
  if (!Number.isInteger(value) || value < min || value > max) {
    const suffix = unit ? ` ${unit}` : '';
    throw new DynamoDbKitError(`${property} must be an integer between ${min} and ${max}${suffix}, got ${describeKind(value)}`, scope);
  }
}

/**
 * An integer of at least `min`, with no upper bound of the library's own (a capacity, a request
 * unit maximum). NaN, Infinity and fractions are refused. Tokens pass through.
 */
export function validateAtLeast(property: string, value: number | undefined, min: number, scope?: IConstruct | string): void {
  if (value === undefined || Token.isUnresolved(value)) {
    return;
  }
  if (!Number.isInteger(value) || value < min) {
    throw new DynamoDbKitError(`${property} must be an integer of at least ${min}, got ${describeKind(value)}`, scope);
  }
}

function truncate(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}...` : text;
}

/**
 * A duration in [minSeconds, maxSeconds], named in the message with the unit a user thinks in.
 * Tokens pass through.
 */
export function validateDuration(
  property: string, value: Duration | undefined, minSeconds: number, maxSeconds: number, scope?: IConstruct | string,
): void {
  validateKind(property, value, Kinds.duration, scope);
  if (value === undefined || value.isUnresolved()) {
    return;
  }
  const seconds = value.toSeconds({ integral: false });
  if (seconds < minSeconds || seconds > maxSeconds) {
    throw new DynamoDbKitError(
      `${property} must be between ${describeSeconds(minSeconds)} and ${describeSeconds(maxSeconds)}, got ${value.toHumanString()}`,
      scope,
    );
  }
}

/** A duration greater than zero (an alarm threshold of 0 ms is breached by every datapoint). Tokens pass through. */
export function validatePositiveDuration(property: string, value: Duration | undefined, scope?: IConstruct | string): void {
  validateKind(property, value, Kinds.duration, scope);
  if (value !== undefined && !value.isUnresolved() && !(value.toMilliseconds({ integral: false }) > 0)) {
    throw new DynamoDbKitError(`${property} must be a Duration greater than 0, got ${value.toHumanString()}`, scope);
  }
}

/**
 * A Duration whose amount is a token can be rendered only in the unit it was given in: aws-cdk-lib
 * cannot convert it at synth, and refuses with a message that names no property. So it must be
 * given in the unit CloudFormation takes (`days` for AWS Backup, `seconds` for Lambda).
 */
export function validateTokenUnit(property: string, value: Duration | undefined, unit: 'seconds' | 'days', scope?: IConstruct | string): void {
  if (value instanceof Duration && value.isUnresolved() && value.unitLabel() !== unit) {
    const factory = `Duration.${unit}`;
    throw new DynamoDbKitError(
      `${property} must be given as ${factory}(token) when its amount is a token, got a token in ${value.unitLabel()}: ` +
      `CloudFormation takes it in ${unit}, and a token cannot be converted at synth`, scope);
  }
}

function describeSeconds(seconds: number): string {
  const [amount, unit] = seconds >= 3600 && seconds % 3600 === 0 ? [seconds / 3600, 'hour']
    : seconds >= 60 && seconds % 60 === 0 ? [seconds / 60, 'minute']
      : [seconds, 'second'];
  return `${amount} ${unit}${amount === 1 ? '' : 's'}`;
}

/**
 * An email address that SNS can confirm: one '@', no whitespace, a non-empty local part and a
 * domain. Tokens pass through.
 */
export function validateEmail(property: string, value: unknown, scope?: IConstruct | string): void {
  if (typeof value === 'string' && Token.isUnresolved(value)) {
    return;
  }
  const parts = typeof value === 'string' ? value.split('@') : [];
  if (parts.length !== 2 || parts[0] === '' || parts[1] === '' || /\s/.test(value as string)) {
    throw new DynamoDbKitError(`${property} must be an email address (local-part@domain), got ${describe(value)}`, scope);
  }
}

/**
 * An HTTPS URL: it parses as a WHATWG URL with the `https:` scheme and a host. aws-cdk-lib picks a
 * subscription's protocol from the URL, so an `http://` URL would subscribe in plain text. Tokens
 * pass through.
 */
export function validateHttpsUrl(property: string, value: unknown, scope?: IConstruct | string): void {
  if (typeof value === 'string' && Token.isUnresolved(value)) {
    return;
  }
  let url: URL | undefined;
  try {
    url = typeof value === 'string' ? new URL(value) : undefined;
  } catch {
    url = undefined;
  }
  if (url === undefined || url.protocol !== 'https:' || url.hostname === '') {
    throw new DynamoDbKitError(`${property} must be an https:// URL with a host, got ${describe(value)}`, scope);
  }
}

/** A value as a message shows it: strings quoted, everything else as JSON or its type. */
export function describe(value: unknown): string {
  if (typeof value === 'string') {
    return `'${truncate(value)}'`;
  }
  if (typeof value === 'number' || typeof value === 'boolean' || value === null || value === undefined) {
    return String(value);
  }
  try {
    return truncate(JSON.stringify(value));
  } catch {
    return typeof value;
  }
}

/**
 * A value of a string enum, also when it comes from JavaScript or another jsii language unchecked:
 * an unknown value is refused rather than read as the default.
 */
export function validateEnum<T extends string>(
  property: string, value: T | undefined, allowed: Record<string, T>, scope?: IConstruct | string,
): void {
  if (value === undefined) {
    return;
  }
  const values = Object.values(allowed);
  if (!values.includes(value)) {
    throw new DynamoDbKitError(`${property} must be one of ${values.map(v => `'${v}'`).join(', ')}, got ${describeKind(value)}`, scope);
  }
}

/**
 * An instance of a class, also when it comes from JavaScript unchecked: a plain object (an SNS topic
 * where AlarmActions is expected, say) is refused with the factories to use.
 */
export function validateInstance(
  property: string, value: unknown, type: { readonly prototype: object }, expected: string, scope?: IConstruct | string,
): void {
  if (value !== undefined && !type.prototype.isPrototypeOf(value as object)) {
    throw new DynamoDbKitError(`${property} must be ${expected}, got ${describeKind(value)}`, scope);
  }
}

// ---------------------------------------------------------------------------------------------
// Shapes: what a JavaScript user (or another jsii language, unchecked) can get wrong at a public
// entry point. Each kind names what is allowed; `validateShape` names the property and the value.
// Values that are tokens pass: a token is a string, a number, a list or an IResolvable object.
// ---------------------------------------------------------------------------------------------

/** What a property may hold, as a message names it. */
export interface Kind {
  /** What is allowed, as a message says it: 'a string', 'a Duration (...)'. */
  readonly expected: string;
  /** Whether the value is of this kind; undefined and null are decided by `required`. */
  readonly test: (value: unknown) => boolean;
  /** Whether the property must be given. */
  readonly required?: boolean;
  /** Checks of the properties of an object value, or of the elements of an array value. */
  readonly inner?: (value: any, where: string, scope: IConstruct | string | undefined) => void;
}

const kind = (expected: string, test: (value: unknown) => boolean): Kind => ({ expected, test });

/** The same kind, required. */
export function required(of: Kind): Kind {
  return { ...of, required: true };
}

/** A plain object whose properties are checked against `spec`. */
export function shapeOf(spec: Record<string, Kind>, expected = 'an object'): Kind {
  return {
    expected,
    test: value => typeof value === 'object' && !Array.isArray(value),
    inner: (value, where, scope) => validateShape(where, value, spec, scope),
  };
}

/** An array whose elements are each of `element`. */
export function arrayOf(element: Kind, expected = `an array, each element ${element.expected}`): Kind {
  return {
    expected,
    test: value => Array.isArray(value),
    inner: (value: unknown[], where, scope) => value.forEach((item, index) => validateKind(`${where}[${index}]`, item, required(element), scope)),
  };
}

/** An instance of `type` (a value class of the library or aws-cdk-lib), made by its factories. */
export function instanceOf(type: { readonly prototype: object }, expected: string): Kind {
  return kind(expected, value => type.prototype.isPrototypeOf(value as object));
}

/** A value of a string enum. */
export function enumOf(allowed: Record<string, string>): Kind {
  const values = Object.values(allowed);
  return kind(`one of ${values.map(v => `'${v}'`).join(', ')}`, value => values.includes(value as string));
}

/**
 * A construct that implements an interface, recognised by a member every implementation has
 * (`tableArn` for an ITable, say): plain objects and other constructs are refused.
 */
export function constructWith(member: string, expected: string): Kind {
  return kind(expected, value => Construct.isConstruct(value) && member in (value as object));
}

/** The kinds of value most props take. */
export const Kinds = {
  string: kind('a string', value => typeof value === 'string'),
  number: kind('a number', value => typeof value === 'number'),
  boolean: kind('a boolean (true or false)', value => typeof value === 'boolean'),
  duration: kind('a Duration (Duration.seconds(n), Duration.minutes(n), ...)', value => value instanceof Duration),
  function: kind('a function', value => typeof value === 'function'),
  table: constructWith('tableArn', 'a table (an ITable: a Table, a TableV2, or one imported with fromTableName/fromTableArn)'),
  role: constructWith('roleArn', 'an IAM role (an iam.IRole)'),
  vpc: constructWith('vpcId', 'a VPC (an ec2.IVpc)'),
  topic: constructWith('topicArn', 'an SNS topic (an sns.ITopic)'),
  queue: constructWith('queueArn', 'an SQS queue (an sqs.IQueue)'),
  lambdaFunction: constructWith('functionArn', 'a Lambda function (a lambda.IFunction)'),
  key: constructWith('keyArn', 'a KMS key (a kms.IKey)'),
  removalPolicy: enumOf(RemovalPolicy as unknown as Record<string, string>),
  stack: kind('a Stack', value => Stack.isStack(value)),
  construct: kind('a construct (a Stack, or a construct in one)', value => Construct.isConstruct(value)),
};

/** The day of a weekly backup: required, and one of BackupWeekDay. */
export function validateWeekDay(weekDay: unknown): void {
  validateKind('weekDay', weekDay, required(enumOf(BackupWeekDay)));
}

/**
 * `value` is of `kind`: given when required, never null, of the kind, and what it holds checked.
 * Tokens pass.
 */
export function validateKind(property: string, value: unknown, of: Kind, scope?: IConstruct | string): void {
  if (value === undefined) {
    if (of.required) {
      throw new DynamoDbKitError(`${property} must be given: ${of.expected}, got undefined`, scope);
    }
    return;
  }
  if (Token.isUnresolved(value)) {
    return;
  }
  if (value === null || !of.test(value)) {
    const absent = of.required || value !== null ? '' : ' or left out';
    throw new DynamoDbKitError(`${property} must be ${of.expected}${absent}, got ${describeKind(value)}`, scope);
  }
  of.inner?.(value, property, scope);
}

/**
 * Every property of `props` named in `spec` is of its kind. `props` itself must be an object.
 *
 * @param where the name of `props` in messages ('props', 'options'), and the prefix of its properties
 */
export function validateShape(where: string, props: unknown, spec: Record<string, Kind>, scope?: IConstruct | string): void {
  if (props === null || typeof props !== 'object' || Array.isArray(props)) {
    throw new DynamoDbKitError(`${where} must be an object, got ${describeKind(props)}`, scope);
  }
  const prefix = where === 'props' ? '' : `${where}.`;
  for (const [name, of] of Object.entries(spec)) {
    validateKind(`${prefix}${name}`, (props as Record<string, unknown>)[name], of, scope);
  }
}

/** A construct id: a non-empty string (constructs refuses '' with a message that names nothing). */
export function validateConstructId(scope: IConstruct, id: unknown): string {
  if (typeof id !== 'string' || id === '') {
    throw new DynamoDbKitError(`id of a construct in ${scope.node.path || 'the app'} must be a non-empty string, got ${describeKind(id)}`);
  }
  return id;
}

/** A value as a type error shows it: its class when it is an object of one, else as `describe`. */
function describeKind(value: unknown): string {
  if (Construct.isConstruct(value)) {
    return `the construct ${value.node.path}`;
  }
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const name = Object.getPrototypeOf(value)?.constructor?.name;
    if (name && name !== 'Object') {
      return `an instance of ${name}`;
    }
  }
  if (typeof value === 'function') {
    return 'a function';
  }
  return describe(value);
}

// AWS Backup Vault Lock (CloudFormation AWS::Backup::BackupVault LockConfigurationType): retentions
// in whole days, a minimum of at least 1 day, a maximum of at most 36500 days, and a compliance
// lock changeable for at least 3 days ("AWS Backup enforces a 72-hour cooling-off period").
// Without ChangeableForDays the lock is a governance lock, removable at any time.
const LOCK_MAX_RETENTION_DAYS = 36500;
export const LOCK_MIN_CHANGEABLE_DAYS = 3;

/** The options of a vault lock factory: given, of their kinds, in whole days and within AWS's bounds. */
export function validateVaultLockOptions(factory: string, options: unknown, compliance: boolean): void {
  validateShape(`${factory} options`, options, {
    minRetention: required(Kinds.duration),
    maxRetention: Kinds.duration,
    ...(compliance ? { changeableFor: required(Kinds.duration) } : {}),
  });
  const { minRetention, maxRetention, changeableFor } = options as { minRetention: Duration; maxRetention?: Duration; changeableFor?: Duration };
  validateTokenUnit(`${factory} minRetention`, minRetention, 'days');
  validateTokenUnit(`${factory} maxRetention`, maxRetention, 'days');
  validateTokenUnit(`${factory} changeableFor`, changeableFor, 'days');
  const min = wholeDaysOf(`${factory} minRetention`, minRetention, 1, LOCK_MAX_RETENTION_DAYS);
  const max = wholeDaysOf(`${factory} maxRetention`, maxRetention, 1, LOCK_MAX_RETENTION_DAYS);
  if (min !== undefined && max !== undefined && max < min) {
    throw new DynamoDbKitError(`${factory} maxRetention must be at least minRetention (${min} days), got ${max} days`);
  }
  if (compliance) {
    wholeDaysOf(`${factory} changeableFor`, changeableFor, LOCK_MIN_CHANGEABLE_DAYS, Number.MAX_SAFE_INTEGER,
      ': AWS Backup enforces a 72-hour cooling-off period before a compliance lock becomes immutable');
  }
}

/** A duration of whole days in [minDays, maxDays]; undefined for a token or nothing. */
export function wholeDaysOf(property: string, value: Duration | undefined, minDays: number, maxDays: number, why = '', scope?: IConstruct | string): number | undefined {
  if (value === undefined || value.isUnresolved()) {
    return undefined;
  }
  const days = value.toDays({ integral: false });
  if (!Number.isInteger(days) || days < minDays || days > maxDays) {
    const bound = maxDays === Number.MAX_SAFE_INTEGER ? `at least ${minDays}` : `between ${minDays} and ${maxDays}`;
    throw new DynamoDbKitError(`${property} must be a whole number of days, ${bound}, got ${value.toHumanString()}${why}`, scope);
  }
  return days;
}

// ---------------------------------------------------------------------------------------------
// The public entry points: what each one's props and arguments must be. Built when called, since
// the classes they name import this module too.
// ---------------------------------------------------------------------------------------------

/** The path a construct is being made at, for checks that run before it exists. */
export function pathOf(scope: unknown, id: unknown): string | undefined {
  return Construct.isConstruct(scope) ? `${scope.node.path}/${String(id)}` : undefined;
}

/**
 * A construct's scope, id and props, checked before it is made: a JavaScript caller gets the
 * property and the construct path named, not a TypeError or "Only root constructs may have an empty ID".
 */
export function validateConstructInput(scope: unknown, id: unknown, props: unknown, spec: Record<string, Kind>): void {
  if (!Construct.isConstruct(scope)) {
    throw new DynamoDbKitError(`scope must be a construct (a Stack, or a construct in one), got ${describeKind(scope)}`);
  }
  validateConstructId(scope, id);
  validateShape('props', props, spec, `${scope.node.path}/${id}`);
}

const alarmActionsKind = (): Kind => instanceOf(AlarmActions,
  'an AlarmActions value (AlarmActions.stackTopic(), .topic(topic), .actions(...) or .none())');

const attributeKind = (): Kind => shapeOf({
  name: required(Kinds.string),
  type: required(enumOf(dynamodb.AttributeType)),
}, 'an attribute ({ name, type: AttributeType.STRING | NUMBER | BINARY })');

const capacityKind = (): Kind => instanceOf(dynamodb.Capacity, 'a Capacity (Capacity.fixed(n) or Capacity.autoscaled({ maxCapacity }))');

/** GlobalSecondaryIndexPropsV2. */
export function globalIndexSpec(): Record<string, Kind> {
  return {
    indexName: required(Kinds.string),
    partitionKey: attributeKind(),
    partitionKeys: arrayOf(attributeKind()),
    sortKey: attributeKind(),
    sortKeys: arrayOf(attributeKind()),
    projectionType: enumOf(dynamodb.ProjectionType),
    nonKeyAttributes: arrayOf(Kinds.string),
    readCapacity: capacityKind(),
    writeCapacity: capacityKind(),
    maxReadRequestUnits: Kinds.number,
    maxWriteRequestUnits: Kinds.number,
    contributorInsights: Kinds.boolean,
  };
}

/** LocalSecondaryIndexProps. */
export function localIndexSpec(): Record<string, Kind> {
  return {
    indexName: required(Kinds.string),
    sortKey: required(attributeKind()),
    projectionType: enumOf(dynamodb.ProjectionType),
    nonKeyAttributes: arrayOf(Kinds.string),
  };
}

/** ReplicaTableProps. */
export function replicaSpec(): Record<string, Kind> {
  return {
    region: required(Kinds.string),
    readCapacity: capacityKind(),
    maxReadRequestUnits: Kinds.number,
    deletionProtection: Kinds.boolean,
    pointInTimeRecovery: Kinds.boolean,
    contributorInsights: Kinds.boolean,
    tableClass: enumOf(dynamodb.TableClass),
    globalSecondaryIndexOptions: shapeOf({}),
  };
}

/** TableAlarmsOptions: what a ProductionTable's `alarms` and a TableAlarms share. */
export function tableAlarmsOptionsSpec(): Record<string, Kind> {
  return {
    alarmActions: alarmActionsKind(),
    throttleThreshold: Kinds.number,
    datapointsToAlarm: Kinds.number,
    systemErrorsThreshold: Kinds.number,
    systemErrorOperations: arrayOf(enumOf(dynamodb.Operation), 'an array of dynamodb.Operation values'),
    capacityUtilizationPercent: Kinds.number,
    replicationLatencyThreshold: Kinds.duration,
    latencyThreshold: Kinds.duration,
    latencyOperations: arrayOf(enumOf(dynamodb.Operation), 'an array of dynamodb.Operation values'),
    replicaAlarms: Kinds.boolean,
  };
}

/** An index of an imported table, for its alarms. */
export function indexAlarmsSpec(): Record<string, Kind> {
  return { indexName: required(Kinds.string), maxReadUnits: Kinds.number, maxWriteUnits: Kinds.number };
}

/** TableAlarmsProps. */
export function tableAlarmsSpec(): Record<string, Kind> {
  return {
    ...tableAlarmsOptionsSpec(),
    table: required(Kinds.table),
    billingMode: enumOf(dynamodb.BillingMode),
    globalSecondaryIndexes: arrayOf(shapeOf(indexAlarmsSpec()), 'an array of { indexName, maxReadUnits?, maxWriteUnits? }'),
    replicaRegions: arrayOf(Kinds.string),
    maxReadUnits: Kinds.number,
    maxWriteUnits: Kinds.number,
  };
}

/** Workload, for CapacityPlanner.forWorkload and a ProductionTable's `workload`. */
export function workloadSpec(): Record<string, Kind> {
  const prices = ['writeRequestUnitsPerMillion', 'readRequestUnitsPerMillion', 'replicatedWriteRequestUnitsPerMillion',
    'writeCapacityUnitHour', 'readCapacityUnitHour', 'replicatedWriteCapacityUnitHour', 'storageGbMonth', 'pitrGbMonth',
    'backupGbMonth', 'kmsKeyMonth', 'alarmMetricMonth'];
  return {
    readsPerSecond: required(Kinds.number),
    writesPerSecond: required(Kinds.number),
    itemSizeBytes: required(Kinds.number),
    readConsistency: enumOf(ReadConsistency),
    transactionalWrites: Kinds.boolean,
    globalSecondaryIndexes: Kinds.number,
    replicaRegions: Kinds.number,
    peakFactor: Kinds.number,
    tableSizeGiB: Kinds.number,
    backupCopies: Kinds.number,
    alarmMetrics: Kinds.number,
    unitPrices: shapeOf(Object.fromEntries(prices.map(name => [name, Kinds.number]))),
  };
}

/** ProductionTableProps: TablePropsV2 and the library's own. */
export function productionTableSpec(): Record<string, Kind> {
  return {
    partitionKey: required(attributeKind()),
    sortKey: attributeKind(),
    tableName: Kinds.string,
    timeToLiveAttribute: Kinds.string,
    removalPolicy: Kinds.removalPolicy,
    billing: instanceOf(dynamodb.Billing, 'a Billing (Billing.onDemand(...) or Billing.provisioned(...))'),
    encryption: instanceOf(dynamodb.TableEncryptionV2, 'a TableEncryptionV2 (TableEncryptionV2.customerManagedKey(key), ...)'),
    dynamoStream: enumOf(dynamodb.StreamViewType),
    tableClass: enumOf(dynamodb.TableClass),
    deletionProtection: Kinds.boolean,
    pointInTimeRecovery: Kinds.boolean,
    pointInTimeRecoverySpecification: shapeOf({ pointInTimeRecoveryEnabled: required(Kinds.boolean), recoveryPeriodInDays: Kinds.number }),
    contributorInsights: Kinds.boolean,
    contributorInsightsSpecification: shapeOf({ enabled: required(Kinds.boolean), mode: enumOf(dynamodb.ContributorInsightsMode) }),
    globalSecondaryIndexes: arrayOf(shapeOf(globalIndexSpec()), 'an array of global secondary index props'),
    localSecondaryIndexes: arrayOf(shapeOf(localIndexSpec()), 'an array of local secondary index props'),
    replicas: arrayOf(shapeOf(replicaSpec()), 'an array of replica props ({ region, ... })'),
    multiRegionConsistency: enumOf(dynamodb.MultiRegionConsistency),
    witnessRegion: Kinds.string,
    tags: arrayOf(shapeOf({ key: required(Kinds.string), value: required(Kinds.string) }), 'an array of { key, value }'),
    resourcePolicy: instanceOf(iam.PolicyDocument, 'an iam.PolicyDocument'),
    backup: Kinds.boolean,
    alarms: shapeOf(tableAlarmsOptionsSpec()),
    workload: shapeOf(workloadSpec()),
  };
}

/** StreamConsumerProps. */
export function streamConsumerSpec(): Record<string, Kind> {
  return {
    table: required(Kinds.table),
    handler: required(Kinds.lambdaFunction),
    batchSize: Kinds.number,
    maxBatchingWindow: Kinds.duration,
    startingPosition: enumOf(lambda.StartingPosition),
    retryAttempts: Kinds.number,
    maxRecordAge: Kinds.duration,
    bisectBatchOnError: Kinds.boolean,
    parallelizationFactor: Kinds.number,
    reportBatchItemFailures: Kinds.boolean,
    filters: arrayOf(shapeOf({}), 'an array of filters made with lambda.FilterCriteria.filter(...)'),
    tumblingWindow: Kinds.duration,
    failureQueue: Kinds.queue,
    failureQueueProps: shapeOf({
      removalPolicy: Kinds.removalPolicy,
      fifo: Kinds.boolean,
      retentionPeriod: Kinds.duration,
      encryption: enumOf(sqs.QueueEncryption),
      encryptionMasterKey: Kinds.key,
      enforceSSL: Kinds.boolean,
    }),
    iteratorAgeThreshold: Kinds.duration,
    alarmActions: alarmActionsKind(),
  };
}

/** A StreamConsumer's scope, id and props. */
export function validateStreamConsumerInput(scope: unknown, id: unknown, props: unknown): void {
  validateConstructInput(scope, id, props, streamConsumerSpec());
  const where = pathOf(scope, id);
  const { maxBatchingWindow, tumblingWindow, failureQueueProps } = props as StreamConsumerTimes;
  validateTokenUnit('maxBatchingWindow', maxBatchingWindow, 'seconds', where);
  validateTokenUnit('tumblingWindow', tumblingWindow, 'seconds', where);
  validateTokenUnit('failureQueueProps.retentionPeriod', failureQueueProps?.retentionPeriod, 'seconds', where);
}

interface StreamConsumerTimes {
  readonly maxBatchingWindow?: Duration;
  readonly tumblingWindow?: Duration;
  readonly failureQueueProps?: { readonly retentionPeriod?: Duration };
}

/** TableCacheProps. */
export function tableCacheSpec(): Record<string, Kind> {
  return {
    table: required(Kinds.table),
    vpc: required(Kinds.vpc),
    subnets: shapeOf({}, 'a subnet selection ({ subnetType }, { subnets }, ...)'),
    nodeType: Kinds.string,
    replicationFactor: Kinds.number,
    availabilityZones: arrayOf(Kinds.string),
    alarmActions: alarmActionsKind(),
    cpuUtilizationPercent: Kinds.number,
    cacheMemoryUtilizationPercent: Kinds.number,
  };
}

/** TenantAccessProps. */
export function tenantAccessSpec(): Record<string, Kind> {
  return {
    table: required(Kinds.table),
    tenantKey: required(Kinds.string),
    access: enumOf(TenantAccessLevel),
    attributes: arrayOf(Kinds.string),
    tenantKeyedIndexes: arrayOf(Kinds.string),
    indexes: arrayOf(Kinds.string),
  };
}

/** HardenedKeyProps. */
export function hardenedKeySpec(): Record<string, Kind> {
  return { description: required(Kinds.string), alias: Kinds.string, removalPolicy: Kinds.removalPolicy };
}

/** TableBackupProps, checked where TableBackup.of makes the plan. */
export function validateTableBackupInput(scope: unknown, props: unknown): void {
  if (!Construct.isConstruct(scope)) {
    throw new DynamoDbKitError(`TableBackup.of scope must be a construct (a Stack, or a construct in one), got ${describeKind(scope)}`);
  }
  if (props === undefined) {
    return;
  }
  validateShape('props', props, {
    schedule: instanceOf(BackupSchedule, 'a BackupSchedule (BackupSchedule.daily(), .weekly(day), .monthly(day) or .everyHours(n))'),
    retention: Kinds.duration,
    moveToColdStorageAfter: Kinds.duration,
    vaultLock: instanceOf(VaultLock, 'a VaultLock (VaultLock.governance(...) or VaultLock.compliance(...))'),
    copies: arrayOf(shapeOf({
      destinationVaultArn: required(Kinds.string),
      retention: Kinds.duration,
      moveToColdStorageAfter: Kinds.duration,
    }), 'an array of { destinationVaultArn, retention?, moveToColdStorageAfter? }'),
  }, Stack.of(scope).node.path);
  const { retention, moveToColdStorageAfter, copies } = props as BackupTimes;
  const where = Stack.of(scope).node.path;
  validateTokenUnit('retention', retention, 'days', where);
  validateTokenUnit('moveToColdStorageAfter', moveToColdStorageAfter, 'days', where);
  (copies ?? []).forEach((copy, index) => {
    validateTokenUnit(`copies[${index}].retention`, copy.retention, 'days', where);
    validateTokenUnit(`copies[${index}].moveToColdStorageAfter`, copy.moveToColdStorageAfter, 'days', where);
  });
}

interface BackupTimes {
  readonly retention?: Duration;
  readonly moveToColdStorageAfter?: Duration;
  readonly copies?: Array<{ readonly retention?: Duration; readonly moveToColdStorageAfter?: Duration }>;
}

/** A backup schedule's time of day. */
export function validateTimeOfDay(property: string, time: unknown): void {
  validateShape(property, time, { hour: Kinds.number, minute: Kinds.number });
}

/** DynamoDbGatewayEndpointOptions. */
export function gatewayEndpointSpec(): Record<string, Kind> {
  return {
    policy: endpointPolicyKind(),
    subnets: arrayOf(shapeOf({}), 'an array of subnet selections'),
    existingEndpoint: constructWith('vpcEndpointId', 'a gateway endpoint (an ec2.IGatewayVpcEndpoint)'),
  };
}

/** StreamsEndpointOptions. */
export function streamsEndpointSpec(): Record<string, Kind> {
  return { policy: endpointPolicyKind(), subnets: shapeOf({}, 'a subnet selection') };
}

const endpointPolicyKind = (): Kind => instanceOf(EndpointPolicy,
  'an EndpointPolicy (EndpointPolicy.dataPerimeter(), .tablesOnly() or .open())');

/** An alarm action: anything with a bind() that CloudWatch calls. */
export const alarmActionKind: Kind = kind('an alarm action (a cloudwatch.IAlarmAction, such as new actions.SnsAction(topic))',
  value => typeof (value as { bind?: unknown }).bind === 'function');

/**
 * The stack's backup plan must select a table: its selection and its role's policy would be
 * empty, which aws-cdk-lib refuses at synth with a message about a policy statement.
 */
export function validateBackupSelectsTables(tableCount: number, plan: IConstruct): string[] {
  return tableCount > 0 ? [] : [
    `The backup plan ${plan.node.path} backs up no table: TableBackup.of(scope, props) made it, and no table joined it ` +
    '(every ProductionTable of the stack has backup: false, or none called addTable). A plan with nothing to select ' +
    'cannot deploy. Add a table with TableBackup.of(this).addTable(table), or leave TableBackup.of() out of a stack whose tables opt out of backup',
  ];
}
