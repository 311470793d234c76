import { refersTo, TableModel } from '../table-model';
import { TableRule } from '../table-rule';

const SCALABLE_TARGET_TYPE = 'AWS::ApplicationAutoScaling::ScalableTarget';

/**
 * A table that bills per provisioned capacity scales its reads and writes, on the table and on
 * every global secondary index. Without it, a traffic peak throttles at a fixed ceiling.
 */
export const ProvisionedCapacityAutoscaled: TableRule = {
  name: 'ProvisionedCapacityAutoscaled',
  description: 'The provisioned DynamoDB table does not autoscale the read and write capacity of the table and of every global secondary index, so a traffic peak throttles at a fixed ceiling.',
  fix: 'Use Billing.onDemand(), or Billing.provisioned() with Capacity.autoscaled() for reads and writes (TableV2); for a Table, call autoScaleReadCapacity() and autoScaleWriteCapacity() on the table and every GSI.',
  check: table => {
    if (!table.isProvisioned()) {
      return [];
    }
    return table.isGlobal ? globalTableGaps(table) : regionalTableGaps(table);
  },
};

/** A global table carries its autoscaling settings inline: writes at the top, reads per replica. */
function globalTableGaps(table: TableModel): string[] {
  const gaps: string[] = [];
  if (!table.properties.WriteProvisionedThroughputSettings?.WriteCapacityAutoScalingSettings) {
    gaps.push('Properties/WriteProvisionedThroughputSettings');
  }
  const indexes: any[] = table.properties.GlobalSecondaryIndexes ?? [];
  indexes.forEach((index, i) => {
    if (!index?.WriteProvisionedThroughputSettings?.WriteCapacityAutoScalingSettings) {
      gaps.push(`Properties/GlobalSecondaryIndexes/${i}/WriteProvisionedThroughputSettings`);
    }
  });
  for (const replica of table.replicaSettings()) {
    if (!replica.properties.ReadProvisionedThroughputSettings?.ReadCapacityAutoScalingSettings) {
      gaps.push(`${replica.location}/ReadProvisionedThroughputSettings`);
    }
    const replicaIndexes: any[] = replica.properties.GlobalSecondaryIndexes ?? [];
    for (const indexName of table.globalSecondaryIndexNames()) {
      const position = replicaIndexes.findIndex(candidate => candidate?.IndexName === indexName);
      if (position === -1) {
        gaps.push(`${replica.location}/GlobalSecondaryIndexes`);
      } else if (!replicaIndexes[position].ReadProvisionedThroughputSettings?.ReadCapacityAutoScalingSettings) {
        gaps.push(`${replica.location}/GlobalSecondaryIndexes/${position}/ReadProvisionedThroughputSettings`);
      }
    }
  }
  return gaps;
}

/** A regional table scales through Application Auto Scaling targets that name it. */
function regionalTableGaps(table: TableModel): string[] {
  const targets = table.resourcesOfType(SCALABLE_TARGET_TYPE)
    .map(([, target]) => target.Properties ?? {})
    .filter(target => target.ServiceNamespace === 'dynamodb' && refersTo(target.ResourceId, table.logicalId));

  const scales = (dimension: string, indexName?: string) => targets.some(target =>
    target.ScalableDimension === dimension &&
    (indexName === undefined
      ? !JSON.stringify(target.ResourceId).includes('/index/')
      : JSON.stringify(target.ResourceId).includes(`/index/${indexName}"`)));

  const gaps: string[] = [];
  for (const unit of ['ReadCapacityUnits', 'WriteCapacityUnits']) {
    if (!scales(`dynamodb:table:${unit}`)) {
      gaps.push(`Properties/ProvisionedThroughput/${unit}`);
    }
    table.globalSecondaryIndexNames().forEach((indexName, position) => {
      if (!scales(`dynamodb:index:${unit}`, indexName)) {
        gaps.push(`Properties/GlobalSecondaryIndexes/${position}/ProvisionedThroughput/${unit}`);
      }
    });
  }
  return gaps;
}
