import { Aspects, CfnDeletionPolicy, CfnResource, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct, IConstruct } from 'constructs';

/**
 * The shortest time KMS waits before it deletes a key: "a waiting period of 7-30 days"
 * (AWS KMS API reference, ScheduleKeyDeletion,
 * https://docs.aws.amazon.com/kms/latest/APIReference/API_ScheduleKeyDeletion.html). CloudFormation
 * schedules a deleted `AWS::KMS::Key` with its `PendingWindowInDays`.
 */
export const KEY_PENDING_WINDOW_DAYS = 7;

/**
 * Whether CloudFormation deletes the table with its stack: its resource's DeletionPolicy is Delete,
 * or absent (CloudFormation's default). An imported table has no resource here: it is not ours to delete.
 */
export function isDeletedWithStack(table: dynamodb.ITable | IConstruct): boolean {
  const resource = table instanceof CfnResource ? table : table.node.defaultChild;
  if (!(resource instanceof CfnResource)) {
    return false;
  }
  const policy = resource.cfnOptions.deletionPolicy;
  return policy === undefined || policy === CfnDeletionPolicy.DELETE;
}

/** Delete the key with its stack, after KMS's shortest waiting period. */
export function destroyKey(key: kms.IKey): void {
  if (!(key instanceof kms.Key)) {
    return;
  }
  key.applyRemovalPolicy(RemovalPolicy.DESTROY);
  (key.node.defaultChild as kms.CfnKey).pendingWindowInDays = KEY_PENDING_WINDOW_DAYS;
}

/**
 * A part shared by tables (the stack's alarm topic, the stack's failure-queue key) is deleted with
 * its stack when every table it serves is: `destroy` runs at synth, once the tables' removal
 * policies are final. With no table to serve, it stays retained.
 *
 * @param tables the tables the part serves, read at synth
 */
export function destroyWithTables(part: Construct, tables: () => IConstruct[], destroy: () => void): void {
  Aspects.of(part).add({
    visit: node => {
      if (node !== part) {
        return;
      }
      const served = tables();
      if (served.length > 0 && served.every(isDeletedWithStack)) {
        destroy();
      }
    },
  });
}

/**
 * The tables a stack serves: every DynamoDB table resource of the stack that holds `scope` (not of
 * the stacks nested in it), and the tables of other stacks whose parts live in it (a stream consumer
 * in the handler's stack).
 */
export function tablesOfStack(scope: IConstruct): IConstruct[] {
  const stack = Stack.of(scope);
  const own = stack.node.findAll()
    .filter(node => (node instanceof dynamodb.CfnGlobalTable || node instanceof dynamodb.CfnTable) && Stack.of(node) === stack);
  return [...own, ...(TABLES_OF_OTHER_STACKS.get(stack) ?? [])];
}

/** Tables of other stacks, by the stack that holds parts of theirs. */
const TABLES_OF_OTHER_STACKS = new WeakMap<Stack, IConstruct[]>();

/**
 * Records that `scope`'s stack holds a part of `table` (a stream consumer), so that the stack's
 * shared parts serve that table too: a service stack whose only table is a removable table of a data
 * stack is removable as well.
 */
export function servesTable(scope: IConstruct, table: dynamodb.ITable): void {
  const stack = Stack.of(scope);
  if (Stack.of(table) === stack) {
    return;
  }
  TABLES_OF_OTHER_STACKS.set(stack, [...(TABLES_OF_OTHER_STACKS.get(stack) ?? []), table]);
}
