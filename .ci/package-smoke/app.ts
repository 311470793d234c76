/**
 * A user's first app with the published package: only `cdk-dynamodb-kit`, `aws-cdk-lib`,
 * `constructs` and the CLI are installed, nothing from the library's repository. `run` compiles it
 * with tsc (strict) and synthesizes it with `cdk synth`.
 */
import { App, Stack, Validations } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { AlarmTopic, DynamoDbChecks, ProductionTable } from 'cdk-dynamodb-kit';

const app = new App();
Validations.of(app).addPlugins(new DynamoDbChecks(app));
const stack = new Stack(app, 'PackageSmoke');

const orders = new ProductionTable(stack, 'Orders', {
  partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
  sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
});

const projector = new lambda.Function(stack, 'Projector', {
  runtime: lambda.Runtime.NODEJS_22_X,
  handler: 'index.handler',
  code: lambda.Code.fromInline('exports.handler = async () => ({ batchItemFailures: [] });'),
});
orders.addStreamConsumer('Projection', { handler: projector });

const reader = new iam.Role(stack, 'Reader', { assumedBy: new iam.AccountRootPrincipal() });
orders.grantReadData(reader);

AlarmTopic.of(stack).addEmailSubscription('oncall@example.com');
app.synth();
