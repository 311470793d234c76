import { KMS_BILLED_ROTATIONS, PriceList, US_EAST_1 } from './prices';

/** One line of a fixed monthly cost: how many of a thing, at what price each. */
export interface CostLine {
  readonly what: string;
  readonly count: number;
  /** USD per unit per month. */
  readonly unitPrice: number;
  /** count × unitPrice, USD per month. */
  readonly monthly: number;
}

/** What a template costs a month before it serves a single request. */
export interface FixedCost {
  /** USD per month: the sum of the lines. */
  readonly total: number;
  readonly lines: CostLine[];
}

/**
 * Which year of a key's life to price. KMS bills the first and second rotation of a rotating key
 * and no later one, so a key costs $1 in its first year and $3 from its third year on.
 */
export type KeyAge = 'first-year' | 'steady-state';

export interface FixedCostOptions {
  /** @default 'steady-state' - what the key costs for the rest of its life, the figure to budget */
  readonly keyAge?: KeyAge;
  /** @default US_EAST_1 */
  readonly prices?: PriceList;
}

/**
 * The fixed monthly cost of a synthesized template (`Template.fromStack(stack).toJSON()`): what its
 * resources cost a month whatever the traffic. Usage (requests, storage, events, notifications) is
 * not in it.
 *
 * - KMS keys: the key-month, plus the billed rotations of keys with rotation on;
 * - CloudWatch alarms: one alarm metric for each metric an alarm reads (a metric-math alarm counts
 *   every `MetricStat` it uses, not its expressions); high resolution when the period is under 60 s;
 * - Contributor Insights rules of DynamoDB tables and GSIs, in each replica: the fixed rule cost only;
 * - CloudWatch dashboards.
 */
export function fixedMonthlyCost(template: any, options: FixedCostOptions = {}): FixedCost {
  const prices = options.prices ?? US_EAST_1;
  const resources: any[] = Object.values(template?.Resources ?? {});
  const ofType = (type: string) => resources.filter(resource => resource.Type === type);

  const keys = ofType('AWS::KMS::Key');
  const rotating = keys.filter(key => key.Properties?.EnableKeyRotation === true).length;
  const billedRotations = (options.keyAge ?? 'steady-state') === 'steady-state' ? KMS_BILLED_ROTATIONS : 0;

  let standardMetrics = 0;
  let highResolutionMetrics = 0;
  for (const alarm of ofType('AWS::CloudWatch::Alarm')) {
    const { metrics, highResolution } = alarmMetrics(alarm.Properties ?? {});
    if (highResolution) {
      highResolutionMetrics += metrics;
    } else {
      standardMetrics += metrics;
    }
  }

  const rules = ofType('AWS::DynamoDB::GlobalTable').reduce((sum, table) => sum + globalTableRules(table.Properties ?? {}), 0)
    + ofType('AWS::DynamoDB::Table').reduce((sum, table) => sum + tableRules(table.Properties ?? {}), 0);

  const lines = [
    line('KMS customer managed keys', keys.length, prices.kmsKeyMonth.usd),
    line(`KMS key rotations billed (${billedRotations} a rotating key, ${options.keyAge ?? 'steady-state'})`, rotating * billedRotations, prices.kmsRotationMonth.usd),
    line('CloudWatch standard-resolution alarm metrics', standardMetrics, prices.alarmMetricMonth.usd),
    line('CloudWatch high-resolution alarm metrics', highResolutionMetrics, prices.highResolutionAlarmMetricMonth.usd),
    line('Contributor Insights rules', rules, prices.contributorInsightsRuleMonth.usd),
    line('CloudWatch dashboards', ofType('AWS::CloudWatch::Dashboard').length, prices.dashboardMonth.usd),
  ].filter(entry => entry.count > 0);
  return { total: lines.reduce((sum, entry) => sum + entry.monthly, 0), lines };
}

function line(what: string, count: number, unitPrice: number): CostLine {
  return { what, count, unitPrice, monthly: count * unitPrice };
}

/** An alarm on one metric reads one; a metric-math alarm reads each of its `MetricStat` entries. */
function alarmMetrics(properties: any): { metrics: number; highResolution: boolean } {
  if (Array.isArray(properties.Metrics)) {
    const stats = properties.Metrics.filter((query: any) => query.MetricStat !== undefined);
    return {
      metrics: stats.length,
      highResolution: stats.some((query: any) => typeof query.MetricStat.Period === 'number' && query.MetricStat.Period < 60),
    };
  }
  return { metrics: 1, highResolution: typeof properties.Period === 'number' && properties.Period < 60 };
}

/**
 * The rules DynamoDB makes for a table or GSI with Contributor Insights on ("CloudWatch contributor
 * insights for DynamoDB: How it works", DynamoDB developer guide, read 2026-12-01): throttled keys
 * mode makes one rule for partition keys and one more for partition and sort keys when there is a
 * sort key; accessed and throttled keys mode (the default mode) makes twice as many.
 */
function insightRules(specification: any, keySchema: any[] | undefined): number {
  if (specification?.Enabled !== true) {
    return 0;
  }
  const perKind = (keySchema ?? []).some(key => key.KeyType === 'RANGE') ? 2 : 1;
  return specification.Mode === 'THROTTLED_KEYS' ? perKind : 2 * perKind;
}

/** Each replica of a global table is its own table for Contributor Insights, with its own rules. */
function globalTableRules(properties: any): number {
  const gsiKeys = new Map<string, any[]>((properties.GlobalSecondaryIndexes ?? []).map((gsi: any) => [gsi.IndexName, gsi.KeySchema]));
  return (properties.Replicas ?? []).reduce((sum: number, replica: any) =>
    sum + insightRules(replica.ContributorInsightsSpecification, properties.KeySchema)
    + (replica.GlobalSecondaryIndexes ?? []).reduce((indexes: number, gsi: any) =>
      indexes + insightRules(gsi.ContributorInsightsSpecification, gsiKeys.get(gsi.IndexName)), 0), 0);
}

function tableRules(properties: any): number {
  return insightRules(properties.ContributorInsightsSpecification, properties.KeySchema)
    + (properties.GlobalSecondaryIndexes ?? []).reduce((sum: number, gsi: any) =>
      sum + insightRules(gsi.ContributorInsightsSpecification, gsi.KeySchema), 0);
}
