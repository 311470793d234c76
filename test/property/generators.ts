/**
 * Random VALID ProductionTable configurations, as plain data, and the app each one describes.
 *
 * A configuration is data, not constructs, so that the same configuration can be built into two
 * fresh apps (the determinism property), printed when a property fails (fast-check shows the
 * shrunk counterexample), and counted for the feature summary.
 *
 * "Valid" means: what AWS and aws-cdk-lib accept, within the limits DESIGN.md and the README's
 * "Input validation" section list. Where a shape is left out on purpose, a comment says why.
 */
import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as fc from 'fast-check';
import { acknowledgeDefaultSecurityGroupProvider, isolatedVpc } from '../../examples/multi-tenant-vpc';
import { streamHandler } from '../../examples/stream-handler';
import {
  AlarmActions, HardenedKey, ProductionTable, ProductionTableProps, TableAlarmsOptions, TenantAccess, TenantAccessLevel,
} from '../../src';
import { ENV } from '../fixtures';

export { ENV };
export const STACK_ID = 'S';
export const TABLE_ID = 'Orders';
/** The table's construct path, as annotations and construct paths name it. */
export const TABLE_PATH = `${STACK_ID}/${TABLE_ID}`;
/** The ids of the constructs that stand for the user's own code start with `User` (as in test/compliance.test.ts). */
export const USER_PREFIX = 'User';

const REPLICA_REGIONS = ['us-east-1', 'us-west-2', 'eu-central-1', 'eu-west-2', 'ap-southeast-2', 'ap-northeast-1'];

export type KeyType = 'S' | 'N' | 'B';
export interface KeySpec { readonly name: string; readonly type: KeyType }
export interface AutoscaledSpec { readonly min: number; readonly max: number; readonly target?: number }
export type ProjectionSpec = { readonly kind: 'ALL' } | { readonly kind: 'KEYS_ONLY' } | { readonly kind: 'INCLUDE'; readonly attributes: string[] };

export interface GsiSpec {
  readonly indexName: string;
  /** Given as `partitionKeys`/`sortKeys` arrays (multi-attribute keys) rather than `partitionKey`/`sortKey`. */
  readonly multiAttribute: boolean;
  readonly partitionKeys: KeySpec[];
  readonly sortKeys: KeySpec[];
  readonly projection: ProjectionSpec;
  /** Provisioned tables only. */
  readonly read?: AutoscaledSpec;
  readonly write?: AutoscaledSpec;
  /** On-demand tables with that maximum only, and at most the table's. */
  readonly maxRead?: number;
  readonly maxWrite?: number;
  /** Added with `addGlobalSecondaryIndex()` after the table is made. */
  readonly later: boolean;
}

export interface LsiSpec {
  readonly indexName: string;
  readonly sortKey: KeySpec;
  readonly projection: ProjectionSpec;
  readonly later: boolean;
}

export type BillingSpec =
  | { readonly mode: 'onDemand'; readonly maxRead?: number; readonly maxWrite?: number }
  | { readonly mode: 'provisioned'; readonly read: AutoscaledSpec; readonly write: AutoscaledSpec };

export interface ReplicaSpec { readonly region: string; readonly later: boolean }

/**
 * `default`: the library's CMK. `userKey`: a HardenedKey of the user's, with the replica key ARNs
 * given (`TableEncryptionV2.customerManagedKey(key, { region: arn })`). `awsManaged`, `awsOwned`:
 * loosened defaults.
 */
export type EncryptionSpec = 'default' | 'userKey' | 'awsManaged' | 'awsOwned';

export interface ConsumerSpec {
  readonly batchSize?: number;
  readonly retryAttempts?: number;
  readonly maxRecordAgeSeconds?: number;
  readonly iteratorAgeThresholdSeconds?: number;
  readonly parallelizationFactor?: number;
  readonly bisectBatchOnError?: boolean;
  readonly reportBatchItemFailures?: boolean;
  readonly trimHorizon?: boolean;
  readonly maxBatchingWindowSeconds?: number;
  readonly tumblingWindowSeconds?: number;
  readonly filterInserts?: boolean;
}

export interface TenantSpec { readonly access: 'READ' | 'READ_WRITE'; readonly restrictAttributes: boolean }

export interface AlarmSpec {
  readonly throttleThreshold?: number;
  readonly datapointsToAlarm?: number;
  readonly systemErrorsThreshold?: number;
  readonly capacityUtilizationPercent?: number;
  readonly latencyThresholdMillis?: number;
  readonly replicationLatencySeconds?: number;
}

