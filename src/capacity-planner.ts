import { Token } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { DynamoDbKitError } from './private/errors';
import { HOURS_PER_MONTH, KMS_BILLED_ROTATIONS, SECONDS_PER_MONTH, US_EAST_1 } from './private/prices';
import { validateShape, workloadSpec } from './private/validation';

// "Capacity unit consumption for read operations" / "... for write operations", DynamoDB developer
// guide (read-write-operations.html, read 2026-12-01): a read unit covers 4 KB, a write unit 1 KB,
// and sizes round up to the next multiple per item.
const READ_UNIT_BYTES = 4096;
const WRITE_UNIT_BYTES = 1024;
// "The maximum item size in DynamoDB is 400 KB", attribute names included (DynamoDB developer guide,
// "Quotas": items).
const MAX_ITEM_BYTES = 400 * 1024;
// The target aws-cdk-lib's Capacity.autoscaled uses unless told otherwise, and the one the DynamoDB
// console proposes: 30 % headroom above the load absorbs a ramp while autoscaling catches up.
const TARGET_UTILIZATION_PERCENT = 70;
const DEFAULT_PEAK_FACTOR = 2;
// The stack's default backup plan (TableBackup): daily, each recovery point kept 35 days.
const DEFAULT_BACKUP_COPIES = 35;

/**
 * How the workload reads an item.
 */
export enum ReadConsistency {
  /** Eventually consistent: half a read unit per 4 KB. DynamoDB's default for GetItem. */
  EVENTUAL = 'EVENTUAL',
  /** Strongly consistent: one read unit per 4 KB. */
  STRONG = 'STRONG',
  /** In a transaction (TransactGetItems): two read units per 4 KB. */
  TRANSACTIONAL = 'TRANSACTIONAL',
}

/**
 * Unit prices for the estimates, in USD. Each defaults to the us-east-1 list price for the DynamoDB
 * Standard table class (and for KMS and CloudWatch), read on 2026-12-01; give your region's prices,
 * or your discounted ones, to get your numbers.
 */
export interface UnitPrices {
  /**
   * On demand: per million write request units.
   *
   * @default 0.625
   */
  readonly writeRequestUnitsPerMillion?: number;

  /**
   * On demand: per million read request units.
   *
   * @default 0.125
   */
  readonly readRequestUnitsPerMillion?: number;

  /**
   * On demand: per million replicated write request units, which every write costs in each replica.
   *
   * @default 0.625 - the same as a write request unit since DynamoDB's November 2024 price change
   */
  readonly replicatedWriteRequestUnitsPerMillion?: number;

  /**
   * Provisioned: per write capacity unit-hour.
   *
   * @default 0.00065
   */
  readonly writeCapacityUnitHour?: number;

  /**
   * Provisioned: per read capacity unit-hour.
   *
   * @default 0.00013
   */
  readonly readCapacityUnitHour?: number;

  /**
   * Provisioned: per replicated write capacity unit-hour.
   *
   * @default 0.00065 - the same as a write capacity unit since DynamoDB's November 2024 price change
   */
  readonly replicatedWriteCapacityUnitHour?: number;

  /**
   * Table storage, per GB-month.
   *
   * @default 0.25 - the Standard table class; the first 25 GB of the account are free, but other tables use them first
   */
  readonly storageGbMonth?: number;

  /**
   * Point-in-time recovery, per GB-month of table size.
   *
   * @default 0.20
   */
  readonly pitrGbMonth?: number;

  /**
   * Backup storage (warm), per GB-month.
   *
   * @default 0.10 - DynamoDB's own backups and AWS Backup's for DynamoDB cost the same
   */
  readonly backupGbMonth?: number;

  /**
   * A KMS customer managed key, per month; each of its first two rotations adds as much again.
   *
   * @default 1.0
   */
  readonly kmsKeyMonth?: number;

  /**
   * A standard-resolution CloudWatch alarm metric, per month.
   *
   * @default 0.10
   */
  readonly alarmMetricMonth?: number;
}

