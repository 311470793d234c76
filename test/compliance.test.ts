import * as fs from 'fs';
import * as path from 'path';
import { Duration, Stack, Validations } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import {
  AlarmActions, AlarmTopic, BackupSchedule, BackupWeekDay, DynamoDbGatewayEndpoint, EndpointPolicy, HardenedKey, ProductionTable,
  ProductionTableProps, TableBackup, TableCache, TenantAccess, TenantAccessLevel, VaultLock,
} from '../src';
import { listFindings, synthWithChecks } from './compliance-harness';
import { ENV, pk, sk } from './fixtures';
import { acknowledgeDefaultSecurityGroupProvider, isolatedVpc } from '../examples/multi-tenant-vpc';
import { streamHandler } from '../examples/stream-handler';


/** The acknowledgement ids the library itself sets; each has a row in the README compliance table. */
const LIBRARY_ACKNOWLEDGEMENTS = [
  // The backup and restore policies: native DynamoDB backups are named when they are made.
  'AwsSolutions::AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:dynamodb:<AWS::Region>:<AWS::AccountId>:table/*/backup/*]',
  // The backup policy: recovery points are named when they are made (TagResource; CopyFromBackupVault with copies).
  'AwsSolutions::AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:backup:*:<AWS::AccountId>:recovery-point:*]',
  'AwsSolutions::AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:backup:<AWS::Region>:<AWS::AccountId>:recovery-point:*]',
  // The restore policy: the operator names the restored table when the restore starts.
  'AwsSolutions::AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:dynamodb:<AWS::Region>:<AWS::AccountId>:table/<AWS::StackName>-restore-*]',
  // The alarm topic's dead-letter queue (made when the topic has subscriptions) and each stream
  // consumer's failure queue.
  'AwsSolutions::AwsSolutions-SQS3',
  'Serverless::Serverless-SQSRedrivePolicy',
  'cdk-validator-cfnguard::sqs_dlq_check',
  // A stream consumer's policy: dynamodb:ListStreams has no resource-level permissions; the backup
  // policy: neither has tag:GetResources.
  'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
  // A DAX cluster lists its zones, as CT.DAX.PR.2 demands; aws-cdk-lib's cfn-lint warns on literal zones.
  'CloudFormation-Validate::W3010',
];

/**
 * Constructs whose id starts with `User` stand for the user's own code: a stream handler set up as
 * examples/stream-handler.ts does, a queue of their own. Their acknowledgements are the user's.
 */
const USER_CODE = 'Scenario/User';
/** aws-cdk-lib's provider that closes the default security group of a user's VPC is the user's too. */
const USER_VPC_PROVIDER = 'Scenario/Custom::VpcRestrictDefaultSGCustomResourceProvider';

const handler = (stack: Stack) => streamHandler(stack, 'UserHandler', {
  code: lambda.Code.fromInline('exports.handler = async () => ({ batchItemFailures: [] });'),
});

interface Scenario {
  readonly name: string;
  readonly env?: typeof ENV;
  readonly build: (stack: Stack) => void;
}

const table = (stack: Stack, id: string, props: Partial<ProductionTableProps> = {}) =>
  new ProductionTable(stack, id, { partitionKey: pk, sortKey: sk, ...props });

