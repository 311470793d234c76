/**
 * Integration test, deployed by integ-runner into your account (see the README, "Contributing"):
 * a ProductionTable with its defaults (customer-managed key, PITR, stream, contributor insights,
 * alarms) stores an item and returns it.
 */
import { ExpectedResult, IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, Duration } from 'aws-cdk-lib';
import { allowItemAccess, disposableStack, disposableTable, runIfMain } from './integ-support';

export function build(app: App): IntegTest {
  const stack = disposableStack(app, 'DynamoDbKitTableItems');
  const table = disposableTable(stack, 'Orders');

  const integ = new IntegTest(app, 'TableItems', {
    testCases: [stack],
    // The snapshot then keeps templates only, without the assertion provider's bundled code.
    stackUpdateWorkflow: false,
  });
  const item = { pk: { S: 'ORDER#1' }, sk: { S: 'ORDER' }, status: { S: 'PLACED' } };
  const put = integ.assertions.awsApiCall('DynamoDB', 'putItem', { TableName: table.tableName, Item: item });
  const get = integ.assertions.awsApiCall('DynamoDB', 'getItem', {
    TableName: table.tableName,
    Key: { pk: item.pk, sk: item.sk },
    ConsistentRead: true,
  });
  get.expect(ExpectedResult.objectLike({ Item: item }));
  // Waiting makes a failed assertion fail the deployment itself, which `cdk deploy` reports too;
  // a plain expect() only writes its verdict to a stack output that integ-runner reads.
  get.waitForAssertions({ totalTimeout: Duration.minutes(1), interval: Duration.seconds(5) });
  allowItemAccess(put, table);
  allowItemAccess(get, table);
  put.next(get);
  return integ;
}

runIfMain(module, build);
