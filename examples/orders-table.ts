/**
 * A newcomer's first ProductionTable: an environment-agnostic stack, a table given only its keys
 * and one index, checked by every compliance pack at synth.
 *
 *   npx cdk synth --app "npx ts-node examples/orders-table.ts"
 */
import { App, Stack, StackProps } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { addComplianceChecks } from './compliance';
import { AlarmTopic, ProductionTable } from '../src';

export class OrdersStack extends Stack {
  public readonly orders: ProductionTable;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    this.orders = new ProductionTable(this, 'Orders', {
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
      globalSecondaryIndexes: [{
        indexName: 'byCustomer',
        partitionKey: { name: 'customerId', type: dynamodb.AttributeType.STRING },
        sortKey: { name: 'createdAt', type: dynamodb.AttributeType.STRING },
      }],
      timeToLiveAttribute: 'expiresAt',
    });
    // The alarms reach someone: a topic that nobody is subscribed to is reported at synth.
    AlarmTopic.of(this).addEmailSubscription('oncall@example.com');
  }
}

if (require.main === module) {
  const app = new App();
  addComplianceChecks(app);
  new OrdersStack(app, 'OrdersExample');
  app.synth();
}
