import { App, CfnParameter, Duration, Lazy, Stack, Token } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as fc from 'fast-check';
import {
  BackupSchedule, CapacityPlanner, ProductionTable, StreamConsumer, StreamConsumerProps, TableAlarms, TableAlarmsProps, TableBackup, VaultLock,
} from '../../src';
import { DynamoDbKitError } from '../../src/private/errors';
import { ENV, pk } from '../fixtures';

// Property tests: random invalid values, in random valid configurations, are each refused with
// the property named (a DynamoDbKitError, or aws-cdk-lib's own error where it names the property),
// never a TypeError; valid values given as tokens are each accepted. A fixed seed keeps a run
// reproducible; PROPERTY_RUNS=<n> runs n invalid cases (default 300) and n / 5 token cases.

const SEED = 20260514;
const INVALID_RUNS = Number(process.env.PROPERTY_RUNS ?? 300);
const TOKEN_RUNS = Math.max(30, Math.round(INVALID_RUNS / 5));

const counts = { invalid: 0, refusedByLibrary: 0, refusedByAwsCdkLib: 0, tokens: 0 };
const perProperty = new Map<string, number>();

afterAll(() => {
  const properties = [...perProperty.entries()].map(([name, n]) => `${name} ${n}`).join(', ');
  // eslint-disable-next-line no-console
  console.log(`property tests (seed ${SEED}): ${counts.invalid} invalid inputs refused (${counts.refusedByLibrary} by the library, ` +
    `${counts.refusedByAwsCdkLib} by aws-cdk-lib naming the property), ${counts.tokens} token inputs accepted. Per property: ${properties}`);
});

// ----------------------------------------------------------------------------------------------
// What a JavaScript caller can pass
// ----------------------------------------------------------------------------------------------

/** Anything that is not a number: strings, booleans, null, objects, arrays. */
const notANumber: fc.Arbitrary<unknown> = fc.oneof(
  fc.string({ maxLength: 12 }), fc.boolean(), fc.constant(null), fc.constant({}), fc.array(fc.integer(), { maxLength: 3 }),
);

/** Numbers outside the integers of [min, max]: below, above, fractions, NaN, ±Infinity, and not numbers at all. */
function invalidInteger(min: number, max: number): fc.Arbitrary<unknown> {
  return fc.oneof(
    fc.integer({ min: -1_000_000, max: min - 1 }),
    fc.integer({ min: max + 1, max: max + 1_000_000 }),
    fc.double({ min: min - 10, max: max + 10, noNaN: true }).filter(value => !Number.isInteger(value)),
    fc.constantFrom(NaN, Infinity, -Infinity),
    notANumber,
  );
}

/** A number that is not finite and greater than 0. */
const invalidPositive: fc.Arbitrary<unknown> = fc.oneof(
  fc.double({ max: 0, noNaN: true }), fc.constantFrom(NaN, Infinity, -Infinity, -0), notANumber,
);

/** Durations in seconds outside [minSeconds, maxSeconds], and values that are no Duration. */
function invalidDuration(minSeconds: number, maxSeconds: number): fc.Arbitrary<unknown> {
  const outside = [
    ...(minSeconds > 0 ? [fc.integer({ min: 0, max: minSeconds - 1 }).map(s => Duration.seconds(s))] : []),
    fc.integer({ min: maxSeconds + 1, max: maxSeconds * 10 }).map(s => Duration.seconds(s)),
  ];
  return fc.oneof(...outside, fc.integer({ min: minSeconds, max: maxSeconds }), fc.string({ maxLength: 8 }), fc.constant(null), fc.constant({}));
}

/** Strings outside an enum's values, and values that are no string. */
function invalidEnum(values: string[]): fc.Arbitrary<unknown> {
  return fc.oneof(fc.string({ maxLength: 16 }).filter(s => !values.includes(s)), fc.constantFrom('', 'monday', 'Retain'), fc.integer(), fc.constant(null), fc.constant({}));
}

const notABoolean: fc.Arbitrary<unknown> = fc.oneof(fc.string({ maxLength: 5 }), fc.integer(), fc.constant(null), fc.constant({}));

// ----------------------------------------------------------------------------------------------
// Where: a property of an entry point, in a random valid configuration of the rest
// ----------------------------------------------------------------------------------------------

interface Target {
  /** The property, as the error must name it. */
  readonly property: string;
  /** Invalid values of the property. */
  readonly invalid: fc.Arbitrary<unknown>;
  /** Makes the entry point with `value`, the rest configured by `base`. */
  readonly make: (stack: Stack, value: unknown, base: Base) => unknown;
}