const SCENARIOS: Scenario[] = [
  {
    name: 'on-demand, keys only, environment-agnostic',
    build: stack => table(stack, 'Orders'),
  },
  {
    name: 'on-demand with GSIs and LSIs, with an env',
    env: ENV,
    build: stack => table(stack, 'Orders', {
      globalSecondaryIndexes: [
        { indexName: 'byCustomer', partitionKey: { name: 'customerId', type: dynamodb.AttributeType.STRING }, sortKey: sk },
        { indexName: 'byStatus', partitionKey: { name: 'status', type: dynamodb.AttributeType.STRING } },
      ],
      localSecondaryIndexes: [{ indexName: 'byCreatedAt', sortKey: { name: 'createdAt', type: dynamodb.AttributeType.NUMBER } }],
    }),
  },
  {
    name: 'provisioned and autoscaled, with GSIs, environment-agnostic',
    build: stack => table(stack, 'Ledger', {
      billing: dynamodb.Billing.provisioned({
        readCapacity: dynamodb.Capacity.autoscaled({ minCapacity: 5, maxCapacity: 100 }),
        writeCapacity: dynamodb.Capacity.autoscaled({ minCapacity: 5, maxCapacity: 50, targetUtilizationPercent: 60 }),
      }),
      globalSecondaryIndexes: [{
        indexName: 'byAccount',
        partitionKey: { name: 'accountId', type: dynamodb.AttributeType.STRING },
        readCapacity: dynamodb.Capacity.autoscaled({ maxCapacity: 40 }),
        writeCapacity: dynamodb.Capacity.autoscaled({ maxCapacity: 20 }),
      }],
    }),
  },
  {
    name: 'provisioned with an env, a user-supplied key, TTL and a 7-day PITR window',
    env: ENV,
    build: stack => table(stack, 'Sessions', {
      encryption: dynamodb.TableEncryptionV2.customerManagedKey(new HardenedKey(stack, 'SessionsKey', { description: 'sessions' })),
      billing: dynamodb.Billing.provisioned({
        readCapacity: dynamodb.Capacity.autoscaled({ maxCapacity: 10 }),
        writeCapacity: dynamodb.Capacity.autoscaled({ maxCapacity: 10 }),
      }),
      timeToLiveAttribute: 'expiresAt',
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true, recoveryPeriodInDays: 7 },
    }),
  },
  {
    name: 'a global table with a replica, alarms to a subscribed stack topic, with an env',
    env: ENV,
    build: stack => {
      const key = new HardenedKey(stack, 'GlobalKey', { description: 'global table key' });
      table(stack, 'Global', {
        encryption: dynamodb.TableEncryptionV2.customerManagedKey(key, { 'us-west-2': 'arn:aws:kms:us-west-2:111111111111:key/replica-key' }),
        replicas: [{ region: 'us-west-2' }],
        globalSecondaryIndexes: [{ indexName: 'byStatus', partitionKey: { name: 'status', type: dynamodb.AttributeType.STRING } }],
        alarms: { latencyThreshold: Duration.millis(100) },
      });
      AlarmTopic.of(stack).addEmailSubscription('oncall@example.com');
      AlarmTopic.of(stack).addHttpsSubscription('https://pager.example.com/hook');
    },
  },
  {
    name: 'a global table with two replicas and no encryption given, one replica added later: the table stack and both replica key stacks, with an env',
    env: ENV,
    build: stack => {
      const global = table(stack, 'Replicated', {
        replicas: [{ region: 'us-west-2' }],
        globalSecondaryIndexes: [{ indexName: 'byStatus', partitionKey: { name: 'status', type: dynamodb.AttributeType.STRING } }],
      });
      global.addReplica({ region: 'us-east-1' });
    },
  },
  {
    name: 'on demand with maximums, and alarms to a topic of your own, environment-agnostic',
    build: stack => {
      const key = new HardenedKey(stack, 'PagerKey', { description: 'pager topic key' });
      key.addToResourcePolicy(new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
      }));
      const pager = new sns.Topic(stack, 'Pager', { masterKey: key, enforceSSL: true });
      table(stack, 'Capped', {
        billing: dynamodb.Billing.onDemand({ maxReadRequestUnits: 2000, maxWriteRequestUnits: 1000 }),
        alarms: { alarmActions: AlarmActions.topic(pager) },
      });
    },
  },
  {
    name: 'a stream consumer on a table with a new CMK, environment-agnostic',
    build: stack => table(stack, 'Events').addStreamConsumer('Projector', { handler: handler(stack) }),
  },
  {
    name: 'a stream consumer on a table with a user key, with an env',
    env: ENV,
    build: stack => table(stack, 'Events', {
      encryption: dynamodb.TableEncryptionV2.customerManagedKey(new HardenedKey(stack, 'UserTableKey', { description: 'events' })),
    }).addStreamConsumer('Projector', { handler: handler(stack) }),
  },
  {
    name: 'a stream consumer with an existing failure queue, with an env',
    env: ENV,
    build: stack => {
      const queue = new sqs.Queue(stack, 'UserFailureQueue', {
        encryptionMasterKey: new HardenedKey(stack, 'UserQueueKey', { description: 'failures' }),
        enforceSSL: true,
        retentionPeriod: Duration.days(14),
      });
      Validations.of(queue).acknowledge(
        { id: 'AwsSolutions::AwsSolutions-SQS3', reason: 'The user\'s own failure destination of a stream event source mapping, alarmed by the consumer.' },
        { id: 'Serverless::Serverless-SQSRedrivePolicy', reason: 'The user\'s own failure destination of a stream event source mapping, alarmed by the consumer.' },
        { id: 'cdk-validator-cfnguard::sqs_dlq_check', reason: 'The user\'s own failure destination of a stream event source mapping, alarmed by the consumer.' },
      );
      table(stack, 'Events').addStreamConsumer('Projector', { handler: handler(stack), failureQueue: queue });
    },
  },
  {
    name: 'two stream consumers with filters, windows and parallelization, alarms to a subscribed topic, environment-agnostic',
    build: stack => {
      const events = table(stack, 'Events');
      const fn = handler(stack);
      events.addStreamConsumer('Projector', {
        handler: fn,
        filters: [lambda.FilterCriteria.filter({ eventName: lambda.FilterRule.isEqual('INSERT') })],
        maxBatchingWindow: Duration.seconds(10),
        parallelizationFactor: 2,
        batchSize: 500,
      });
      // Lambda allows one mapping per stream and function: the second consumer has a function of its own.
      events.addStreamConsumer('Totals', {
        handler: streamHandler(stack, 'UserTotalsHandler', {
          code: lambda.Code.fromInline('exports.handler = async () => ({ batchItemFailures: [] });'),
        }),
        tumblingWindow: Duration.minutes(5),
        startingPosition: lambda.StartingPosition.TRIM_HORIZON,
        iteratorAgeThreshold: Duration.minutes(15),
      });
      AlarmTopic.of(stack).addEmailSubscription('oncall@example.com');
    },
  },
  {
    name: 'two tables through a VPC gateway endpoint (data perimeter), one restricted to it, and a streams endpoint, with an env',
    env: ENV,
    build: stack => {
      const vpc = isolatedVpc(stack, 'UserVpc');
      table(stack, 'Orders').addVpcEndpoint(vpc);
      DynamoDbGatewayEndpoint.of(vpc).restrictTableToEndpoint(table(stack, 'Customers'));
      DynamoDbGatewayEndpoint.of(vpc).addStreamsEndpoint();
      acknowledgeDefaultSecurityGroupProvider(stack);
    },
  },
  {
    name: 'a VPC gateway endpoint in tables-only mode, environment-agnostic',
    build: stack => {
      const vpc = isolatedVpc(stack, 'UserVpc');
      DynamoDbGatewayEndpoint.of(vpc, { policy: EndpointPolicy.tablesOnly() });
      table(stack, 'Orders').addVpcEndpoint(vpc);
      acknowledgeDefaultSecurityGroupProvider(stack);
    },
  },
  {
    name: 'tenant isolation: read/write and read-only attribute-restricted tenant roles, with an env',
    env: ENV,
    build: stack => {
      const saas = table(stack, 'Saas', {
        globalSecondaryIndexes: [{ indexName: 'byTenantStatus', partitionKey: pk, sortKey: { name: 'status', type: dynamodb.AttributeType.STRING } }],
      });
      const role = (id: string) => new iam.Role(stack, id, { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
      new TenantAccess(stack, 'ReadWrite', { table: saas, tenantKey: 'TENANT#${aws:PrincipalTag/tenantId}', access: TenantAccessLevel.READ_WRITE })
        .grant(role('UserAcmeRole'));
      new TenantAccess(stack, 'Profiles', { table: saas, tenantKey: 'TENANT#${aws:PrincipalTag/tenantId}', attributes: ['pk', 'sk', 'name'] })
        .grant(role('UserAcmeReportsRole'));
    },
  },
  {
    // Literal zones in a template without a region: aws-cdk-lib's cfn-lint reports W3010, which the cluster acknowledges.
    name: 'a DAX cache on an imported VPC of three zones, environment-agnostic',
    build: stack => {
      const vpc = ec2.Vpc.fromVpcAttributes(stack, 'UserVpc', {
        vpcId: 'vpc-0123456789abcdef0',
        availabilityZones: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'],
        isolatedSubnetIds: ['subnet-0a', 'subnet-0b', 'subnet-0c'],
        isolatedSubnetRouteTableIds: ['rtb-0a', 'rtb-0b', 'rtb-0c'],
      });
      new TableCache(stack, 'Cache', { table: table(stack, 'Orders'), vpc });
    },
  },
  {
    name: 'a DAX cache over three zones in an isolated VPC, a client role, the table restricted to the endpoint, with an env',
    env: ENV,
    build: stack => {
      const vpc = isolatedVpc(stack, 'UserVpc', 3);
      const orders = table(stack, 'Orders', {
        globalSecondaryIndexes: [{ indexName: 'byCustomer', partitionKey: { name: 'customerId', type: dynamodb.AttributeType.STRING } }],
      });
      const cache = new TableCache(stack, 'Cache', { table: orders, vpc });
      cache.grantReadWriteData(new iam.Role(stack, 'UserClientRole', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') }));
      DynamoDbGatewayEndpoint.of(vpc).restrictTableToEndpoint(orders, { exemptRoles: [cache.role] });
      acknowledgeDefaultSecurityGroupProvider(stack);
    },
  },
  {
    name: 'backups: weekly, a year with cold storage, compliance vault lock, cross-region and cross-account copies, with an env',
    env: ENV,
    build: stack => {
      TableBackup.of(stack, {
        schedule: BackupSchedule.weekly(BackupWeekDay.SUNDAY),
        retention: Duration.days(365),
        moveToColdStorageAfter: Duration.days(30),
        vaultLock: VaultLock.compliance({ minRetention: Duration.days(35), maxRetention: Duration.days(3650), changeableFor: Duration.days(3) }),
        copies: [
          { destinationVaultArn: 'arn:aws:backup:eu-central-1:111111111111:backup-vault:dr' },
          { destinationVaultArn: 'arn:aws:backup:eu-west-1:222222222222:backup-vault:isolated', retention: Duration.days(120), moveToColdStorageAfter: Duration.days(30) },
        ],
      });
      table(stack, 'Ledger');
    },
  },
  {
    name: 'backups: every 4 hours, governance vault lock, environment-agnostic',
    build: stack => {
      TableBackup.of(stack, {
        schedule: BackupSchedule.everyHours(4),
        retention: Duration.days(14),
        vaultLock: VaultLock.governance({ minRetention: Duration.days(7) }),
      });
      table(stack, 'Sessions');
    },
  },
  {
    name: 'three tables sharing one stack backup plan, with an env',
    env: ENV,
    build: stack => ['Orders', 'Customers', 'Invoices'].forEach(id => table(stack, id)),
  },
];

describe('compliance matrix: five cdk-nag packs, Control Tower rules and DynamoDbChecks', () => {
  const seen = new Set<string>();
  let scenariosStarted = 0;
  let scenariosPassed = 0;

  test.each(SCENARIOS.map(s => [s.name, s] as const))('%s: no unacknowledged finding', (_name, scenario) => {
    scenariosStarted++;
    const result = synthWithChecks(app => scenario.build(new Stack(app, 'Scenario', { env: scenario.env })));

    expect(listFindings(result.unacknowledged)).toEqual('');
    // Only the library's own, documented acknowledgements; each with a reason.
    const library = result.acknowledged.filter(f => !f.constructs.every(c => c.startsWith(USER_CODE) || c.startsWith(USER_VPC_PROVIDER)));
    const acknowledged = new Set(library.map(f => f.acknowledgedId));
    acknowledged.forEach(id => seen.add(id!));
    expect([...acknowledged].filter(id => !LIBRARY_ACKNOWLEDGEMENTS.includes(id!))).toEqual([]);
    expect(acknowledged.has(LIBRARY_ACKNOWLEDGEMENTS[0])).toBe(true);
    expect(result.acknowledged.every(f => (f.reason ?? '').length > 40)).toBe(true);
    scenariosPassed++;
  });

  test('the scenarios exercise every acknowledgement the library sets', () => {
    if (scenariosStarted < SCENARIOS.length) {
      return; // only some scenarios ran (jest -t)
    }
    // A scenario that failed may have left acknowledgements unseen: then this cannot pass either.
    expect(scenariosPassed).toEqual(SCENARIOS.length);
    expect([...seen].sort()).toEqual([...LIBRARY_ACKNOWLEDGEMENTS].sort());
  });

  test('the harness sees findings of every plugin: a loose table, an unrotated key, a bare queue, an inline policy', () => {
    const result = synthWithChecks(app => {
      const stack = new Stack(app, 'Loose', { env: ENV });
      new kms.Key(stack, 'PlainKey');
      new sqs.Queue(stack, 'PlainQueue');
      new iam.Role(stack, 'InlineRole', {
        assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
        inlinePolicies: { Inline: new iam.PolicyDocument({ statements: [new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: ['*'] })] }) },
      });
      // A bare TableV2: a ProductionTable records its loosened defaults as its own warnings instead.
      new dynamodb.TableV2(stack, 'Loose', { partitionKey: pk });
    });

    const plugins = new Set(result.unacknowledged.map(f => f.plugin));
    expect(plugins).toEqual(new Set([
      'AwsSolutions', 'HIPAA.Security', 'NIST.800.53.R5', 'PCI.DSS.321', 'Serverless', 'cdk-validator-cfnguard', 'DynamoDbChecks',
    ]));
    expect(result.unacknowledged.filter(f => f.plugin === 'DynamoDbChecks').map(f => f.rule).sort()).toEqual([
      'ContributorInsightsEnabled', 'CustomerManagedKeyEncryption', 'DeletionProtectionEnabled', 'InBackupPlan', 'PointInTimeRecoveryEnabled',
    ]);
  });

  test('the library sets exactly the acknowledgements listed in the README compliance table', () => {
    const readme = fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf-8');
    // Both directions: every id the library sets has a row, and every row names an id it sets.
    const section = readme.slice(readme.indexOf('## Compliance table: acknowledgements'));
    const rows = section.slice(0, section.indexOf('\n## ', 1));
    const listed = new Set([...rows.matchAll(/^\| `([^`]+)` \|/gm)].map(match => match[1]));
    expect([...listed].sort()).toEqual([...new Set(LIBRARY_ACKNOWLEDGEMENTS)].sort());
  });
});
