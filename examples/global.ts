/**
 * A global table in two regions: the table in eu-west-1, a replica in us-east-1. No encryption is
 * given, so the library adds a stack in us-east-1 that holds the replica's customer-managed key;
 * `cdk deploy --all` deploys it first. The replica has every default of the table (point-in-time
 * recovery, deletion protection, contributor insights) and a replication-latency alarm in eu-west-1.
 * `replicaAlarms` adds a stack in us-east-1, deployed after the table's, with the replica's own
 * throttle, system-error and replication alarms and a topic of that region.
 *
 *   npx cdk synth --app "npx ts-node examples/global.ts"
 */
import { App, Stack, StackProps } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { addComplianceChecks } from './compliance';
import { AlarmTopic, ProductionTable, ReplicaAlarmStack } from '../src';

export class GlobalStack extends Stack {
  public readonly profiles: ProductionTable;

  constructor(scope: Construct, id: string, props: StackProps) {
    super(scope, id, props);

    this.profiles = new ProductionTable(this, 'Profiles', {
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
      replicas: [{ region: 'us-east-1' }],
      alarms: { replicaAlarms: true },
    });
    // The alarms reach someone: a topic that nobody is subscribed to is reported at synth. Alarms
    // are regional, so the replica region's alarms have a topic of their own.
    AlarmTopic.of(this).addEmailSubscription('oncall@example.com');
    AlarmTopic.of(ReplicaAlarmStack.forRegion(this, 'us-east-1')).addEmailSubscription('oncall@example.com');
  }
}

if (require.main === module) {
  // The library makes its cross-region key references weak one by one; the app-wide default is the
  // app's own choice (aws-cdk-lib warns until it is made): weak, as the library's, here.
  const app = new App({ context: { '@aws-cdk/core:defaultCrossStackReferences': 'weak' } });
  addComplianceChecks(app);
  new GlobalStack(app, 'GlobalExample', { env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: 'eu-west-1' } });
  app.synth();
}