/** The loosened defaults of the brief; the AWS-managed or AWS-owned key is `encryption`. */
export interface LoosenedSpec {
  readonly pitrOff: boolean;
  readonly deletionProtectionOff: boolean;
  readonly destroy: boolean;
  readonly insightsOff: boolean;
  readonly backupOff: boolean;
  readonly alarmsNone: boolean;
}

export interface TableConfig {
  readonly env: boolean;
  readonly tableName?: string;
  readonly partitionKey: KeySpec;
  readonly sortKey?: KeySpec;
  readonly gsis: GsiSpec[];
  readonly lsis: LsiSpec[];
  readonly billing: BillingSpec;
  readonly pitrDays?: number;
  readonly stream?: 'KEYS_ONLY' | 'NEW_IMAGE' | 'OLD_IMAGE' | 'NEW_AND_OLD_IMAGES';
  readonly ttlAttribute?: string;
  readonly replicas: ReplicaSpec[];
  readonly encryption: EncryptionSpec;
  readonly consumers: ConsumerSpec[];
  readonly endpoint: boolean;
  readonly tenant?: TenantSpec;
  readonly alarms?: AlarmSpec;
  readonly loosened: LoosenedSpec;
}

// ---------------------------------------------------------------------------------------------
// Arbitraries
// ---------------------------------------------------------------------------------------------

/** `arb` in about one case of `oneIn`, else undefined. */
const opt = <T>(arb: fc.Arbitrary<T>, oneIn = 2): fc.Arbitrary<T | undefined> =>
  fc.oneof({ weight: oneIn - 1, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: arb });

/**
 * Key attribute names: 1-255 bytes of UTF-8. Mostly identifiers; some Unicode; some of exactly
 * 255 bytes. Whitespace, control characters and '$' are left out: DynamoDB's guide does not say
 * whether it accepts the first two in key names, and '$' followed by '{' would read as an IAM
 * policy variable in TenantAccess's `attributes` condition (the user's problem, not the library's).
 */
const attributeName: fc.Arbitrary<string> = fc.oneof(
  { weight: 10, arbitrary: fc.stringMatching(/^[a-zA-Z][a-zA-Z0-9_]{0,11}$/) },
  {
    weight: 2,
    arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 8 })
      .filter(name => !/[\s\u0000-\u001f\u007f-\u009f$]/u.test(name) && Buffer.byteLength(name, 'utf8') <= 255),
  },
  { weight: 1, arbitrary: fc.constantFrom('a'.repeat(255), `${'é'.repeat(127)}x`, 'キー'.repeat(42) + 'abc') },
);

/** Strings twice as often: TenantAccess needs a string partition key. */
const keyType: fc.Arbitrary<KeyType> = fc.constantFrom('S', 'S', 'N', 'B');

/**
 * Index names: 3-255 characters of [a-zA-Z0-9_.-]. Some are named like the construct ids the
 * alarms use (a previous fuzzing round found that `HotKeyThrottles` as a GSI name crashed), some
 * are dots and dashes only, some are 255 characters long.
 */
const ALARM_LIKE_NAMES = [
  'HotKeyThrottles', 'HotKeyThrottles2', 'ProvisionedThrottles', 'OnDemandMaxThrottles', 'AccountLimitThrottles',
  'CapacityCeiling', 'CapacityCeiling2', 'SystemErrors', 'Latency', 'ReplicationLatencyus-east-1', 'Resource', 'Default',
  'Alarms', 'Key', 'Replica', 'Policy', 'Topic',
];
const indexName: fc.Arbitrary<string> = fc.oneof(
  { weight: 8, arbitrary: fc.stringMatching(/^[a-zA-Z0-9_.-]{3,24}$/) },
  { weight: 3, arbitrary: fc.constantFrom(...ALARM_LIKE_NAMES) },
  { weight: 1, arbitrary: fc.constantFrom('...', '-_-', '.-.') },
  { weight: 1, arbitrary: fc.stringMatching(/^[a-zA-Z0-9_.-]{255}$/) },
);

const tableName: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.stringMatching(/^[a-zA-Z0-9_.-]{3,32}$/) },
  { weight: 1, arbitrary: fc.stringMatching(/^[a-zA-Z0-9_.-]{255}$/) },
);

/** aws-cdk-lib's limits for `Capacity.autoscaled`: min >= 1 (the library's), min <= max, target 20-90 %. */
const autoscaled: fc.Arbitrary<AutoscaledSpec> = fc.record({
  min: fc.integer({ min: 1, max: 100 }),
  extra: fc.integer({ min: 0, max: 40000 }),
  target: opt(fc.integer({ min: 20, max: 90 })),
}).map(({ min, extra, target }) => ({ min, max: Math.min(min + extra, 40000), ...(target !== undefined ? { target } : {}) }));

const maximum = fc.integer({ min: 1, max: 40000 });

