import { CheckSettings } from '../check-settings';
import { isToken, referencedResource, TableModel } from '../table-model';
import { findings, RuleFindings, TableRule } from '../table-rule';

const SCALABLE_TARGET_TYPE = 'AWS::ApplicationAutoScaling::ScalableTarget';
const SCALING_POLICY_TYPE = 'AWS::ApplicationAutoScaling::ScalingPolicy';
// DynamoDB scales by target tracking or on a schedule; "Step scaling policies are not supported for
// DynamoDB": https://docs.aws.amazon.com/autoscaling/application/APIReference/API_PutScalingPolicy.html
const TARGET_TRACKING = 'TargetTrackingScaling';

/**
 * A table that bills per provisioned capacity scales its reads and writes, on the table and on
 * every global secondary index. Without it, a traffic peak throttles at a fixed ceiling.
 *
 * A scalable target alone scales nothing: it counts when a target-tracking policy points at it, or
 * when it has scheduled actions. With Security Hub DynamoDB.1's parameters, the target's minimum
 * capacity is at least `minProvisioned*Capacity` and its policy tracks `target*Utilization`.
 */
export const ProvisionedCapacityAutoscaled: TableRule = {
  name: 'ProvisionedCapacityAutoscaled',
  description: 'The provisioned DynamoDB table does not autoscale the read and write capacity of the table and of every global ' +
    'secondary index (a scalable target with a target-tracking policy or scheduled actions; with DynamoDbChecks\' DynamoDB.1 ' +
    'parameters, at least their minimum capacity and exactly their target utilization), so a traffic peak throttles at a fixed ceiling.',
  fix: 'Use Billing.onDemand(), or Billing.provisioned() with Capacity.autoscaled() for reads and writes (TableV2); for a Table, call ' +
    'autoScaleReadCapacity(...).scaleOnUtilization({ targetUtilizationPercent }) and autoScaleWriteCapacity(...).scaleOnUtilization(...) ' +
    'on the table, and autoScaleGlobalSecondaryIndexReadCapacity/WriteCapacity(...).scaleOnUtilization(...) on every GSI: a scalable ' +
    'target without a scaling policy does not scale.',
  check: (table, settings) => {
    if (!table.isProvisioned()) {
      return [];
    }
    return table.isGlobal ? globalTableGaps(table, settings) : regionalTableGaps(table, settings);
  },
};

type Unit = 'Read' | 'Write';

/** What a set of autoscaling settings lacks for the parameters: 'fail', 'undecided', or undefined when they meet them. */
function parameterGap(minCapacity: unknown, targetValue: unknown, unit: Unit, settings: CheckSettings): 'fail' | 'undecided' | undefined {
  const min = unit === 'Read' ? settings.minProvisionedReadCapacity : settings.minProvisionedWriteCapacity;
  const target = unit === 'Read' ? settings.targetReadUtilization : settings.targetWriteUtilization;
  let verdict: 'fail' | 'undecided' | undefined;
  if (min !== undefined) {
    if (isToken(minCapacity)) {
      verdict = 'undecided';
    } else if (!(Number(minCapacity) >= min)) {
      return 'fail';
    }
  }
  if (target !== undefined) {
    if (isToken(targetValue)) {
      verdict = 'undecided';
    } else if (Number(targetValue) !== target) {
      return 'fail';
    }
  }
  return verdict;
}

/** A global table carries its autoscaling settings inline: writes at the top, reads per replica. */
function globalTableGaps(table: TableModel, settings: CheckSettings): RuleFindings {
  const failing: string[] = [];
  const undecided: string[] = [];
  const judge = (autoscaling: any, unit: Unit, location: string) => {
    if (!autoscaling) {
      failing.push(location);
      return;
    }
    const gap = parameterGap(autoscaling.MinCapacity, autoscaling.TargetTrackingScalingPolicyConfiguration?.TargetValue, unit, settings);
    if (gap === 'fail') {
      failing.push(location);
    } else if (gap === 'undecided') {
      undecided.push(location);
    }
  };
  judge(table.properties.WriteProvisionedThroughputSettings?.WriteCapacityAutoScalingSettings, 'Write', 'Properties/WriteProvisionedThroughputSettings');
  const indexes: any[] = table.properties.GlobalSecondaryIndexes ?? [];
  indexes.forEach((index, i) => judge(index?.WriteProvisionedThroughputSettings?.WriteCapacityAutoScalingSettings, 'Write',
    `Properties/GlobalSecondaryIndexes/${i}/WriteProvisionedThroughputSettings`));
  for (const replica of table.replicaSettings()) {
    judge(replica.properties.ReadProvisionedThroughputSettings?.ReadCapacityAutoScalingSettings, 'Read', `${replica.location}/ReadProvisionedThroughputSettings`);
    const replicaIndexes: any[] = replica.properties.GlobalSecondaryIndexes ?? [];
    for (const indexName of table.globalSecondaryIndexNames()) {
      const position = replicaIndexes.findIndex(candidate => candidate?.IndexName === indexName);
      if (position === -1) {
        failing.push(`${replica.location}/GlobalSecondaryIndexes`);
      } else {
        judge(replicaIndexes[position].ReadProvisionedThroughputSettings?.ReadCapacityAutoScalingSettings, 'Read',
          `${replica.location}/GlobalSecondaryIndexes/${position}/ReadProvisionedThroughputSettings`);
      }
    }
  }
  return findings(failing, undecided);
}

