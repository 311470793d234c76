/**
 * Integration test, deployed by integ-runner into your account (see the README, "Contributing"):
 * an item written to a ProductionTable reaches its stream consumer, which writes a projection of
 * it back into the table, through the table's customer-managed key, the consumer's filters and the
 * permissions `addStreamConsumer` gives the function's role.
 */
import { IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, Duration } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { runIfMain, tableIntegTest, writeThenRead } from './integ-support';

// The Node.js runtime provides the AWS SDK v3. Only orders are projected, so the projection's own
// INSERT, which the filter keeps from the function anyway, could never loop.
const PROJECTOR = `
const { DynamoDBClient, PutItemCommand } = require('@aws-sdk/client-dynamodb');
const client = new DynamoDBClient({});
exports.handler = async (event) => {
  const batchItemFailures = [];
  for (const record of event.Records) {
    const image = record.dynamodb.NewImage;
    if (!image || !image.pk.S.startsWith('ORDER#')) continue;
    try {
      await client.send(new PutItemCommand({
        TableName: process.env.TABLE_NAME,
        Item: { pk: { S: 'PROJECTION#' + image.pk.S.slice('ORDER#'.length) }, sk: { S: 'SUMMARY' }, status: image.status },
      }));
    } catch (error) {
      console.error(error);
      batchItemFailures.push({ itemIdentifier: record.dynamodb.SequenceNumber });
    }
  }
  return { batchItemFailures };
};
`;

export function build(app: App): IntegTest {
  const { integ, table } = tableIntegTest(app, 'DynamoDbKitStreamProjection', 'StreamProjection', (stack, orders) => {
    const projector = new lambda.Function(stack, 'Projector', {
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline(PROJECTOR),
      environment: { TABLE_NAME: orders.tableName },
      timeout: Duration.seconds(30),
    });
    orders.grantWriteData(projector);
    orders.addStreamConsumer('Projection', {
      handler: projector,
      filters: [lambda.FilterCriteria.filter({
        eventName: lambda.FilterRule.isEqual('INSERT'),
        dynamodb: { Keys: { pk: { S: lambda.FilterRule.beginsWith('ORDER#') } } },
      })],
    });
  });
  // The mapping polls the stream and invokes the function asynchronously to the write: poll for the projection.
  writeThenRead(integ, table, { pk: { S: 'ORDER#42' }, sk: { S: 'ORDER' }, status: { S: 'PLACED' } }, {
    key: { pk: { S: 'PROJECTION#42' }, sk: { S: 'SUMMARY' } },
    expected: { Item: { pk: { S: 'PROJECTION#42' }, status: { S: 'PLACED' } } },
    totalTimeout: Duration.minutes(5),
    interval: Duration.seconds(10),
  });
  return integ;
}

runIfMain(module, build);