const billing: fc.Arbitrary<BillingSpec> = fc.oneof(
  fc.record({ mode: fc.constant('onDemand' as const), maxRead: opt(maximum), maxWrite: opt(maximum) }, { requiredKeys: ['mode'] }),
  fc.record({ mode: fc.constant('provisioned' as const), read: autoscaled, write: autoscaled }),
);

/**
 * Non-key attributes for INCLUDE projections: a pool apart from the key attributes (a key
 * attribute is always projected; naming it again is not what INCLUDE is for).
 */
const NON_KEY_ATTRIBUTES = ['payload', 'status_text', 'createdBy', 'amount', 'note'];
const projection: fc.Arbitrary<ProjectionSpec> = fc.oneof(
  fc.constant({ kind: 'ALL' as const }),
  fc.constant({ kind: 'KEYS_ONLY' as const }),
  fc.subarray(NON_KEY_ATTRIBUTES, { minLength: 1, maxLength: 3 }).map(attributes => ({ kind: 'INCLUDE' as const, attributes })),
);

const consumer: fc.Arbitrary<ConsumerSpec> = fc.record({
  batchSize: opt(fc.integer({ min: 1, max: 10000 })),
  retryAttempts: opt(fc.integer({ min: 0, max: 10000 })),
  maxRecordAgeSeconds: opt(fc.integer({ min: 60, max: 24 * 3600 })),
  iteratorAgeFraction: opt(fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true })),
  parallelizationFactor: opt(fc.integer({ min: 1, max: 10 })),
  bisectBatchOnError: opt(fc.boolean()),
  reportBatchItemFailures: opt(fc.boolean()),
  trimHorizon: opt(fc.constant(true)),
  maxBatchingWindowSeconds: opt(fc.integer({ min: 0, max: 300 })),
  tumblingWindowSeconds: opt(fc.integer({ min: 0, max: 900 })),
  filterInserts: opt(fc.boolean()),
}, { requiredKeys: [] }).map(({ iteratorAgeFraction, ...spec }) => {
  // iteratorAgeThreshold: 60 s to 24 h, and less than maxRecordAge (the consumer refuses otherwise).
  const maxAge = spec.maxRecordAgeSeconds;
  if (iteratorAgeFraction === undefined || maxAge === undefined || maxAge <= 61) {
    return spec;
  }
  return { ...spec, iteratorAgeThresholdSeconds: 60 + Math.floor(iteratorAgeFraction * (maxAge - 61)) };
});

const alarmSpec: fc.Arbitrary<AlarmSpec> = fc.record({
  throttleThreshold: fc.integer({ min: 1, max: 1000 }),
  datapointsToAlarm: fc.integer({ min: 1, max: 5 }),
  systemErrorsThreshold: fc.integer({ min: 1, max: 100 }),
  capacityUtilizationPercent: fc.integer({ min: 1, max: 100 }),
  latencyThresholdMillis: fc.integer({ min: 1, max: 10000 }),
  replicationLatencySeconds: fc.integer({ min: 1, max: 3600 }),
}, { requiredKeys: [] });

const NO_LOOSENING: LoosenedSpec = {
  pitrOff: false, deletionProtectionOff: false, destroy: false, insightsOff: false, backupOff: false, alarmsNone: false,
};

/** Each default is loosened in about one configuration of six, independently. */
const LOOSENED_KEYS: Array<keyof LoosenedSpec> = ['pitrOff', 'deletionProtectionOff', 'destroy', 'insightsOff', 'backupOff', 'alarmsNone'];
const loosened: fc.Arbitrary<LoosenedSpec> = fc.tuple(...LOOSENED_KEYS.map(() => fc.integer({ min: 0, max: 5 })))
  .map(dice => Object.fromEntries(LOOSENED_KEYS.map((key, i) => [key, dice[i] === 0])) as unknown as LoosenedSpec);

export interface ConfigurationOptions {
  /**
   * No loosened default (and no AWS-managed or AWS-owned key): the configurations that must pass
   * every compliance plugin with zero unacknowledged findings.
   */
  readonly strict: boolean;
}