/** A random valid configuration of the props the target does not set. */
interface Base {
  readonly batchSize: number;
  readonly retryAttempts: number;
  readonly parallelizationFactor: number;
  readonly bisectBatchOnError: boolean;
  readonly startingPosition: lambda.StartingPosition;
  readonly datapointsToAlarm: number;
  readonly throttleThreshold: number;
  readonly capacityUtilizationPercent: number;
  readonly withSortKey: boolean;
  readonly deletionProtection: boolean;
}

const base: fc.Arbitrary<Base> = fc.record({
  batchSize: fc.integer({ min: 1, max: 10000 }),
  retryAttempts: fc.integer({ min: 0, max: 10000 }),
  parallelizationFactor: fc.integer({ min: 1, max: 10 }),
  bisectBatchOnError: fc.boolean(),
  startingPosition: fc.constantFrom(lambda.StartingPosition.TRIM_HORIZON, lambda.StartingPosition.LATEST),
  datapointsToAlarm: fc.integer({ min: 1, max: 5 }),
  throttleThreshold: fc.double({ min: 0.5, max: 1000, noNaN: true }),
  capacityUtilizationPercent: fc.integer({ min: 1, max: 100 }),
  withSortKey: fc.boolean(),
  deletionProtection: fc.boolean(),
});

const js = (value: unknown): any => value;

function consumer(stack: Stack, b: Base, override: Partial<Record<keyof StreamConsumerProps, unknown>>): StreamConsumer {
  const table = new dynamodb.TableV2(stack, 'Events', { partitionKey: pk, dynamoStream: dynamodb.StreamViewType.NEW_IMAGE });
  const handler = new lambda.Function(stack, 'Handler', {
    runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => {}'),
  });
  return new StreamConsumer(stack, 'Consumer', js({
    table,
    handler,
    batchSize: b.batchSize,
    retryAttempts: b.retryAttempts,
    parallelizationFactor: b.parallelizationFactor,
    bisectBatchOnError: b.bisectBatchOnError,
    startingPosition: b.startingPosition,
    ...override,
  }));
}

function alarms(stack: Stack, b: Base, override: Partial<Record<keyof TableAlarmsProps, unknown>>): TableAlarms {
  const table = new dynamodb.TableV2(stack, 'Orders', { partitionKey: pk, replicas: [{ region: 'us-west-2' }] });
  return new TableAlarms(stack, 'Alarms', js({
    table,
    datapointsToAlarm: b.datapointsToAlarm,
    throttleThreshold: b.throttleThreshold,
    capacityUtilizationPercent: b.capacityUtilizationPercent,
    ...override,
  }));
}

function productionTable(stack: Stack, b: Base, override: Record<string, unknown>): ProductionTable {
  return new ProductionTable(stack, 'Orders', js({
    partitionKey: pk,
    sortKey: b.withSortKey ? { name: 'sk', type: dynamodb.AttributeType.STRING } : undefined,
    deletionProtection: b.deletionProtection,
    ...override,
  }));
}

