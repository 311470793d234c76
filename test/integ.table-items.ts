/**
 * Integration test, deployed by integ-runner into your account (see the README, "Contributing"):
 * a ProductionTable with its defaults (customer-managed key, PITR, stream, contributor insights,
 * alarms) stores an item and returns it.
 */
import { IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, Duration } from 'aws-cdk-lib';
import { runIfMain, tableIntegTest, writeThenRead } from './integ-support';

export function build(app: App): IntegTest {
  const { integ, table } = tableIntegTest(app, 'DynamoDbKitTableItems', 'TableItems');
  const item = { pk: { S: 'ORDER#1' }, sk: { S: 'ORDER' }, status: { S: 'PLACED' } };
  writeThenRead(integ, table, item, {
    key: { pk: item.pk, sk: item.sk },
    expected: { Item: item },
    totalTimeout: Duration.minutes(1),
    interval: Duration.seconds(5),
  });
  return integ;
}

runIfMain(module, build);
