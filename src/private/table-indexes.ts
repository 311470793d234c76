import { Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';

/**
 * The L1 of a `Table` or `TableV2` made in this app, or undefined for an imported table, whose
 * indexes, keys and policies the app cannot see.
 */
export function tableResource(table: dynamodb.ITable): dynamodb.CfnTable | dynamodb.CfnGlobalTable | undefined {
  const cfn = table.node.defaultChild;
  return cfn instanceof dynamodb.CfnGlobalTable || cfn instanceof dynamodb.CfnTable ? cfn : undefined;
}

/**
 * The names of the table's secondary indexes (global and local), read from its L1 as rendered
 * now, or none for an imported table. Indexes can be added after a part is made, so parts call
 * this at synth.
 */
export function indexNames(table: dynamodb.ITable): string[] {
  const cfn = tableResource(table);
  if (!cfn) {
    return [];
  }
  const stack = Stack.of(cfn);
  const indexes: any[] = [
    ...(stack.resolve(cfn.globalSecondaryIndexes) ?? []),
    ...(stack.resolve(cfn.localSecondaryIndexes) ?? []),
  ];
  return indexes.map(index => index.indexName).filter((name): name is string => typeof name === 'string');
}