/** A random valid configuration. */
export function configuration(options: ConfigurationOptions): fc.Arbitrary<TableConfig> {
  // One pool of key attributes, each with one type: the same attribute used as a key in two
  // places must have one type (aws-cdk-lib refuses a conflict, AttributeTypeConflict).
  const pool = fc.uniqueArray(fc.record({ name: attributeName, type: keyType }), {
    minLength: 2, maxLength: 10, selector: key => key.name,
  });
  return fc.record({
    pool,
    env: fc.boolean(),
    hasSortKey: fc.boolean(),
    tableName: opt(tableName, 4),
    billing,
    pitrDays: opt(fc.integer({ min: 1, max: 35 }), 4),
    stream: opt(fc.constantFrom('KEYS_ONLY' as const, 'NEW_IMAGE' as const, 'OLD_IMAGE' as const, 'NEW_AND_OLD_IMAGES' as const), 4),
    ttl: opt(fc.constant('expiresAt'), 4),
    gsiSeeds: fc.oneof(fc.constant([]), fc.array(fc.record({
      name: indexName,
      multiAttribute: fc.boolean(),
      partitionCount: fc.integer({ min: 1, max: 4 }),
      sortCount: fc.integer({ min: 0, max: 4 }),
      picks: fc.array(fc.nat(), { minLength: 8, maxLength: 8 }),
      projection,
      read: opt(autoscaled),
      write: opt(autoscaled),
      maxFraction: opt(fc.double({ min: 0, max: 1, noNaN: true })),
      later: fc.boolean(),
    }), { minLength: 1, maxLength: 6 })),
    manyGsis: fc.integer({ min: 0, max: 19 }),
    lsiSeeds: fc.oneof(fc.constant([]),
      fc.array(fc.record({ name: indexName, pick: fc.nat(), projection, later: fc.boolean() }), { minLength: 1, maxLength: 5 })),
    replicas: fc.oneof(fc.constant<ReplicaSpec[]>([]),
      fc.uniqueArray(fc.record({ region: fc.constantFrom(...REPLICA_REGIONS), later: fc.boolean() }), {
        minLength: 1, maxLength: 3, selector: replica => replica.region,
      })),
    encryption: options.strict
      ? fc.constantFrom<EncryptionSpec>('default', 'default', 'userKey')
      : fc.constantFrom<EncryptionSpec>('default', 'default', 'default', 'userKey', 'userKey', 'awsManaged', 'awsOwned'),
    consumers: fc.oneof(fc.constant<ConsumerSpec[]>([]), fc.array(consumer, { minLength: 1, maxLength: 3 })),
    endpoint: fc.boolean(),
    tenant: opt(fc.record({ access: fc.constantFrom('READ' as const, 'READ_WRITE' as const), restrictAttributes: fc.boolean() })),
    alarms: opt(alarmSpec),
    loosened: options.strict ? fc.constant(NO_LOOSENING) : loosened,
  }).map(seed => {
    const [partitionKey, ...rest] = seed.pool;
    const sortKey = seed.hasSortKey ? rest[0] : undefined;
    const { billing: bill } = seed;

    // Many GSIs now and then (up to aws-cdk-lib's 20): more than one alarm per cause.
    const gsiSeeds = seed.manyGsis === 19 && seed.gsiSeeds.length > 0
      ? Array.from({ length: 20 }, (_, i) => ({ ...seed.gsiSeeds[i % seed.gsiSeeds.length], name: `${seed.gsiSeeds[i % seed.gsiSeeds.length].name.slice(0, 36)}${i}` }))
      : seed.gsiSeeds;
    const indexNames = new Set<string>();
    // Index names of up to 255 characters: the alarms' descriptions stay within CloudWatch's 1024
    // characters by counting the indexes they cover instead of naming them (found by this test).
    const nameOf = (name: string) => name;
    const gsis: GsiSpec[] = [];
    for (const seedGsi of gsiSeeds) {
      const g = { ...seedGsi, name: nameOf(seedGsi.name) };
      if (indexNames.has(g.name)) {
        continue; // index names are unique per table (aws-cdk-lib: DuplicateSecondaryIndexName)
      }
      // Distinct attributes of the pool: a key may not name an attribute twice.
      const order = pickDistinct(seed.pool.length, g.picks);
      const partitionCount = g.multiAttribute ? Math.min(g.partitionCount, seed.pool.length) : 1;
      const partitionKeys = order.slice(0, partitionCount).map(i => seed.pool[i]);
      const sortCount = Math.min(g.multiAttribute ? g.sortCount : Math.min(g.sortCount, 1), seed.pool.length - partitionCount);
      const sortKeys = order.slice(partitionCount, partitionCount + sortCount).map(i => seed.pool[i]);
      indexNames.add(g.name);
      gsis.push({
        indexName: g.name,
        multiAttribute: g.multiAttribute,
        partitionKeys,
        sortKeys,
        projection: withoutKeys(g.projection, seed.pool),
        later: g.later,
        ...(bill.mode === 'provisioned' ? { read: g.read, write: g.write } : {}),
        // aws-cdk-lib allows maxima on an index of an on-demand table; kept at most the table's own.
        ...(bill.mode === 'onDemand' && g.maxFraction !== undefined && bill.maxRead !== undefined
          ? { maxRead: Math.max(1, Math.floor(bill.maxRead * g.maxFraction)) } : {}),
        ...(bill.mode === 'onDemand' && g.maxFraction !== undefined && bill.maxWrite !== undefined
          ? { maxWrite: Math.max(1, Math.floor(bill.maxWrite * g.maxFraction)) } : {}),
      });
    }

    // LSIs need a table sort key; their sort key differs from the table's partition key (the
    // library refuses it) and from the table's sort key (an LSI on the table's own key is pointless,
    // and whether DynamoDB accepts it is not documented).
    const lsis: LsiSpec[] = [];
    const lsiCandidates = seed.pool.filter(key => key !== partitionKey && key !== sortKey);
    if (sortKey && lsiCandidates.length > 0) {
      // LSIs have no alarms of their own: their names may all be long.
      for (const l of seed.lsiSeeds) {
        if (indexNames.has(l.name)) {
          continue;
        }
        indexNames.add(l.name);
        const lsiSortKey = lsiCandidates[l.pick % lsiCandidates.length];
        lsis.push({ indexName: l.name, sortKey: lsiSortKey, projection: withoutKeys(l.projection, seed.pool), later: l.later });
      }
    }

    // DynamoDB allows at most 100 projected non-key attributes over all indexes; the pool has 5.
    const config: TableConfig = {
      env: seed.env,
      ...(seed.tableName !== undefined ? { tableName: seed.tableName } : {}),
      partitionKey,
      ...(sortKey ? { sortKey } : {}),
      gsis,
      lsis,
      billing: bill,
      ...(seed.pitrDays !== undefined && !seed.loosened.pitrOff ? { pitrDays: seed.pitrDays } : {}),
      ...(seed.stream !== undefined ? { stream: seed.stream } : {}),
      ...(seed.ttl !== undefined ? { ttlAttribute: seed.ttl } : {}),
      // Replicas need a stack with a region (aws-cdk-lib and the library refuse them otherwise).
      replicas: seed.env ? seed.replicas : [],
      encryption: seed.encryption,
      consumers: seed.consumers,
      endpoint: seed.endpoint,
      // LeadingKeys conditions compare strings: TenantAccess is for string partition keys.
      ...(seed.tenant !== undefined && partitionKey.type === 'S' ? { tenant: seed.tenant } : {}),
      ...(seed.alarms !== undefined ? { alarms: seed.alarms } : {}),
      loosened: seed.loosened,
    };
    return config;
  });
}

