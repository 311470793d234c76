/**
 * What the integration tests (test/integ.*.ts) share. They deploy to a real account, so unlike a
 * user's stack everything in them is deleted with the stack.
 */
import { ExpectedResult, IApiCall, IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, Duration, RemovalPolicies, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { pk, sk } from './fixtures';
import { ProductionTable, ProductionTableProps } from '../src';

/**
 * A stack whose resources are all destroyed with it: the library retains keys, queues and tables
 * on purpose, and a test account would collect them.
 */
function disposableStack(app: App, id: string): Stack {
  const stack = new Stack(app, id);
  RemovalPolicies.of(stack).destroy();
  return stack;
}

/**
 * A ProductionTable with every default except the ones that outlive a test, which the one dev
 * setting, removalPolicy DESTROY, turns off: deletion protection, retention, and the backup plan
 * (whose vault cannot be deleted while it holds recovery points). Its key waits 7 days.
 */
function disposableTable(scope: Construct, id: string, props: Partial<ProductionTableProps> = {}): ProductionTable {
  return new ProductionTable(scope, id, {
    partitionKey: pk,
    sortKey: sk,
    removalPolicy: RemovalPolicy.DESTROY,
    ...props,
  });
}

/** What every integration test has: its disposable stack, with a disposable table 'Orders' in it. */
export interface TableIntegTest {
  readonly integ: IntegTest;
  readonly stack: Stack;
  readonly table: ProductionTable;
}

/**
 * An integration test of the stack `stackId` and its table 'Orders'. `addToStack` adds what the
 * test needs besides, before the test case is declared.
 */
export function tableIntegTest(
  app: App, stackId: string, testName: string, addToStack?: (stack: Stack, table: ProductionTable) => void,
): TableIntegTest {
  const stack = disposableStack(app, stackId);
  const table = disposableTable(stack, 'Orders');
  addToStack?.(stack, table);
  const integ = new IntegTest(app, testName, {
    testCases: [stack],
    // The snapshot then keeps templates only, without the assertion provider's bundled code.
    stackUpdateWorkflow: false,
  });
  return { integ, stack, table };
}

/** What `writeThenRead` reads back, and how long it keeps trying. */
export interface ReadBack {
  readonly key: Record<string, any>;
  /** The getItem response, matched with `ExpectedResult.objectLike`. */
  readonly expected: Record<string, any>;
  readonly totalTimeout: Duration;
  readonly interval: Duration;
}

/**
 * Puts `item` into the table, then gets `read.key` with a consistent read until the response
 * matches, with the table's key allowed to both calls.
 */
export function writeThenRead(integ: IntegTest, table: ProductionTable, item: Record<string, any>, read: ReadBack): void {
  const put = integ.assertions.awsApiCall('DynamoDB', 'putItem', { TableName: table.tableName, Item: item });
  const get = integ.assertions.awsApiCall('DynamoDB', 'getItem', {
    TableName: table.tableName,
    Key: read.key,
    ConsistentRead: true,
  });
  get.expect(ExpectedResult.objectLike(read.expected));
  // Waiting makes a failed assertion fail the deployment itself, which `cdk deploy` reports too;
  // a plain expect() only writes its verdict to a stack output that integ-runner reads.
  get.waitForAssertions({ totalTimeout: read.totalTimeout, interval: read.interval });
  allowItemAccess(put, table);
  allowItemAccess(get, table);
  put.next(get);
}

/**
 * Lets the assertion provider's function read and write the table's items: DynamoDB uses the
 * table's customer-managed key on the caller's behalf, so the caller needs the key too.
 */
function allowItemAccess(call: IApiCall, table: ProductionTable): void {
  call.provider.addToRolePolicy({
    Effect: 'Allow',
    Action: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey*', 'kms:DescribeKey'],
    Resource: [table.encryptionKey!.keyArn],
  });
}

/** Runs an integration test's app when integ-runner (or `npx ts-node`) executes its file. */
export function runIfMain(module: NodeJS.Module, build: (app: App) => void): void {
  if (require.main === module) {
    const app = new App();
    build(app);
    app.synth();
  }
}