/**
 * A table's expected traffic and size, for `CapacityPlanner.forWorkload`.
 *
 * The planner models single-item reads and writes (GetItem, PutItem, UpdateItem, DeleteItem, and
 * the items of BatchGetItem, BatchWriteItem and transactions, which DynamoDB sizes one by one). A
 * Query or Scan adds up the sizes of the items it reads and rounds once, so it costs less per item
 * than the planner says: count a Query that returns n items of s bytes as one read of n × s bytes.
 */
export interface Workload {
  /** Reads a second, on average. */
  readonly readsPerSecond: number;

  /** Writes a second, on average. */
  readonly writesPerSecond: number;

  /** The size of an item in bytes, attribute names included: 1 to 409,600 (400 KB). */
  readonly itemSizeBytes: number;

  /**
   * How items are read.
   *
   * @default ReadConsistency.EVENTUAL - DynamoDB's default for reads
   */
  readonly readConsistency?: ReadConsistency;

  /**
   * Whether the writes are transactional (TransactWriteItems), which costs two write units per KB.
   *
   * @default false
   */
  readonly transactionalWrites?: boolean;

  /**
   * How many global secondary indexes each write updates. Each writes the item again, at its size
   * (the planner assumes the index projects the whole item).
   *
   * @default 0
   */
  readonly globalSecondaryIndexes?: number;

  /**
   * How many replica regions the table has besides its own. Each writes every item again and keeps
   * a full copy, with its own key and PITR.
   *
   * @default 0
   */
  readonly replicaRegions?: number;

  /**
   * The busiest traffic over the average, at least 1. It sets the autoscaling maximum, and the
   * provisioned estimate assumes capacity stays at the peak's level.
   *
   * @default 2 - traffic that doubles at its daily peak
   */
  readonly peakFactor?: number;

  /**
   * The table's size in GiB (its data and local secondary indexes), for storage, PITR and backups.
   *
   * @default 0 - storage, PITR and backups are left out of the estimate
   */
  readonly tableSizeGiB?: number;

  /**
   * How many backups exist at once; each AWS Backup backup of a DynamoDB table is a full copy.
   *
   * @default 35 - the stack's default backup plan: daily, each kept 35 days
   */
  readonly backupCopies?: number;

  /**
   * How many CloudWatch alarm metrics the table's alarms read.
   *
   * @default 0 - a ProductionTable given a workload counts its own alarms
   */
  readonly alarmMetrics?: number;

  /**
   * The unit prices of the estimate.
   *
   * @default - us-east-1 list prices read on 2026-12-01
   */
  readonly unitPrices?: UnitPrices;
}

/**
 * The capacity, billing and monthly cost `CapacityPlanner.forWorkload` works out for a workload.
 * Costs are USD a month (730 hours, as AWS pricing examples count one).
 */
export interface CapacityPlan {
  /** Read units a request: per item, by size and consistency (0.5 for an eventually consistent read of up to 4 KB). */
  readonly readUnitsPerRead: number;
  /** Write units a write, on the table: per item, by size, doubled for a transaction. */
  readonly writeUnitsPerWrite: number;
  /** Read capacity units the table needs on average. */
  readonly readCapacityUnits: number;
  /** Write capacity units the table needs on average, in each region. */
  readonly writeCapacityUnits: number;
  /** Write capacity units each global secondary index needs on average, in each region. */
  readonly indexWriteCapacityUnits: number;
  /** Throughput on demand: request units at the average rate. */
  readonly onDemandMonthlyCost: number;
  /**
   * Throughput provisioned: capacity held all month at the autoscaling maximum (the peak's need at
   * the target utilization), for the table, its indexes and its replicas. An upper bound: between
   * peaks autoscaling lowers capacity, but DynamoDB allows only a few decreases a day.
   */
  readonly provisionedMonthlyCost: number;
  /**
   * What the library adds whatever the billing: storage, PITR and backups of `tableSizeGiB`, a key
   * in each region at its steady-state price (with two billed rotations), and the alarm metrics.
   */
  readonly envelopeMonthlyCost: number;
  /** PROVISIONED when its upper-bound cost is below on demand's, else PAY_PER_REQUEST. */
  readonly recommendedBillingMode: dynamodb.BillingMode;
  /** The billing of the recommended mode: on demand, or autoscaled reads and writes. */
  readonly billing: dynamodb.Billing;
  /** Autoscaling bounds for provisioned reads: minimum the average need, maximum the peak's need at the target. */
  readonly readCapacity: AutoscalingBounds;
  /** Autoscaling bounds for provisioned writes, on the table in each region. */
  readonly writeCapacity: AutoscalingBounds;
}

