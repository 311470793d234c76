import { Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { ITable } from 'aws-cdk-lib/aws-dynamodb';

/** One secondary index as the table deploys it. */
export interface IndexKeySchema {
  readonly indexName: string;
  readonly kind: 'GLOBAL' | 'LOCAL';
  /**
   * The attribute names of its partition key, in order: one, or several for a multi-attribute
   * key (aws-cdk-lib's `partitionKeys`), which CloudFormation renders as several HASH elements.
   */
  readonly partitionKeys: string[];
}

/** The key schema a table of this app deploys with. */
export interface TableKeySchema {
  /** The table's partition key attribute name. */
  readonly partitionKey: string;
  /** The table's sort key attribute name, if any. */
  readonly sortKey?: string;
  readonly indexes: IndexKeySchema[];
}

/**
 * The key schema of a `Table` or `TableV2` made in this app, read from its L1 (where both render
 * their key schemas and indexes, including the indexes added after the table was made), or
 * undefined for an imported table, whose key schema the app cannot know.
 *
 * Read at synth (from an Aspect or a validation), not in a constructor: indexes may be added later.
 */
export function tableKeySchema(table: ITable): TableKeySchema | undefined {
  const cfn = table.node.defaultChild;
  if (!(cfn instanceof dynamodb.CfnGlobalTable) && !(cfn instanceof dynamodb.CfnTable)) {
    return undefined;
  }
  const stack = Stack.of(cfn);
  const keySchema: any[] = stack.resolve(cfn.keySchema) ?? [];
  const indexesOf = (indexes: unknown, kind: IndexKeySchema['kind']): IndexKeySchema[] =>
    ((stack.resolve(indexes) ?? []) as any[]).map(index => ({
      indexName: index.indexName,
      kind,
      partitionKeys: hashKeys(index.keySchema),
    }));
  return {
    partitionKey: hashKeys(keySchema)[0],
    sortKey: keySchema.find(element => element.keyType === 'RANGE')?.attributeName,
    indexes: [
      ...indexesOf(cfn.globalSecondaryIndexes, 'GLOBAL'),
      ...indexesOf(cfn.localSecondaryIndexes, 'LOCAL'),
    ],
  };
}

function hashKeys(keySchema: any[] | undefined): string[] {
  return (keySchema ?? []).filter(element => element.keyType === 'HASH').map(element => element.attributeName);
}
