/**
 * A steady, predictable workload on provisioned capacity: target-tracking autoscaling for reads
 * and writes on the table and on each index, two tables sharing the stack's backup plan, in a
 * stack with an account and a region.
 *
 *   npx cdk synth --app "npx ts-node examples/provisioned-ledger.ts"
 */
import { App, Stack, StackProps } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { addComplianceChecks } from './compliance';
import { AlarmTopic, ProductionTable } from '../src';

export class LedgerStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    new ProductionTable(this, 'Ledger', {
      partitionKey: { name: 'accountId', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'entryId', type: dynamodb.AttributeType.STRING },
      billing: dynamodb.Billing.provisioned({
        readCapacity: dynamodb.Capacity.autoscaled({ minCapacity: 5, maxCapacity: 200, targetUtilizationPercent: 70 }),
        writeCapacity: dynamodb.Capacity.autoscaled({ minCapacity: 5, maxCapacity: 100, targetUtilizationPercent: 70 }),
      }),
      globalSecondaryIndexes: [{
        indexName: 'byPostingDate',
        partitionKey: { name: 'postingDate', type: dynamodb.AttributeType.STRING },
        sortKey: { name: 'entryId', type: dynamodb.AttributeType.STRING },
        readCapacity: dynamodb.Capacity.autoscaled({ minCapacity: 2, maxCapacity: 50 }),
        writeCapacity: dynamodb.Capacity.autoscaled({ minCapacity: 2, maxCapacity: 100 }),
      }],
      localSecondaryIndexes: [{
        indexName: 'byAmount',
        sortKey: { name: 'amount', type: dynamodb.AttributeType.NUMBER },
      }],
    });

    new ProductionTable(this, 'Accounts', {
      partitionKey: { name: 'accountId', type: dynamodb.AttributeType.STRING },
      billing: dynamodb.Billing.provisioned({
        readCapacity: dynamodb.Capacity.autoscaled({ maxCapacity: 50 }),
        writeCapacity: dynamodb.Capacity.autoscaled({ maxCapacity: 20 }),
      }),
    });
    // The alarms reach someone: a topic that nobody is subscribed to is reported at synth.
    AlarmTopic.of(this).addEmailSubscription('oncall@example.com');
  }
}

if (require.main === module) {
  const app = new App();
  addComplianceChecks(app);
  new LedgerStack(app, 'LedgerExample', { env: { account: '111111111111', region: 'eu-west-1' } });
  app.synth();
}