/** An INCLUDE projection names no key attribute (a random key name may be `amount` too); none left, KEYS_ONLY. */
function withoutKeys(spec: ProjectionSpec, keys: KeySpec[]): ProjectionSpec {
  if (spec.kind !== 'INCLUDE') {
    return spec;
  }
  const attributes = spec.attributes.filter(name => !keys.some(key => key.name === name));
  return attributes.length > 0 ? { kind: 'INCLUDE', attributes } : { kind: 'KEYS_ONLY' };
}

/** A permutation prefix of 0..n-1 chosen by `picks`. */
function pickDistinct(n: number, picks: number[]): number[] {
  const left = Array.from({ length: n }, (_, i) => i);
  const order: number[] = [];
  for (const pick of picks) {
    if (left.length === 0) {
      break;
    }
    order.push(left.splice(pick % left.length, 1)[0]);
  }
  return order.concat(left);
}

// ---------------------------------------------------------------------------------------------
// Building
// ---------------------------------------------------------------------------------------------

const ATTRIBUTE_TYPES: Record<KeyType, dynamodb.AttributeType> = {
  S: dynamodb.AttributeType.STRING,
  N: dynamodb.AttributeType.NUMBER,
  B: dynamodb.AttributeType.BINARY,
};
const attribute = (key: KeySpec): dynamodb.Attribute => ({ name: key.name, type: ATTRIBUTE_TYPES[key.type] });

const capacity = (spec: AutoscaledSpec) => dynamodb.Capacity.autoscaled({
  minCapacity: spec.min, maxCapacity: spec.max, ...(spec.target !== undefined ? { targetUtilizationPercent: spec.target } : {}),
});

function projectionProps(spec: ProjectionSpec): { projectionType?: dynamodb.ProjectionType; nonKeyAttributes?: string[] } {
  switch (spec.kind) {
    case 'ALL': return {};
    case 'KEYS_ONLY': return { projectionType: dynamodb.ProjectionType.KEYS_ONLY };
    case 'INCLUDE': return { projectionType: dynamodb.ProjectionType.INCLUDE, nonKeyAttributes: spec.attributes };
  }
}

