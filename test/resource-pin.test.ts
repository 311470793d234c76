import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { ProductionTable } from '../src';

// Pins what a fully featured table costs in resources (CloudFormation allows 500 per stack; README,
// "Performance"). Fully featured: a GSI, a stream consumer, the VPC endpoint, the default alarms
// and backup. A resource added or removed anywhere changes a count below and fails the test.

/** What each fully featured table adds, by type. */
const PER_TABLE: Record<string, number> = {
  'AWS::DynamoDB::GlobalTable': 1, // the table (TableV2 renders a global table)
  'AWS::KMS::Key': 1, // the table's own customer-managed key
  'AWS::CloudWatch::Alarm': 3 + 4, // table: hot key, account limit and system errors (on demand, no replicas); consumer: iterator age, failed records, failure-queue depth, dropped records
  'AWS::Lambda::EventSourceMapping': 1, // the consumer's mapping from the stream to the handler
  'AWS::SQS::Queue': 1, // the consumer's failure queue, where a failed batch's coordinates go
  'AWS::SQS::QueuePolicy': 1, // the failure queue accepts TLS only
  'AWS::IAM::ManagedPolicy': 1, // the consumer's stream and queue permissions for the handler's role (customer-managed, never inline)
};

/** What the stack shares between its tables, made once, by type. */
const SHARED: Record<string, number> = {
  'AWS::EC2::VPCEndpoint': 1, // the VPC's one DynamoDB gateway endpoint
  'AWS::SNS::Topic': 1, // the stack's alarm topic
  'AWS::SNS::TopicPolicy': 1, // the topic lets this account's alarms publish, TLS only
  'AWS::KMS::Key': 2, // the alarm topic's key and the backup vault's key
  'AWS::Backup::BackupVault': 1, // the encrypted, retained vault
  'AWS::Backup::BackupPlan': 1, // the stack's one backup plan
  'AWS::Backup::BackupSelection': 1, // one selection names every table of the stack
  'AWS::IAM::Role': 2, // the backup role and the restore role
  'AWS::IAM::ManagedPolicy': 2, // their customer-managed policies
};

/** The user's own code in the test stack: an isolated VPC with two subnets, and one handler per table. */
const USER_VPC: Record<string, number> = {
  'AWS::EC2::VPC': 1,
  'AWS::EC2::Subnet': 2,
  'AWS::EC2::RouteTable': 2,
  'AWS::EC2::SubnetRouteTableAssociation': 2,
};
const USER_HANDLER: Record<string, number> = {
  'AWS::Lambda::Function': 1,
  'AWS::IAM::Role': 1, // the function's service role
};

function stackWithTables(n: number): Stack {
  const stack = new Stack(new App(), 'Pin', { env: { account: '111111111111', region: 'eu-west-1' } });
  const vpc = new ec2.Vpc(stack, 'UserVpc', {
    maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
  });
  for (let i = 0; i < n; i++) {
    const table = new ProductionTable(stack, `Table${i}`, {
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      globalSecondaryIndexes: [{ indexName: 'byStatus', partitionKey: { name: 'status', type: dynamodb.AttributeType.STRING } }],
    });
    const handler = new lambda.Function(stack, `UserHandler${i}`, {
      runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => {}'),
    });
    table.addStreamConsumer('Consumer', { handler });
    table.addVpcEndpoint(vpc);
  }
  return stack;
}

function countsByType(stack: Stack): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const resource of Object.values<any>(Template.fromStack(stack).toJSON().Resources)) {
    counts[resource.Type] = (counts[resource.Type] ?? 0) + 1;
  }
  return counts;
}

function sum(...parts: Array<[Record<string, number>, number]>): Record<string, number> {
  const total: Record<string, number> = {};
  for (const [counts, times] of parts) {
    for (const [type, n] of Object.entries(counts)) {
      total[type] = (total[type] ?? 0) + n * times;
    }
  }
  return total;
}

const total = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);

test.each([1, 2])('a stack of %i fully featured tables has exactly the pinned resources', tables => {
  // GIVEN / WHEN
  const counts = countsByType(stackWithTables(tables));

  // THEN each table adds PER_TABLE, the stack shares SHARED once, and the rest is the user's
  expect(counts).toEqual(sum([PER_TABLE, tables], [SHARED, 1], [USER_VPC, 1], [USER_HANDLER, tables]));
});

test('the pins add up to the documented figures: 13 resources a table, 12 shared', () => {
  expect(total(PER_TABLE)).toBe(13);
  expect(total(SHARED)).toBe(12);
});