/**
 * Autoscaling bounds for one capacity, within what `Capacity.autoscaled` accepts.
 */
export interface AutoscalingBounds {
  /** At least 1. */
  readonly minCapacity: number;
  /** At least `minCapacity`. */
  readonly maxCapacity: number;
  /** 70: see `CapacityPlanner`. */
  readonly targetUtilizationPercent: number;
}

/**
 * Works out the capacity units, the billing mode and the monthly cost of a workload.
 *
 * - Units, per item (DynamoDB developer guide, "DynamoDB read and write operations"): a read unit
 *   covers 4 KB read strongly consistent, half a unit eventually consistent, two in a transaction;
 *   a write unit covers 1 KB, two in a transaction. Sizes round up per item. Each GSI a write updates
 *   writes the item again, and each replica region writes every item again.
 * - Provisioned bounds: minimum the average need, maximum the peak's need (`peakFactor` × average) at
 *   70 % target utilization, so that target tracking still has its headroom at the peak.
 * - Recommendation: provisioned when it costs less than on demand even with capacity held at that
 *   maximum all month, else on demand. Steady traffic (a low peak factor) favours provisioned.
 *
 * Only single-item reads are modeled; see `Workload`.
 *
 * @example
 * import { CapacityPlanner, ReadConsistency } from 'cdk-dynamodb-kit';
 *
 * const plan = CapacityPlanner.forWorkload({
 *   readsPerSecond: 80,
 *   writesPerSecond: 10,
 *   itemSizeBytes: 6 * 1024,
 *   readConsistency: ReadConsistency.EVENTUAL,
 * });
 * new ProductionTable(this, 'Orders', {
 *   partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
 *   billing: plan.billing,
 * });
 */