function gsiProps(spec: GsiSpec): dynamodb.GlobalSecondaryIndexPropsV2 {
  const keys = spec.multiAttribute
    ? { partitionKeys: spec.partitionKeys.map(attribute), ...(spec.sortKeys.length > 0 ? { sortKeys: spec.sortKeys.map(attribute) } : {}) }
    : { partitionKey: attribute(spec.partitionKeys[0]), ...(spec.sortKeys.length > 0 ? { sortKey: attribute(spec.sortKeys[0]) } : {}) };
  return {
    indexName: spec.indexName,
    ...keys,
    ...projectionProps(spec.projection),
    ...(spec.read ? { readCapacity: capacity(spec.read) } : {}),
    ...(spec.write ? { writeCapacity: capacity(spec.write) } : {}),
    ...(spec.maxRead !== undefined ? { maxReadRequestUnits: spec.maxRead } : {}),
    ...(spec.maxWrite !== undefined ? { maxWriteRequestUnits: spec.maxWrite } : {}),
  };
}

function lsiProps(spec: LsiSpec): dynamodb.LocalSecondaryIndexProps {
  return { indexName: spec.indexName, sortKey: attribute(spec.sortKey), ...projectionProps(spec.projection) };
}

const replicaKeyArn = (region: string) => `arn:aws:kms:${region}:${ENV.account}:key/00000000-0000-0000-0000-${region.replace(/-/g, '').padEnd(12, '0').slice(0, 12)}`;

/** The table's props: only its keys when `keysOnly` (the logical-ID baseline). */
export function tableProps(stack: Stack, config: TableConfig, keysOnly = false): ProductionTableProps {
  const keys = { partitionKey: attribute(config.partitionKey), ...(config.sortKey ? { sortKey: attribute(config.sortKey) } : {}) };
  if (keysOnly) {
    return keys;
  }
  const l = config.loosened;
  const bill = config.billing;
  return {
    ...keys,
    ...(config.tableName !== undefined ? { tableName: config.tableName } : {}),
    billing: bill.mode === 'onDemand'
      ? dynamodb.Billing.onDemand({
        ...(bill.maxRead !== undefined ? { maxReadRequestUnits: bill.maxRead } : {}),
        ...(bill.maxWrite !== undefined ? { maxWriteRequestUnits: bill.maxWrite } : {}),
      })
      : dynamodb.Billing.provisioned({ readCapacity: capacity(bill.read), writeCapacity: capacity(bill.write) }),
    globalSecondaryIndexes: config.gsis.filter(g => !g.later).map(gsiProps),
    localSecondaryIndexes: config.lsis.filter(l2 => !l2.later).map(lsiProps),
    replicas: config.replicas.filter(r => !r.later).map(r => ({ region: r.region })),
    ...(config.stream ? { dynamoStream: dynamodb.StreamViewType[config.stream] } : {}),
    ...(config.ttlAttribute ? { timeToLiveAttribute: config.ttlAttribute } : {}),
    ...(l.pitrOff
      ? { pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: false } }
      : config.pitrDays !== undefined
        ? { pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true, recoveryPeriodInDays: config.pitrDays } }
        : {}),
    ...(l.deletionProtectionOff ? { deletionProtection: false } : {}),
    ...(l.destroy ? { removalPolicy: RemovalPolicy.DESTROY } : {}),
    ...(l.insightsOff ? { contributorInsightsSpecification: { enabled: false } } : {}),
    ...(l.backupOff ? { backup: false } : {}),
    ...encryptionProps(stack, config),
    ...(config.alarms || l.alarmsNone ? { alarms: alarmProps(config) } : {}),
  };
}

function encryptionProps(stack: Stack, config: TableConfig): Pick<ProductionTableProps, 'encryption'> {
  switch (config.encryption) {
    case 'default': return {};
    case 'awsManaged': return { encryption: dynamodb.TableEncryptionV2.awsManagedKey() };
    case 'awsOwned': return { encryption: dynamodb.TableEncryptionV2.dynamoOwnedKey() };
    case 'userKey': {
      const key = new HardenedKey(stack, `${USER_PREFIX}TableKey`, { description: 'the user\'s table key' });
      const replicaKeyArns = Object.fromEntries(config.replicas.map(r => [r.region, replicaKeyArn(r.region)]));
      return { encryption: dynamodb.TableEncryptionV2.customerManagedKey(key, replicaKeyArns) };
    }
  }
}