const TARGETS: Target[] = [
  { property: 'batchSize', invalid: invalidInteger(1, 10000), make: (s, v, b) => consumer(s, b, { batchSize: v }) },
  { property: 'retryAttempts', invalid: invalidInteger(0, 10000), make: (s, v, b) => consumer(s, b, { retryAttempts: v }) },
  { property: 'parallelizationFactor', invalid: invalidInteger(1, 10), make: (s, v, b) => consumer(s, b, { parallelizationFactor: v }) },
  { property: 'maxRecordAge', invalid: invalidDuration(60, 86400), make: (s, v, b) => consumer(s, b, { maxRecordAge: v }) },
  { property: 'maxBatchingWindow', invalid: invalidDuration(0, 300), make: (s, v, b) => consumer(s, b, { maxBatchingWindow: v }) },
  { property: 'tumblingWindow', invalid: invalidDuration(0, 900), make: (s, v, b) => consumer(s, b, { tumblingWindow: v }) },
  { property: 'iteratorAgeThreshold', invalid: invalidDuration(60, 86400), make: (s, v, b) => consumer(s, b, { iteratorAgeThreshold: v }) },
  { property: 'startingPosition', invalid: invalidEnum(['TRIM_HORIZON', 'LATEST']), make: (s, v, b) => consumer(s, b, { startingPosition: v }) },
  { property: 'bisectBatchOnError', invalid: notABoolean, make: (s, v, b) => consumer(s, b, { bisectBatchOnError: v }) },
  { property: 'throttleThreshold', invalid: invalidPositive, make: (s, v, b) => alarms(s, b, { throttleThreshold: v }) },
  { property: 'systemErrorsThreshold', invalid: invalidPositive, make: (s, v, b) => alarms(s, b, { systemErrorsThreshold: v }) },
  { property: 'datapointsToAlarm', invalid: invalidInteger(1, 5), make: (s, v, b) => alarms(s, b, { datapointsToAlarm: v }) },
  { property: 'capacityUtilizationPercent', invalid: invalidInteger(1, 100), make: (s, v, b) => alarms(s, b, { capacityUtilizationPercent: v }) },
  { property: 'replicationLatencyThreshold', invalid: fc.oneof(fc.constant(Duration.seconds(0)), invalidDuration(1, 1e9).filter(v => !(v instanceof Duration))), make: (s, v, b) => alarms(s, b, { replicationLatencyThreshold: v }) },
  { property: 'latencyThreshold', invalid: fc.oneof(fc.constant(Duration.millis(0)), fc.integer(), fc.constant(null)), make: (s, v, b) => alarms(s, b, { latencyThreshold: v }) },
  { property: 'systemErrorOperations', invalid: fc.oneof(fc.constant([]), fc.array(invalidEnum(Object.values(dynamodb.Operation)), { minLength: 1, maxLength: 3 }), fc.string(), fc.constant(null)), make: (s, v, b) => alarms(s, b, { systemErrorOperations: v }) },
  { property: 'tableName', invalid: fc.oneof(fc.string({ maxLength: 2 }), fc.string({ minLength: 256, maxLength: 300 }), fc.stringMatching(/^[a-z]{3,8}[ #/*][a-z]{0,4}$/), fc.integer(), fc.constant(null)), make: (s, v, b) => productionTable(s, b, { tableName: v }) },
  { property: 'partitionKey', invalid: fc.oneof(fc.constant(undefined), fc.constant(null), fc.string(), fc.constant({ name: '', type: 'S' }), fc.constant({ name: 'pk', type: 'X' })), make: (s, v, b) => productionTable(s, b, { partitionKey: v }) },
  { property: 'removalPolicy', invalid: invalidEnum(['destroy', 'retain', 'snapshot', 'retain-on-update-or-delete']), make: (s, v, b) => productionTable(s, b, { removalPolicy: v }) },
  { property: 'recoveryPeriodInDays', invalid: invalidInteger(1, 35), make: (s, v, b) => productionTable(s, b, { pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true, recoveryPeriodInDays: v } }) },
  { property: 'maxReadRequestUnits', invalid: fc.oneof(fc.constantFrom(NaN, 0, -0, Infinity, 1.5), fc.integer({ min: -1000, max: 0 })), make: (s, v, b) => productionTable(s, b, { billing: dynamodb.Billing.onDemand({ maxReadRequestUnits: v as number }) }) },
  { property: 'backup', invalid: notABoolean, make: (s, v, b) => productionTable(s, b, { backup: v }) },
  { property: 'retention', invalid: fc.oneof(fc.integer({ min: 1, max: 47 }).filter(h => h % 24 !== 0).map(h => Duration.hours(h)), fc.integer(), fc.constant(null)), make: (s, v) => TableBackup.of(s, js({ retention: v })) },
  { property: 'changeableFor', invalid: fc.oneof(fc.integer({ min: 0, max: 2 }).map(d => Duration.days(d)), fc.constant(undefined), fc.integer(), fc.constant(null)), make: (_s, v) => VaultLock.compliance(js({ minRetention: Duration.days(7), changeableFor: v })) },
  { property: 'weekDay', invalid: invalidEnum(['MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT', 'SUN']), make: (_s, v) => BackupSchedule.weekly(js(v)) },
  { property: 'hour', invalid: invalidInteger(0, 23), make: (_s, v) => BackupSchedule.daily(js({ hour: v })) },
  { property: 'dayOfMonth', invalid: invalidInteger(1, 28), make: (_s, v) => BackupSchedule.monthly(js(v)) },
  { property: 'itemSizeBytes', invalid: invalidInteger(1, 409600).filter(v => !(typeof v === 'number' && v > 0 && v <= 409600)), make: (_s, v) => CapacityPlanner.forWorkload(js({ readsPerSecond: 1, writesPerSecond: 1, itemSizeBytes: v })) },
];

describe('invalid inputs', () => {
  test(`${INVALID_RUNS} random invalid values, each refused with its property named, never a TypeError`, () => {
    fc.assert(
      fc.property(fc.constantFrom(...TARGETS).chain(t => fc.tuple(fc.constant(t), t.invalid)), base, ([target, value], b) => {
        // GIVEN a random target and an invalid value for it, in a random valid configuration
        const stack = new Stack(new App(), 'Stack', { env: ENV });

        // WHEN
        let error: unknown;
        try {
          target.make(stack, value, b);
        } catch (caught) {
          error = caught;
        }

        // THEN refused, not a TypeError, with the property named
        const why = `${target.property} = ${String(value)}`;
        if (!(error instanceof Error) || error instanceof TypeError || !error.message.includes(target.property)) {
          throw new Error(`${why}: expected an error naming ${target.property}, got ${error instanceof Error ? `${error.name}: ${error.message}` : 'no error'}`);
        }
        counts.invalid++;
        error instanceof DynamoDbKitError ? counts.refusedByLibrary++ : counts.refusedByAwsCdkLib++;
        perProperty.set(target.property, (perProperty.get(target.property) ?? 0) + 1);
      }),
      { seed: SEED, numRuns: INVALID_RUNS },
    );
  });
});

// ----------------------------------------------------------------------------------------------
// Tokens: valid values that are tokens pass through, and the stack synthesizes
// ----------------------------------------------------------------------------------------------

type TokenMaker = (stack: Stack) => number;
const TOKENS: Record<string, TokenMaker> = {
  'Token.asNumber': () => Token.asNumber({ 'Fn::ImportValue': 'Amount' }),
  'Lazy.number': () => Lazy.number({ produce: () => 7 }),
  'CfnParameter': stack => new CfnParameter(stack, `Amount${stack.node.children.length}`, { type: 'Number' }).valueAsNumber,
};

interface TokenTarget {
  readonly property: string;
  readonly make: (stack: Stack, token: () => number, b: Base) => unknown;
}

const TOKEN_TARGETS: TokenTarget[] = [
  { property: 'batchSize', make: (s, t, b) => consumer(s, b, { batchSize: t() }) },
  { property: 'retryAttempts', make: (s, t, b) => consumer(s, b, { retryAttempts: t() }) },
  { property: 'parallelizationFactor', make: (s, t, b) => consumer(s, b, { parallelizationFactor: t() }) },
  { property: 'maxBatchingWindow', make: (s, t, b) => consumer(s, b, { maxBatchingWindow: Duration.seconds(t()) }) },
  { property: 'tumblingWindow', make: (s, t, b) => consumer(s, b, { tumblingWindow: Duration.seconds(t()) }) },
  { property: 'iteratorAgeThreshold', make: (s, t, b) => consumer(s, b, { iteratorAgeThreshold: Duration.minutes(t()) }) },
  { property: 'throttleThreshold', make: (s, t, b) => alarms(s, b, { throttleThreshold: t() }) },
  { property: 'systemErrorsThreshold', make: (s, t, b) => alarms(s, b, { systemErrorsThreshold: t() }) },
  { property: 'datapointsToAlarm', make: (s, t, b) => alarms(s, b, { datapointsToAlarm: t() }) },
  { property: 'capacityUtilizationPercent', make: (s, t, b) => alarms(s, b, { capacityUtilizationPercent: t() }) },
  { property: 'replicationLatencyThreshold', make: (s, t, b) => alarms(s, b, { replicationLatencyThreshold: Duration.seconds(t()) }) },
  { property: 'latencyThreshold', make: (s, t, b) => alarms(s, b, { latencyThreshold: Duration.hours(t()) }) },
  { property: 'maxReadRequestUnits', make: (s, t, b) => productionTable(s, b, { billing: dynamodb.Billing.onDemand({ maxReadRequestUnits: t(), maxWriteRequestUnits: t() }) }) },
  { property: 'retention', make: (s, t) => TableBackup.of(s, { retention: Duration.days(t()) }).addTable(new dynamodb.TableV2(s, 'Orders', { partitionKey: pk })) },
  { property: 'changeableFor', make: (s, t) => TableBackup.of(s, { vaultLock: VaultLock.compliance({ minRetention: Duration.days(t()), changeableFor: Duration.days(t()) }) }).addTable(new dynamodb.TableV2(s, 'Orders', { partitionKey: pk })) },
  { property: 'dayOfMonth', make: (s, t) => TableBackup.of(s, { schedule: BackupSchedule.monthly(t(), { hour: t(), minute: t() }), retention: Duration.days(t()) }).addTable(new dynamodb.TableV2(s, 'Orders', { partitionKey: pk })) },
];

describe('valid values given as tokens', () => {
  test(`${TOKEN_RUNS} random token inputs, each accepted and synthesized`, () => {
    fc.assert(
      fc.property(fc.constantFrom(...TOKEN_TARGETS), fc.constantFrom(...Object.keys(TOKENS)), base, (target, kind, b) => {
        // GIVEN a valid configuration in which one property is a token
        const app = new App();
        const stack = new Stack(app, 'Stack', { env: ENV });

        // WHEN
        target.make(stack, () => TOKENS[kind](stack), b);

        // THEN it synthesizes
        app.synth();
        counts.tokens++;
        perProperty.set(`${target.property} (token)`, (perProperty.get(`${target.property} (token)`) ?? 0) + 1);
      }),
      { seed: SEED, numRuns: TOKEN_RUNS },
    );
  });
});
