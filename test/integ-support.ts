/**
 * What the integration tests (test/integ.*.ts) share. They deploy to a real account, so unlike a
 * user's stack everything in them is deleted with the stack.
 */
import { IApiCall } from '@aws-cdk/integ-tests-alpha';
import { App, RemovalPolicies, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { ProductionTable, ProductionTableProps } from '../src';

const KEYS: Pick<ProductionTableProps, 'partitionKey' | 'sortKey'> = {
  partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
  sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
};

/**
 * A stack whose resources are all destroyed with it: the library retains keys, queues and tables
 * on purpose, and a test account would collect them.
 */
export function disposableStack(app: App, id: string): Stack {
  const stack = new Stack(app, id);
  RemovalPolicies.of(stack).destroy();
  return stack;
}

/**
 * A ProductionTable with every default except the ones that outlive a test, which the one dev
 * setting, removalPolicy DESTROY, turns off: deletion protection, retention, and the backup plan
 * (whose vault cannot be deleted while it holds recovery points). Its key waits 7 days.
 */
export function disposableTable(scope: Construct, id: string, props: Partial<ProductionTableProps> = {}): ProductionTable {
  return new ProductionTable(scope, id, {
    ...KEYS,
    removalPolicy: RemovalPolicy.DESTROY,
    ...props,
  });
}

/**
 * Lets the assertion provider's function read and write the table's items: DynamoDB uses the
 * table's customer-managed key on the caller's behalf, so the caller needs the key too.
 */
export function allowItemAccess(call: IApiCall, table: ProductionTable): void {
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