function alarmProps(config: TableConfig): TableAlarmsOptions {
  const a = config.alarms ?? {};
  return {
    ...(config.loosened.alarmsNone ? { alarmActions: AlarmActions.none() } : {}),
    ...(a.throttleThreshold !== undefined ? { throttleThreshold: a.throttleThreshold } : {}),
    ...(a.datapointsToAlarm !== undefined ? { datapointsToAlarm: a.datapointsToAlarm } : {}),
    ...(a.systemErrorsThreshold !== undefined ? { systemErrorsThreshold: a.systemErrorsThreshold } : {}),
    ...(a.capacityUtilizationPercent !== undefined ? { capacityUtilizationPercent: a.capacityUtilizationPercent } : {}),
    ...(a.latencyThresholdMillis !== undefined ? { latencyThreshold: Duration.millis(a.latencyThresholdMillis) } : {}),
    ...(a.replicationLatencySeconds !== undefined ? { replicationLatencyThreshold: Duration.seconds(a.replicationLatencySeconds) } : {}),
  };
}

export interface BuildOptions {
  /**
   * Make the user's code compliant, the way the examples do (examples/stream-handler.ts,
   * examples/multi-tenant-vpc.ts): for the runs that go through the compliance plugins. Otherwise
   * a plain `lambda.Function` with inline code and a plain isolated `ec2.Vpc`, which synthesize faster.
   */
  readonly compliantUserCode?: boolean;
  /** @default STACK_ID */
  readonly stackId?: string;
}

export interface Built {
  readonly stack: Stack;
  readonly table: ProductionTable;
  /**
   * The paths of the constructs that stand for the user's own code: those the test made itself
   * (handlers, VPC, tenant role), as they were when made. What the library later adds under them
   * (an event source mapping under a handler, the gateway endpoint under the VPC) is not in it.
   */
  readonly userPaths: Set<string>;
}