/** What a scalable target's ResourceId names: `table/<table>` or `table/<table>/index/<index>`. */
interface ScaledResource {
  /** The table's logical ID, when the ResourceId refers to it by Ref or Fn::GetAtt. */
  readonly logicalId?: string;
  /** The table's name, when the ResourceId spells it out. */
  readonly tableName?: string;
  readonly indexName?: string;
}

const REF_MARK = '\u0000';

/**
 * Reads a ResourceId: a literal string, or an Fn::Join of literals and one Ref / Fn::GetAtt of the
 * table (as aws-cdk-lib writes it). Anything else names nothing we can match.
 */
function scaledResource(resourceId: unknown): ScaledResource | undefined {
  let text: string | undefined;
  let logicalId: string | undefined;
  if (typeof resourceId === 'string') {
    text = resourceId;
  } else {
    const join = (resourceId as any)?.['Fn::Join'];
    if (Array.isArray(join) && typeof join[0] === 'string' && Array.isArray(join[1])) {
      const parts: string[] = [];
      for (const part of join[1]) {
        const referenced = typeof part === 'string' ? undefined : referencedResource(part);
        if (typeof part === 'string') {
          parts.push(part);
        } else if (referenced !== undefined && logicalId === undefined) {
          logicalId = referenced;
          parts.push(REF_MARK);
        } else {
          return undefined;
        }
      }
      text = parts.join(join[0]);
    }
  }
  const match = text === undefined ? null : /^table\/([^/]+)(?:\/index\/([^/]+))?$/.exec(text);
  if (match === null) {
    return undefined;
  }
  return match[1] === REF_MARK
    ? { logicalId, indexName: match[2] }
    : { tableName: match[1], indexName: match[2] };
}

function namesTable(resource: ScaledResource, table: TableModel): boolean {
  if (resource.logicalId !== undefined) {
    return resource.logicalId === table.logicalId;
  }
  // A literal table/<name> is that table only when the template gives it that literal name.
  const tableName = table.properties.TableName;
  return typeof tableName === 'string' && resource.tableName === tableName;
}

interface Scaling {
  readonly minCapacity: unknown;
  /** The target-tracking policies' target values; empty when the target scales on a schedule only. */
  readonly targetValues: unknown[];
}

/** A regional table scales through Application Auto Scaling targets that name it and that something drives. */
function regionalTableGaps(table: TableModel, settings: CheckSettings): RuleFindings {
  const policies = table.resourcesOfType(SCALING_POLICY_TYPE)
    .map(([, policy]) => policy.Properties ?? {})
    .filter(policy => policy.PolicyType === TARGET_TRACKING);
  const scalings = (dimension: string, indexName?: string): Scaling[] => table.resourcesOfType(SCALABLE_TARGET_TYPE)
    .flatMap(([targetId, target]) => {
      const properties = target.Properties ?? {};
      const resource = scaledResource(properties.ResourceId);
      if (properties.ServiceNamespace !== 'dynamodb' || properties.ScalableDimension !== dimension ||
        resource === undefined || !namesTable(resource, table) || resource.indexName !== indexName) {
        return [];
      }
      const tracking = policies.filter(policy => referencedResource(policy.ScalingTargetId) === targetId || (
        policy.ScalingTargetId === undefined &&
        JSON.stringify(policy.ResourceId) === JSON.stringify(properties.ResourceId) &&
        policy.ScalableDimension === properties.ScalableDimension &&
        policy.ServiceNamespace === properties.ServiceNamespace));
      const scheduled = Array.isArray(properties.ScheduledActions) && properties.ScheduledActions.length > 0;
      if (tracking.length === 0 && !scheduled) {
        return [];
      }
      const targetValues = tracking.map(policy => policy.TargetTrackingScalingPolicyConfiguration?.TargetValue);
      return [{ minCapacity: properties.MinCapacity, targetValues }];
    });

  const failing: string[] = [];
  const undecided: string[] = [];
  const judge = (unit: Unit, dimension: string, location: string, indexName?: string) => {
    const candidates = scalings(dimension, indexName);
    const gaps = candidates.map(scaling => scaling.targetValues.length === 0
      ? parameterGap(scaling.minCapacity, undefined, unit, { ...settings, targetReadUtilization: undefined, targetWriteUtilization: undefined })
        ?? (targetRequired(unit, settings) ? 'fail' : undefined)
      : best(scaling.targetValues.map(value => parameterGap(scaling.minCapacity, value, unit, settings))));
    const verdict = candidates.length === 0 ? 'fail' : best(gaps);
    if (verdict === 'fail') {
      failing.push(location);
    } else if (verdict === 'undecided') {
      undecided.push(location);
    }
  };
  for (const unit of ['Read', 'Write'] as Unit[]) {
    judge(unit, `dynamodb:table:${unit}CapacityUnits`, `Properties/ProvisionedThroughput/${unit}CapacityUnits`);
    table.globalSecondaryIndexNames().forEach((indexName, position) => judge(unit, `dynamodb:index:${unit}CapacityUnits`,
      `Properties/GlobalSecondaryIndexes/${position}/ProvisionedThroughput/${unit}CapacityUnits`, indexName));
  }
  return findings(failing, undecided);
}

function targetRequired(unit: Unit, settings: CheckSettings): boolean {
  return (unit === 'Read' ? settings.targetReadUtilization : settings.targetWriteUtilization) !== undefined;
}

/** One passing candidate is enough; else one that cannot be decided; else it fails. */
function best(verdicts: Array<'fail' | 'undecided' | undefined>): 'fail' | 'undecided' | undefined {
  if (verdicts.some(verdict => verdict === undefined)) {
    return undefined;
  }
  return verdicts.includes('undecided') ? 'undecided' : 'fail';
}