export class CapacityPlanner {
  /**
   * The plan for a workload. Refuses items over 400 KB, and negative, NaN or infinite numbers.
   */
  public static forWorkload(workload: Workload): CapacityPlan {
    validateWorkload(workload);
    const prices = unitPrices(workload.unitPrices);
    const consistency = workload.readConsistency ?? ReadConsistency.EVENTUAL;
    const gsis = workload.globalSecondaryIndexes ?? 0;
    const replicas = workload.replicaRegions ?? 0;
    const peak = workload.peakFactor ?? DEFAULT_PEAK_FACTOR;

    const readUnitsPerRead = Math.ceil(workload.itemSizeBytes / READ_UNIT_BYTES) * READ_COST[consistency];
    const writeUnitsPerItem = Math.ceil(workload.itemSizeBytes / WRITE_UNIT_BYTES);
    // A transaction doubles the units of the item it writes; the planner charges the GSI copies as
    // ordinary writes, since the docs price the transaction, not the index update.
    const writeUnitsPerWrite = writeUnitsPerItem * (workload.transactionalWrites ? 2 : 1);

    const readUnits = workload.readsPerSecond * readUnitsPerRead;
    const tableWriteUnits = workload.writesPerSecond * writeUnitsPerWrite;
    const indexWriteUnits = workload.writesPerSecond * writeUnitsPerItem;
    const regions = 1 + replicas;

    // On demand: request units at the average rate. A global table's writes are replicated writes.
    const tableWritePrice = replicas > 0 ? prices.replicatedWriteRequestUnitsPerMillion : prices.writeRequestUnitsPerMillion;
    const onDemandMonthlyCost = SECONDS_PER_MONTH / 1e6 * (
      readUnits * prices.readRequestUnitsPerMillion
      + regions * tableWriteUnits * tableWritePrice
      + regions * gsis * indexWriteUnits * prices.writeRequestUnitsPerMillion);

    const readCapacity = bounds(readUnits, peak);
    const writeCapacity = bounds(tableWriteUnits, peak);
    const indexCapacity = bounds(indexWriteUnits, peak);
    const tableWcuPrice = replicas > 0 ? prices.replicatedWriteCapacityUnitHour : prices.writeCapacityUnitHour;
    const provisionedMonthlyCost = HOURS_PER_MONTH * (
      readCapacity.maxCapacity * prices.readCapacityUnitHour
      + regions * writeCapacity.maxCapacity * tableWcuPrice
      + regions * gsis * indexCapacity.maxCapacity * prices.writeCapacityUnitHour);

    const size = workload.tableSizeGiB ?? 0;
    const envelopeMonthlyCost = regions * size * (prices.storageGbMonth + prices.pitrGbMonth)
      + (workload.backupCopies ?? DEFAULT_BACKUP_COPIES) * size * prices.backupGbMonth
      + regions * prices.kmsKeyMonth * (1 + KMS_BILLED_ROTATIONS)
      + (workload.alarmMetrics ?? 0) * prices.alarmMetricMonth;

    const recommendedBillingMode = provisionedMonthlyCost < onDemandMonthlyCost
      ? dynamodb.BillingMode.PROVISIONED
      : dynamodb.BillingMode.PAY_PER_REQUEST;
    return {
      readUnitsPerRead,
      writeUnitsPerWrite,
      readCapacityUnits: Math.ceil(readUnits),
      writeCapacityUnits: Math.ceil(tableWriteUnits),
      indexWriteCapacityUnits: Math.ceil(indexWriteUnits),
      onDemandMonthlyCost,
      provisionedMonthlyCost,
      envelopeMonthlyCost,
      recommendedBillingMode,
      billing: recommendedBillingMode === dynamodb.BillingMode.PROVISIONED
        ? dynamodb.Billing.provisioned({
          readCapacity: dynamodb.Capacity.autoscaled({ ...readCapacity }),
          writeCapacity: dynamodb.Capacity.autoscaled({ ...writeCapacity }),
        })
        : dynamodb.Billing.onDemand(),
      readCapacity,
      writeCapacity,
    };
  }

  private constructor() {}
}

const READ_COST: Record<ReadConsistency, number> = {
  [ReadConsistency.EVENTUAL]: 0.5,
  [ReadConsistency.STRONG]: 1,
  [ReadConsistency.TRANSACTIONAL]: 2,
};

/** Capacity.autoscaled needs a minimum of at least 1 and a maximum at least the minimum. */
function bounds(averageUnits: number, peakFactor: number): AutoscalingBounds {
  const minCapacity = Math.max(1, Math.ceil(averageUnits));
  const maxCapacity = Math.max(minCapacity, Math.ceil(averageUnits * peakFactor * 100 / TARGET_UTILIZATION_PERCENT));
  return { minCapacity, maxCapacity, targetUtilizationPercent: TARGET_UTILIZATION_PERCENT };
}

