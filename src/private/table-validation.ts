import { Token } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { DynamoDbKitError } from './errors';
import { RenderedTable } from './table-introspection';
import { validateAtLeast, validateDistinctKeys, validateKeyAttributeName, validateRange, validateResourceName } from './validation';

// aws-cdk-lib refuses more than 20 GSIs and 5 LSIs, and checks recovery periods, autoscaling
// targets and min <= max itself; its messages stand. What it lets through is checked here.

/** The table's own name, keys and PITR window; its indexes are checked as they are added. */
export function validateTableProps(props: dynamodb.TablePropsV2): void {
  validateResourceName('tableName', props.tableName);
  validateKeyAttributeName('partitionKey.name', props.partitionKey.name);
  if (props.sortKey) {
    validateKeyAttributeName('sortKey.name', props.sortKey.name);
    validateDistinctKeys('sortKey.name', [props.partitionKey.name], [props.sortKey.name]);
  }
  for (const lsi of props.localSecondaryIndexes ?? []) {
    validateLocalIndex(lsi, props.partitionKey.name);
  }
  validateRange('pointInTimeRecoverySpecification.recoveryPeriodInDays',
    props.pointInTimeRecoverySpecification?.recoveryPeriodInDays, 1, 35, 'days');
  validateOnDemandBilling(props.billing);
  (props.replicas ?? []).forEach(replica => validateReplica(replica));
}

/**
 * An on-demand maximum must be an integer of at least 1 (CloudFormation OnDemandThroughputSettings,
 * MaxReadRequestUnits / MaxWriteRequestUnits). aws-cdk-lib renders a maximum only when it is
 * truthy, so NaN and 0 are dropped (the table has no maximum), and Infinity renders as null.
 *
 * `Billing` keeps its maximums internal and the rendered table no longer holds NaN or 0, so they are
 * read before the table renders them, through `_renderReadCapacity()` / `_renderWriteCapacity()`,
 * which aws-cdk-lib marks @internal: a pure read of the factory's own props, and the only way to see
 * them. Provisioned capacity is checked on the rendered table instead (checkProvisionedCapacity).
 */
function validateOnDemandBilling(billing: dynamodb.Billing | undefined): void {
  if (billing?.mode !== dynamodb.BillingMode.PAY_PER_REQUEST) {
    return;
  }
  validateAtLeast('billing (Billing.onDemand) maxReadRequestUnits', billing._renderReadCapacity(), 1);
  validateAtLeast('billing (Billing.onDemand) maxWriteRequestUnits', billing._renderWriteCapacity(), 1);
}

/** A replica's on-demand read maximums, its own and its indexes'. */
export function validateReplica(replica: dynamodb.ReplicaTableProps): void {
  const where = `replicas[${replica.region}]`;
  validateAtLeast(`${where}.maxReadRequestUnits`, replica.maxReadRequestUnits, 1);
  for (const [indexName, options] of Object.entries(replica.globalSecondaryIndexOptions ?? {})) {
    validateAtLeast(`${where}.globalSecondaryIndexOptions[${indexName}].maxReadRequestUnits`, options?.maxReadRequestUnits, 1);
  }
}

/** A global secondary index: its name, and key names that are valid and distinct. */
export function validateGlobalIndex(index: dynamodb.GlobalSecondaryIndexPropsV2): void {
  const where = `globalSecondaryIndexes[${index.indexName}]`;
  validateResourceName(`${where}.indexName`, index.indexName);
  const partitionKeys = keyNames(index.partitionKey, index.partitionKeys);
  const sortKeys = keyNames(index.sortKey, index.sortKeys);
  partitionKeys.forEach(name => validateKeyAttributeName(`${where}.partitionKey.name`, name));
  sortKeys.forEach(name => validateKeyAttributeName(`${where}.sortKey.name`, name));
  validateDistinctKeys(`${where}.sortKey.name`, partitionKeys, sortKeys);
  validateAtLeast(`${where}.maxReadRequestUnits`, index.maxReadRequestUnits, 1);
  validateAtLeast(`${where}.maxWriteRequestUnits`, index.maxWriteRequestUnits, 1);
}

/**
 * A local secondary index: its name, and a sort key that is valid and differs from the table's
 * partition key (unknown while the table is being built; its props were checked before).
 */
export function validateLocalIndex(index: dynamodb.LocalSecondaryIndexProps, tablePartitionKey: string | undefined): void {
  const where = `localSecondaryIndexes[${index.indexName}]`;
  validateResourceName(`${where}.indexName`, index.indexName);
  validateKeyAttributeName(`${where}.sortKey.name`, index.sortKey.name);
  if (tablePartitionKey !== undefined) {
    validateDistinctKeys(`${where}.sortKey.name`, [tablePartitionKey], [index.sortKey.name]);
  }
}

/**
 * Checks the provisioned capacity the table will deploy with, and returns where reads have a
 * fixed capacity instead of autoscaling.
 */
export function checkProvisionedCapacity(table: dynamodb.TableV2): string[] {
  const rendered = RenderedTable.of(table)!;
  if (rendered.billingMode() !== dynamodb.BillingMode.PROVISIONED) {
    return [];
  }
  const capacity = rendered.capacity();
  const fixed: string[] = [];
  for (const settings of [capacity.table, ...capacity.indexes]) {
    for (const [direction, configured] of [['readCapacity', settings.read], ['writeCapacity', settings.write]]) {
      const where = `${settings.where}.${direction}`;
      const units = configured?.readCapacityUnits ?? configured?.writeCapacityUnits;
      if (units !== undefined) {
        // Capacity.fixed() takes any number, and CloudFormation's minimum is 1 (ReadCapacityUnits).
        validateAtLeast(`${where} (Capacity.fixed)`, units, 1);
        fixed.push(where);
      }
      const scaling = configured?.readCapacityAutoScalingSettings ?? configured?.writeCapacityAutoScalingSettings;
      if (scaling && !Token.isUnresolved(scaling.minCapacity) && scaling.minCapacity < 1) {
        throw new DynamoDbKitError(`${where} minCapacity must be at least 1, got ${scaling.minCapacity}`);
      }
      // Capacity.autoscaled() compares min <= max, which NaN passes; fractions fail at deploy.
      validateAtLeast(`${where} minCapacity`, scaling?.minCapacity, 1);
      validateAtLeast(`${where} maxCapacity`, scaling?.maxCapacity, 1);
    }
  }
  return fixed;
}

function keyNames(single: dynamodb.Attribute | undefined, many: dynamodb.Attribute[] | undefined): string[] {
  return [...(single ? [single] : []), ...(many ?? [])].map(attribute => attribute.name);
}
