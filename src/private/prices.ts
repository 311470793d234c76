/**
 * The one place the library keeps AWS list prices: us-east-1, USD, read on 2026-12-01.
 *
 * Every estimate the library makes (the capacity planner, the fixed monthly cost of a template,
 * the README's cost figures) takes its numbers from here, so a price change is one edit.
 *
 * How they were read: the AWS pricing pages render their price tables in the browser, and the stored
 * copies consulted on 2026-12-01 carried the pages' text (units, rules, free tiers) but not every
 * table cell. Where a cell was missing, the value was taken from the AWS Price List for us-east-1 as
 * quoted (with its SKU fields) in public cost tooling, and it agreed with every other copy seen.
 * Each entry says which. Re-read the page before relying on a figure for a budget.
 */

/** A list price: what one unit costs, what the unit is, and where and when it was read. */
export interface ListPrice {
  /** US dollars per unit. */
  readonly usd: number;
  /** The billing unit, as the pricing page names it. */
  readonly per: string;
  /** The AWS page the price comes from. */
  readonly source: string;
  /** When it was read, and how, if not from the page's own table. */
  readonly read: string;
}

/** Every price the library uses. */
export interface PriceList {
  readonly writeRequestUnitsPerMillion: ListPrice;
  readonly readRequestUnitsPerMillion: ListPrice;
  readonly writeCapacityUnitHour: ListPrice;
  readonly readCapacityUnitHour: ListPrice;
  readonly replicatedWriteRequestUnitsPerMillion: ListPrice;
  readonly replicatedWriteCapacityUnitHour: ListPrice;
  readonly storageGbMonth: ListPrice;
  readonly pitrGbMonth: ListPrice;
  readonly onDemandBackupGbMonth: ListPrice;
  readonly onDemandBackupColdGbMonth: ListPrice;
  readonly awsBackupWarmGbMonth: ListPrice;
  readonly awsBackupColdGbMonth: ListPrice;
  readonly kmsKeyMonth: ListPrice;
  readonly kmsRotationMonth: ListPrice;
  readonly alarmMetricMonth: ListPrice;
  readonly highResolutionAlarmMetricMonth: ListPrice;
  readonly contributorInsightsRuleMonth: ListPrice;
  readonly contributorInsightsEventsPerMillion: ListPrice;
  readonly dashboardMonth: ListPrice;
}

/** The date every price below was read. */
export const PRICES_READ_ON = '2026-12-01';

const DYNAMODB_ON_DEMAND = 'https://aws.amazon.com/dynamodb/pricing/on-demand/';
const DYNAMODB_PROVISIONED = 'https://aws.amazon.com/dynamodb/pricing/provisioned/';
const KMS = 'https://aws.amazon.com/kms/pricing/';
const KMS_ROTATION = 'https://docs.aws.amazon.com/kms/latest/developerguide/rotate-keys.html';
const CLOUDWATCH = 'https://aws.amazon.com/cloudwatch/pricing/';
const AWS_BACKUP = 'https://aws.amazon.com/backup/pricing/';

const PRICE_LIST = `${PRICES_READ_ON}; table cell not in the stored page copy: AWS Price List value (us-east-1, Standard table class) as quoted in public cost tooling`;
const PAGE = `${PRICES_READ_ON}, stored copy of the page`;
const QUOTED = `${PRICES_READ_ON}; the page's own worked example, as quoted in public notes (the stored copy lacks the tab)`;
const UNCONFIRMED = `${PRICES_READ_ON}; not found in the stored page copy: figure from secondary sources, confirm on the page`;

/**
 * A month, as AWS pricing examples count it: 730 hours (365 × 24 / 12). Hourly prices (provisioned
 * capacity) and per-second rates become monthly figures with it.
 */
export const HOURS_PER_MONTH = 730;
/** Seconds in that month, for per-request prices against a steady request rate. */
export const SECONDS_PER_MONTH = HOURS_PER_MONTH * 3600;

/**
 * KMS bills the key material kept for the first and second rotation and nothing for later ones:
 * "This price increase is capped at the second rotation" (AWS KMS developer guide, "Rotate AWS KMS
 * keys", Key rotation and pricing, read 2026-12-01). So a rotating key costs $1 a month in its first
 * year, $2 in its second and at most $3 from the second rotation on.
 */
export const KMS_BILLED_ROTATIONS = 2;