function unitPrices(given: UnitPrices = {}): Required<UnitPrices> {
  return {
    writeRequestUnitsPerMillion: given.writeRequestUnitsPerMillion ?? US_EAST_1.writeRequestUnitsPerMillion.usd,
    readRequestUnitsPerMillion: given.readRequestUnitsPerMillion ?? US_EAST_1.readRequestUnitsPerMillion.usd,
    replicatedWriteRequestUnitsPerMillion: given.replicatedWriteRequestUnitsPerMillion ?? US_EAST_1.replicatedWriteRequestUnitsPerMillion.usd,
    writeCapacityUnitHour: given.writeCapacityUnitHour ?? US_EAST_1.writeCapacityUnitHour.usd,
    readCapacityUnitHour: given.readCapacityUnitHour ?? US_EAST_1.readCapacityUnitHour.usd,
    replicatedWriteCapacityUnitHour: given.replicatedWriteCapacityUnitHour ?? US_EAST_1.replicatedWriteCapacityUnitHour.usd,
    storageGbMonth: given.storageGbMonth ?? US_EAST_1.storageGbMonth.usd,
    pitrGbMonth: given.pitrGbMonth ?? US_EAST_1.pitrGbMonth.usd,
    backupGbMonth: given.backupGbMonth ?? US_EAST_1.onDemandBackupGbMonth.usd,
    kmsKeyMonth: given.kmsKeyMonth ?? US_EAST_1.kmsKeyMonth.usd,
    alarmMetricMonth: given.alarmMetricMonth ?? US_EAST_1.alarmMetricMonth.usd,
  };
}

function validateWorkload(workload: Workload): void {
  validateShape('workload', workload, workloadSpec());
  if (!Object.values(ReadConsistency).includes(workload.readConsistency ?? ReadConsistency.EVENTUAL)) {
    throw new DynamoDbKitError(
      `workload.readConsistency must be one of ${Object.values(ReadConsistency).join(', ')}, got ${workload.readConsistency}`);
  }
  finiteInRange('workload.itemSizeBytes', workload.itemSizeBytes, 1, MAX_ITEM_BYTES);
  finiteInRange('workload.readsPerSecond', workload.readsPerSecond, 0);
  finiteInRange('workload.writesPerSecond', workload.writesPerSecond, 0);
  finiteInRange('workload.peakFactor', workload.peakFactor, 1);
  finiteInRange('workload.tableSizeGiB', workload.tableSizeGiB, 0);
  finiteInRange('workload.backupCopies', workload.backupCopies, 0);
  finiteInRange('workload.alarmMetrics', workload.alarmMetrics, 0);
  wholeNumber('workload.globalSecondaryIndexes', workload.globalSecondaryIndexes, 0, 20);
  wholeNumber('workload.replicaRegions', workload.replicaRegions, 0, Number.MAX_SAFE_INTEGER);
  for (const [name, value] of Object.entries(workload.unitPrices ?? {})) {
    finiteInRange(`workload.unitPrices.${name}`, value, 0);
  }
}

/** A finite number in [min, max]; absent values pass. Tokens are refused: a plan needs numbers. */
function finiteInRange(property: string, value: number | undefined, min: number, max?: number): void {
  if (value === undefined) {
    return;
  }
  refuseToken(property, value);
  const finite = typeof value === 'number' && Number.isFinite(value);
  if (!finite || value < min || (max !== undefined && value > max)) {
    const allowed = max === undefined ? `a finite number of at least ${min}` : `between ${min} and ${max}`;
    throw new DynamoDbKitError(`${property} must be ${allowed}, got ${value}`);
  }
}

/** GSIs: 0-20, DynamoDB's default quota, which aws-cdk-lib enforces on the table. */
function wholeNumber(property: string, value: number | undefined, min: number, max: number): void {
  refuseToken(property, value);
  if (value !== undefined && (!Number.isInteger(value) || value < min || value > max)) {
    throw new DynamoDbKitError(`${property} must be a whole number between ${min} and ${max}, got ${value}`);
  }
}

/** A plan is arithmetic on the workload's numbers at synth, which a token does not have yet. */
function refuseToken(property: string, value: number | undefined): void {
  if (value !== undefined && Token.isUnresolved(value)) {
    throw new DynamoDbKitError(`${property} must be a number known at synth, got a token: the plan computes capacity and cost from it`);
  }
}
