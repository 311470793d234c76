import { Stack, Token } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';

/** The capacity settings one table or index deploys with, read from the table's L1. */
export interface CapacitySettings {
  /** Where the settings are, in the terms of the props: 'billing' or 'globalSecondaryIndexes[name]'. */
  readonly where: string;
  readonly indexName?: string;
  /** The rendered read settings: autoscaling, fixed units, or on-demand maximum. */
  readonly read?: any;
  /** The rendered write settings. */
  readonly write?: any;
}

/** What a TableV2 deploys with: its billing mode, and capacity settings for itself and each GSI. */
export interface TableCapacity {
  readonly billingMode: dynamodb.BillingMode;
  readonly table: CapacitySettings;
  readonly indexes: CapacitySettings[];
  /** Regions of the replicas other than the stack's own. */
  readonly replicaRegions: string[];
}

/**
 * `Billing` and `Capacity` keep their numbers internal, so the numbers are read from the table's
 * own L1, where TableV2 rendered them: writes at the top level, reads in the primary replica.
 */
export function tableCapacity(table: dynamodb.TableV2): TableCapacity {
  const stack = Stack.of(table);
  const cfn = table.node.defaultChild as dynamodb.CfnGlobalTable;
  const billingMode = stack.resolve(cfn.billingMode) === dynamodb.BillingMode.PROVISIONED
    ? dynamodb.BillingMode.PROVISIONED
    : dynamodb.BillingMode.PAY_PER_REQUEST;
  const replicas: any[] = stack.resolve(cfn.replicas) ?? [];
  const primary = replicas.find(replica => replica.region === stack.resolve(stack.region)) ?? replicas[replicas.length - 1];
  const gsis: any[] = stack.resolve(cfn.globalSecondaryIndexes) ?? [];

  return {
    billingMode,
    table: {
      where: 'billing',
      read: primary?.readProvisionedThroughputSettings ?? primary?.readOnDemandThroughputSettings,
      write: stack.resolve(cfn.writeProvisionedThroughputSettings) ?? stack.resolve(cfn.writeOnDemandThroughputSettings),
    },
    indexes: gsis.map(gsi => {
      const replicaIndex = (primary?.globalSecondaryIndexes ?? []).find((candidate: any) => candidate.indexName === gsi.indexName);
      return {
        where: `globalSecondaryIndexes[${gsi.indexName}]`,
        indexName: gsi.indexName,
        read: replicaIndex?.readProvisionedThroughputSettings ?? replicaIndex?.readOnDemandThroughputSettings,
        write: gsi.writeProvisionedThroughputSettings ?? gsi.writeOnDemandThroughputSettings,
      };
    }),
    replicaRegions: replicas.map(replica => replica.region).filter(region => region !== primary?.region && !Token.isUnresolved(region)),
  };
}

/** The most units the settings allow: the autoscaling maximum, the fixed capacity, or the on-demand maximum. */
export function ceilingOf(settings: any): number | undefined {
  const ceiling = settings?.readCapacityAutoScalingSettings?.maxCapacity
    ?? settings?.writeCapacityAutoScalingSettings?.maxCapacity
    ?? settings?.readCapacityUnits
    ?? settings?.maxReadRequestUnits
    ?? settings?.maxWriteRequestUnits;
  return typeof ceiling === 'number' ? ceiling : undefined;
}