/** us-east-1 list prices (USD), DynamoDB Standard table class. */
export const US_EAST_1: PriceList = {
  // Since November 2024 a replicated write costs what a single-region write costs; before, on-demand
  // replicated writes were priced at three times a write request unit.
  writeRequestUnitsPerMillion: { usd: 0.625, per: 'million write request units', source: DYNAMODB_ON_DEMAND, read: PRICE_LIST },
  readRequestUnitsPerMillion: { usd: 0.125, per: 'million read request units', source: DYNAMODB_ON_DEMAND, read: PRICE_LIST },
  writeCapacityUnitHour: { usd: 0.00065, per: 'WCU-hour', source: DYNAMODB_PROVISIONED, read: PRICE_LIST },
  readCapacityUnitHour: { usd: 0.00013, per: 'RCU-hour', source: DYNAMODB_PROVISIONED, read: PRICE_LIST },
  replicatedWriteRequestUnitsPerMillion: { usd: 0.625, per: 'million replicated write request units', source: DYNAMODB_ON_DEMAND, read: UNCONFIRMED },
  replicatedWriteCapacityUnitHour: { usd: 0.00065, per: 'replicated WCU-hour', source: DYNAMODB_PROVISIONED, read: UNCONFIRMED },
  // The first 25 GB-month of Standard storage is free per account and region; estimates ignore it,
  // because other tables in the account use it first.
  storageGbMonth: { usd: 0.25, per: 'GB-month', source: DYNAMODB_ON_DEMAND, read: PRICE_LIST },
  // PITR is billed on the table's size (data and LSIs), whatever the recovery window.
  pitrGbMonth: { usd: 0.20, per: 'GB-month of table size with PITR on', source: DYNAMODB_ON_DEMAND, read: UNCONFIRMED },
  // Native DynamoDB backups: what AWS Backup makes without its advanced DynamoDB features. Each is a full copy.
  onDemandBackupGbMonth: { usd: 0.10, per: 'GB-month of backup storage (warm)', source: DYNAMODB_ON_DEMAND, read: UNCONFIRMED },
  onDemandBackupColdGbMonth: { usd: 0.03, per: 'GB-month of backup storage (cold)', source: DYNAMODB_ON_DEMAND, read: UNCONFIRMED },
  // With AWS Backup's advanced DynamoDB features (needed for cold storage and copies).
  awsBackupWarmGbMonth: { usd: 0.10, per: 'GB-month of DynamoDB backup storage (warm)', source: AWS_BACKUP, read: UNCONFIRMED },
  awsBackupColdGbMonth: { usd: 0.03, per: 'GB-month of DynamoDB backup storage (cold)', source: AWS_BACKUP, read: UNCONFIRMED },
  kmsKeyMonth: { usd: 1.0, per: 'customer managed key-month', source: KMS, read: PAGE },
  kmsRotationMonth: { usd: 1.0, per: 'billed rotation-month (first and second rotation only)', source: KMS_ROTATION, read: PAGE },
  // Billed per metric the alarm evaluates, so a metric-math alarm costs one alarm metric for each
  // metric it reads; expressions themselves are not metrics.
  alarmMetricMonth: { usd: 0.10, per: 'standard-resolution alarm metric-month', source: CLOUDWATCH, read: QUOTED },
  highResolutionAlarmMetricMonth: { usd: 0.30, per: 'high-resolution alarm metric-month', source: CLOUDWATCH, read: UNCONFIRMED },
  contributorInsightsRuleMonth: { usd: 0.50, per: 'Contributor Insights rule-month', source: CLOUDWATCH, read: UNCONFIRMED },
  contributorInsightsEventsPerMillion: { usd: 0.03, per: 'million DynamoDB events', source: CLOUDWATCH, read: UNCONFIRMED },
  // Billed per dashboard, viewed or not, so StackDashboard is opt-in and a second dashboard costs
  // again. The free tier (a few dashboards of up to 50 metrics per account) is not counted: other
  // dashboards of the account use it first. The stored copy of the page lacks the cell; public
  // pricing write-ups and cost tooling (infracost prices the usage type DashboardsUsageHour) agree on $3.
  dashboardMonth: { usd: 3.0, per: 'dashboard-month', source: CLOUDWATCH, read: UNCONFIRMED },
  // Not priced: Lambda's per-mapping event source mapping metrics (metricsConfig EventCount). The
  // Lambda developer guide ("Event source mapping metrics") and the stored CloudWatch pricing page
  // state no charge for them; the library does not turn them on, so no estimate depends on it.
};