/** Builds `config` into `app`: one stack, one table, and everything the configuration adds to it. */
export function build(app: App, config: TableConfig, options: BuildOptions = {}): Built {
  const stack = new Stack(app, options.stackId ?? STACK_ID, config.env ? { env: ENV } : {});
  const userPaths = new Set<string>();
  const asUser = <T>(make: () => T): T => {
    const before = new Set(stack.node.findAll().map(c => c.node.path));
    const made = make();
    stack.node.findAll().filter(c => !before.has(c.node.path)).forEach(c => userPaths.add(c.node.path));
    return made;
  };
  const table = new ProductionTable(stack, TABLE_ID, tableProps(stack, config));
  config.gsis.filter(g => g.later).forEach(g => table.addGlobalSecondaryIndex(gsiProps(g)));
  config.lsis.filter(l => l.later).forEach(l => table.addLocalSecondaryIndex(lsiProps(l)));
  config.replicas.filter(r => r.later).forEach(r => table.addReplica({ region: r.region }));

  config.consumers.forEach((spec, i) => {
    // One function per consumer: Lambda refuses a second mapping of the same function to the same stream.
    const handler = asUser(() => userHandler(stack, `${USER_PREFIX}Handler${i}`, options));
    table.addStreamConsumer(`Consumer${i}`, consumerOptions(handler, spec));
  });

  if (config.endpoint) {
    const vpc = asUser(() => options.compliantUserCode
      ? isolatedVpc(stack, `${USER_PREFIX}Vpc`)
      : new ec2.Vpc(stack, `${USER_PREFIX}Vpc`, {
        maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 }],
      }));
    table.addVpcEndpoint(vpc);
    if (options.compliantUserCode) {
      acknowledgeDefaultSecurityGroupProvider(stack);
    }
  }

  if (config.tenant) {
    const access = new TenantAccess(stack, 'Tenants', {
      table,
      tenantKey: 'TENANT#${aws:PrincipalTag/tenantId}',
      access: config.tenant.access === 'READ' ? TenantAccessLevel.READ : TenantAccessLevel.READ_WRITE,
      ...(config.tenant.restrictAttributes
        ? { attributes: [config.partitionKey.name, ...(config.sortKey ? [config.sortKey.name] : []), 'payload'] }
        : {}),
    });
    access.grant(asUser(() => new iam.Role(stack, `${USER_PREFIX}TenantRole`, { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') })));
  }
  return { stack, table, userPaths };
}

function userHandler(stack: Stack, id: string, options: BuildOptions): lambda.IFunction {
  const code = lambda.Code.fromInline('exports.handler = async () => ({ batchItemFailures: [] });');
  return options.compliantUserCode
    ? streamHandler(stack, id, { code })
    : new lambda.Function(stack, id, { runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code });
}

function consumerOptions(handler: lambda.IFunction, spec: ConsumerSpec) {
  return {
    handler,
    ...(spec.batchSize !== undefined ? { batchSize: spec.batchSize } : {}),
    ...(spec.retryAttempts !== undefined ? { retryAttempts: spec.retryAttempts } : {}),
    ...(spec.maxRecordAgeSeconds !== undefined ? { maxRecordAge: Duration.seconds(spec.maxRecordAgeSeconds) } : {}),
    ...(spec.iteratorAgeThresholdSeconds !== undefined ? { iteratorAgeThreshold: Duration.seconds(spec.iteratorAgeThresholdSeconds) } : {}),
    ...(spec.parallelizationFactor !== undefined ? { parallelizationFactor: spec.parallelizationFactor } : {}),
    ...(spec.bisectBatchOnError !== undefined ? { bisectBatchOnError: spec.bisectBatchOnError } : {}),
    ...(spec.reportBatchItemFailures !== undefined ? { reportBatchItemFailures: spec.reportBatchItemFailures } : {}),
    ...(spec.trimHorizon ? { startingPosition: lambda.StartingPosition.TRIM_HORIZON } : {}),
    ...(spec.maxBatchingWindowSeconds !== undefined ? { maxBatchingWindow: Duration.seconds(spec.maxBatchingWindowSeconds) } : {}),
    ...(spec.tumblingWindowSeconds !== undefined ? { tumblingWindow: Duration.seconds(spec.tumblingWindowSeconds) } : {}),
    ...(spec.filterInserts ? { filters: [lambda.FilterCriteria.filter({ eventName: lambda.FilterRule.isEqual('INSERT') })] } : {}),
  };
}

// ---------------------------------------------------------------------------------------------
// Feature counts, for the summary line of each property
// ---------------------------------------------------------------------------------------------

/** The features a configuration exercises, by name: the summary counts them. */
export function features(config: TableConfig): string[] {
  const f: string[] = [];
  const add = (name: string, when: unknown) => when && f.push(name);
  add('env', config.env);
  add('agnostic', !config.env);
  add(`pk:${config.partitionKey.type}`, true);
  add('sortKey', config.sortKey);
  add('nonAsciiKey', [config.partitionKey, config.sortKey, ...config.gsis.flatMap(g => [...g.partitionKeys, ...g.sortKeys])]
    .some(k => k && /[^\x20-\x7e]/.test(k.name)));
  add('tableName', config.tableName);
  add('gsi', config.gsis.length > 0);
  add('gsi>5', config.gsis.length > 5);
  add('multiAttributeGsi', config.gsis.some(g => g.multiAttribute && (g.partitionKeys.length > 1 || g.sortKeys.length > 1)));
  add('gsiLater', config.gsis.some(g => g.later));
  add('alarmLikeIndexName', [...config.gsis, ...config.lsis].some(i => ALARM_LIKE_NAMES.includes(i.indexName)));
  add('lsi', config.lsis.length > 0);
  add('onDemand', config.billing.mode === 'onDemand');
  add('onDemandMax', config.billing.mode === 'onDemand' && (config.billing.maxRead !== undefined || config.billing.maxWrite !== undefined));
  add('provisioned', config.billing.mode === 'provisioned');
  add('replicas', config.replicas.length > 0);
  add('replicaLater', config.replicas.some(r => r.later));
  add('replicasGivenKeys', config.replicas.length > 0 && config.encryption === 'userKey');
  add('userKey', config.encryption === 'userKey');
  add('consumers', config.consumers.length > 0);
  add('consumers>2', config.consumers.length > 2);
  add('endpoint', config.endpoint);
  add('tenant', config.tenant);
  add('alarmOptions', config.alarms);
  add('loose:pitr', config.loosened.pitrOff);
  add('loose:deletionProtection', config.loosened.deletionProtectionOff);
  add('loose:destroy', config.loosened.destroy);
  add('loose:awsKey', config.encryption === 'awsManaged' || config.encryption === 'awsOwned');
  add('loose:insights', config.loosened.insightsOff);
  add('loose:backup', config.loosened.backupOff);
  add('loose:alarms', config.loosened.alarmsNone);
  add('noLoosening', !isLoosened(config));
  return f;
}

export function isLoosened(config: TableConfig): boolean {
  return Object.values(config.loosened).some(Boolean) || config.encryption === 'awsManaged' || config.encryption === 'awsOwned';
}

/** Counts features over the configurations seen, for a console summary. */
export class FeatureTally {
  private readonly counts = new Map<string, number>();
  private total = 0;

  public add(config: TableConfig): void {
    this.total++;
    for (const feature of features(config)) {
      this.counts.set(feature, (this.counts.get(feature) ?? 0) + 1);
    }
  }

  public get size(): number {
    return this.total;
  }

  public count(feature: string): number {
    return this.counts.get(feature) ?? 0;
  }

  public summary(label: string, millis: number): string {
    const parts = [...this.counts.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([name, n]) => `${name}=${n}`);
    return `${label}: ${this.total} configurations in ${(millis / 1000).toFixed(1)} s; ${parts.join(' ')}`;
  }
}
