import { App, Lazy, RemovalPolicy, Stack, Tags, Token } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { HardenedKey, ProductionTable, ProductionTableProps } from '../src';
import { agnosticStack, ENV, envIn, newStack, pk, sk } from './fixtures';
import { DynamoDbKitError } from '../src/private/errors';

/** A valid multi-Region strong consistency table in the stack's (EU) region set: one replica and a witness. */
const MRSC: Partial<ProductionTableProps> = {
  multiRegionConsistency: dynamodb.MultiRegionConsistency.STRONG,
  replicas: [{ region: 'eu-west-2' }],
  witnessRegion: 'eu-west-3',
};

function build(props: Partial<ProductionTableProps> = {}, { agnostic = false } = {}) {
  const stack = new Stack(new App(), 'Stack', { env: agnostic ? undefined : ENV });
  const table = new ProductionTable(stack, 'Orders', { partitionKey: pk, sortKey: sk, ...props });
  return { stack, table };
}

const GLOBAL_TABLE = 'AWS::DynamoDB::GlobalTable';

describe('defaults', () => {
  test('a table given only its keys gets the production envelope', () => {
    const { stack } = build();
    const template = Template.fromStack(stack);

    template.hasResource(GLOBAL_TABLE, {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: {
        BillingMode: 'PAY_PER_REQUEST',
        SSESpecification: { SSEEnabled: true, SSEType: 'KMS' },
        StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
        Replicas: [{
          Region: 'eu-west-1',
          DeletionProtectionEnabled: true,
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true, RecoveryPeriodInDays: 35 },
          ContributorInsightsSpecification: { Enabled: true, Mode: 'THROTTLED_KEYS' },
          SSESpecification: { KMSMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^OrdersKey'), 'Arn'] } },
        }],
      },
    });
  });

  test('the table key rotates, is retained, and lets only AWS services create grants', () => {
    const { stack } = build();
    const template = Template.fromStack(stack);

    template.hasResource('AWS::KMS::Key', {
      DeletionPolicy: 'Retain',
      Properties: {
        EnableKeyRotation: true,
        Description: 'Encrypts the DynamoDB table Stack/Orders',
        KeyPolicy: {
          Statement: Match.arrayWith([{
            Sid: 'AllowGrantsOnlyForAwsServices',
            Effect: 'Deny',
            Principal: { AWS: '*' },
            Action: 'kms:CreateGrant',
            Resource: '*',
            Condition: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
          }]),
        },
      },
    });
  });

  test('the table is a TableV2 whose grants include its key', () => {
    const { stack, table } = build();
    const role = new iam.Role(stack, 'Reader', { assumedBy: new iam.AccountRootPrincipal() });

    table.grantReadData(role);

    expect(table).toBeInstanceOf(dynamodb.TableV2);
    expect(table.encryptionKey).toBeDefined();
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({
          Action: ['kms:Decrypt', 'kms:DescribeKey'],
          Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^OrdersKey'), 'Arn'] },
        })]),
      },
    });
  });

  test('works in an environment-agnostic stack: the primary replica is keyed with the table key', () => {
    const { stack } = build({}, { agnostic: true });

    Template.fromStack(stack).hasResourceProperties(GLOBAL_TABLE, {
      Replicas: [Match.objectLike({
        Region: { Ref: 'AWS::Region' },
        SSESpecification: { KMSMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^OrdersKey'), 'Arn'] } },
      })],
    });
  });

  test('a default table records no warning; the stack records one, that nobody is subscribed to its alarm topic', () => {
    const { stack } = build();

    const warnings = Annotations.fromStack(stack).findWarning('*', Match.anyValue());
    expect(warnings.map(w => `${w.id} ${String(w.entry.data).match(/\[ack: (.*)\]/)?.[1]}`)).toEqual([
      '/Stack/DynamoDbKitAlarms DynamoDbChecks::AlarmTopicSubscribed',
    ]);
  });
});

describe('migration from TableV2', () => {
  test('swapping TableV2 for ProductionTable keeps the table logical ID', () => {
    const before = newStack();
    new dynamodb.TableV2(before, 'Orders', { partitionKey: pk, sortKey: sk });
    const after = build().stack;

    const ids = (stack: Stack) => Object.keys(Template.fromStack(stack).findResources(GLOBAL_TABLE));
    expect(ids(after)).toEqual(ids(before));
    expect(ids(after)).toHaveLength(1);
  });

  test('toggling optional features never changes the logical ID of the table or of its key', () => {
    const logicalIds = (props: Partial<ProductionTableProps>) => {
      const template = Template.fromStack(build(props).stack);
      return [
        ...Object.keys(template.findResources(GLOBAL_TABLE)),
        ...Object.keys(template.findResources('AWS::KMS::Key', { Properties: { Description: 'Encrypts the DynamoDB table Stack/Orders' } })),
      ];
    };
    const baseline = logicalIds({});

    const variants: Array<Partial<ProductionTableProps>> = [
      { backup: false },
      { contributorInsightsSpecification: { enabled: false } },
      { pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true, recoveryPeriodInDays: 7 } },
      {
        billing: dynamodb.Billing.provisioned({
          readCapacity: dynamodb.Capacity.autoscaled({ maxCapacity: 5 }),
          writeCapacity: dynamodb.Capacity.autoscaled({ maxCapacity: 5 }),
        }),
      },
      { globalSecondaryIndexes: [{ indexName: 'byStatus', partitionKey: { name: 'status', type: dynamodb.AttributeType.STRING } }] },
      { dynamoStream: dynamodb.StreamViewType.KEYS_ONLY },
      { timeToLiveAttribute: 'ttl' },
    ];
    expect(baseline).toHaveLength(2);
    for (const variant of variants) {
      expect(logicalIds(variant)).toEqual(baseline);
    }
  });

  test('adding replicas, in the props or later, never changes the logical ID of the table or of its key', () => {
    const tableAndKey = (stack: Stack) => {
      const template = Template.fromStack(stack);
      return [
        ...Object.keys(template.findResources(GLOBAL_TABLE)),
        ...Object.keys(template.findResources('AWS::KMS::Key', { Properties: { Description: 'Encrypts the DynamoDB table Stack/Orders' } })),
      ];
    };
    const baseline = tableAndKey(build().stack);

    const declared = build({ replicas: [{ region: 'us-east-1' }] }).stack;
    const later = build();
    later.table.addReplica({ region: 'us-east-1' });
    later.table.addReplica({ region: 'us-west-2' });

    expect(baseline).toHaveLength(2);
    expect(tableAndKey(declared)).toEqual(baseline);
    expect(tableAndKey(later.stack)).toEqual(baseline);
  });
});

describe('overrides', () => {
  test('a user key is used and no key is made', () => {
    const stack = newStack();
    const key = new kms.Key(stack, 'MyKey', { enableKeyRotation: true });

    new ProductionTable(stack, 'Orders', { partitionKey: pk, encryption: dynamodb.TableEncryptionV2.customerManagedKey(key) });

    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::KMS::Key', 3); // the user's, the backup vault's and the alarm topic's
    template.hasResourceProperties(GLOBAL_TABLE, {
      Replicas: [Match.objectLike({ SSESpecification: { KMSMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^MyKey'), 'Arn'] } } })],
    });
  });

  test('a user key works in an environment-agnostic stack too', () => {
    const stack = agnosticStack();
    const key = new kms.Key(stack, 'MyKey', { enableKeyRotation: true });
    new ProductionTable(stack, 'Orders', { partitionKey: pk, encryption: dynamodb.TableEncryptionV2.customerManagedKey(key) });

    Template.fromStack(stack).hasResourceProperties(GLOBAL_TABLE, {
      Replicas: [Match.objectLike({ SSESpecification: { KMSMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^MyKey'), 'Arn'] } } })],
    });
  });

  test('provisioned billing renders target-tracking autoscaling for the table and each GSI', () => {
    const { stack } = build({
      billing: dynamodb.Billing.provisioned({
        readCapacity: dynamodb.Capacity.autoscaled({ minCapacity: 2, maxCapacity: 100, targetUtilizationPercent: 60 }),
        writeCapacity: dynamodb.Capacity.autoscaled({ maxCapacity: 50 }),
      }),
      globalSecondaryIndexes: [{ indexName: 'byStatus', partitionKey: { name: 'status', type: dynamodb.AttributeType.STRING } }],
    });

    const template = Template.fromStack(stack);
    template.hasResourceProperties(GLOBAL_TABLE, {
      BillingMode: 'PROVISIONED',
      WriteProvisionedThroughputSettings: {
        WriteCapacityAutoScalingSettings: { MinCapacity: 1, MaxCapacity: 50, TargetTrackingScalingPolicyConfiguration: { TargetValue: 70 } },
      },
      GlobalSecondaryIndexes: [Match.objectLike({
        WriteProvisionedThroughputSettings: { WriteCapacityAutoScalingSettings: Match.objectLike({ MaxCapacity: 50 }) },
      })],
      Replicas: [Match.objectLike({
        ReadProvisionedThroughputSettings: {
          ReadCapacityAutoScalingSettings: { MinCapacity: 2, MaxCapacity: 100, TargetTrackingScalingPolicyConfiguration: { TargetValue: 60 } },
        },
        GlobalSecondaryIndexes: [Match.objectLike({
          ReadProvisionedThroughputSettings: { ReadCapacityAutoScalingSettings: Match.objectLike({ MaxCapacity: 100 }) },
        })],
      })],
    });
    Annotations.fromStack(stack).hasNoWarning('/Stack/Orders', Match.anyValue());
  });

  test.each([
    ['pointInTimeRecoverySpecification', { pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: false } }, 'DynamoDbChecks::PointInTimeRecoveryEnabled'],
    ['deletionProtection', { deletionProtection: false }, 'DynamoDbChecks::DeletionProtectionEnabled'],
    ['removalPolicy', { removalPolicy: RemovalPolicy.DESTROY }, 'DynamoDbChecks::TableRetained'],
    ['encryption', { encryption: dynamodb.TableEncryptionV2.awsManagedKey() }, 'DynamoDbChecks::CustomerManagedKeyEncryption'],
    ['contributorInsightsSpecification', { contributorInsightsSpecification: { enabled: false } }, 'DynamoDbChecks::ContributorInsightsEnabled'],
    ['backup', { backup: false }, 'DynamoDbChecks::InBackupPlan'],
  ] as Array<[string, Partial<ProductionTableProps>, string]>)('loosening %s is honoured and leaves a warning', (_prop, props, warningId) => {
    const { stack } = build(props);

    const warnings = Annotations.fromStack(stack).findWarning('/Stack/Orders', Match.stringLikeRegexp(`\\[ack: ${warningId.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\]`));
    expect(warnings).toHaveLength(1);
  });

  test('loosened defaults reach the template', () => {
    const { stack } = build({
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: false },
      deletionProtection: false,
      removalPolicy: RemovalPolicy.DESTROY,
      contributorInsightsSpecification: { enabled: false },
      backup: false,
    });

    const template = Template.fromStack(stack);
    template.hasResource(GLOBAL_TABLE, {
      DeletionPolicy: 'Delete',
      Properties: {
        Replicas: [Match.objectLike({
          DeletionProtectionEnabled: false,
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: false },
          ContributorInsightsSpecification: { Enabled: false },
        })],
      },
    });
    template.resourceCountIs('AWS::Backup::BackupPlan', 0);
  });

  test('a fixed read capacity is allowed and warned about, on the table and on a GSI', () => {
    const { stack, table } = build({
      billing: dynamodb.Billing.provisioned({
        readCapacity: dynamodb.Capacity.fixed(5),
        writeCapacity: dynamodb.Capacity.autoscaled({ maxCapacity: 10 }),
      }),
    });
    table.addGlobalSecondaryIndex({
      indexName: 'byStatus',
      partitionKey: { name: 'status', type: dynamodb.AttributeType.STRING },
      readCapacity: dynamodb.Capacity.fixed(3),
    });

    const warnings = Annotations.fromStack(stack).findWarning('/Stack/Orders', Match.stringLikeRegexp('DynamoDbChecks::ProvisionedCapacityAutoscaled'));
    expect(warnings.map(w => String(w.entry.data).split(' ')[0])).toEqual([
      'billing.readCapacity',
      'globalSecondaryIndexes[byStatus].readCapacity',
    ]);
  });

  test('the deprecated boolean props are honoured', () => {
    // aws-cdk-lib prints a deprecation notice for each; this test uses them on purpose.
    process.env.JSII_DEPRECATED = 'quiet';
    const { stack } = build({ pointInTimeRecovery: false, contributorInsights: false });
    delete process.env.JSII_DEPRECATED;

    Template.fromStack(stack).hasResourceProperties(GLOBAL_TABLE, {
      Replicas: [Match.objectLike({
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: false },
        ContributorInsightsSpecification: { Enabled: false },
      })],
    });
  });
});

describe('validation', () => {
  const gsi = (props: Partial<dynamodb.GlobalSecondaryIndexPropsV2>): dynamodb.GlobalSecondaryIndexPropsV2 =>
    ({ indexName: 'byStatus', partitionKey: { name: 'status', type: dynamodb.AttributeType.STRING }, ...props });

  test.each([
    ['tableName too short', { tableName: 'ab' }, "tableName must be 3-255 characters of a-z, A-Z, 0-9, '_', '-' and '.', got 'ab'"],
    ['tableName too long', { tableName: 'a'.repeat(256) }, 'tableName must be 3-255 characters'],
    ['tableName with a bad character', { tableName: 'orders table' }, "got 'orders table'"],
    ['partition key name too long', { partitionKey: { name: 'p'.repeat(256), type: dynamodb.AttributeType.STRING } }, 'partitionKey.name must be 1-255 bytes of UTF-8, got 256 bytes'],
    ['partition key name of 256 bytes in 128 characters', { partitionKey: { name: 'é'.repeat(128), type: dynamodb.AttributeType.STRING } }, 'partitionKey.name must be 1-255 bytes of UTF-8, got 256 bytes'],
    ['empty sort key name', { sortKey: { name: '', type: dynamodb.AttributeType.STRING } }, 'sortKey.name must be 1-255 bytes of UTF-8, got 0 bytes'],
    ['sort key named like the partition key', { sortKey: { name: 'pk', type: dynamodb.AttributeType.STRING } }, "sortKey.name must differ from the partition key's name, got 'pk' for both"],
    ['GSI name too short', { globalSecondaryIndexes: [gsi({ indexName: 'ix' })] }, 'globalSecondaryIndexes[ix].indexName must be 3-255 characters'],
    ['GSI sort key named like its partition key', { globalSecondaryIndexes: [gsi({ sortKey: { name: 'status', type: dynamodb.AttributeType.STRING } })] }, "globalSecondaryIndexes[byStatus].sortKey.name must differ from the partition key's name, got 'status' for both"],
    ['GSI key name too long', { globalSecondaryIndexes: [gsi({ partitionKey: { name: 'x'.repeat(300), type: dynamodb.AttributeType.STRING } })] }, 'globalSecondaryIndexes[byStatus].partitionKey.name must be 1-255 bytes'],
    ['LSI sort key named like the table partition key', { localSecondaryIndexes: [{ indexName: 'byPk', sortKey: { name: 'pk', type: dynamodb.AttributeType.STRING } }] }, "localSecondaryIndexes[byPk].sortKey.name must differ from the partition key's name, got 'pk' for both"],
    ['LSI name with a bad character', { localSecondaryIndexes: [{ indexName: 'by/date', sortKey: { name: 'date', type: dynamodb.AttributeType.STRING } }] }, 'localSecondaryIndexes[by/date].indexName must be 3-255 characters'],
    ['PITR window of 0 days', { pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true, recoveryPeriodInDays: 0 } }, 'pointInTimeRecoverySpecification.recoveryPeriodInDays must be an integer between 1 and 35 days, got 0'],
    ['PITR window of 36 days', { pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true, recoveryPeriodInDays: 36 } }, 'got 36'],
    ['a witness region that is a replica region', { multiRegionConsistency: dynamodb.MultiRegionConsistency.STRONG, replicas: [{ region: 'eu-west-2' }], witnessRegion: 'eu-west-2' }, "witnessRegion must differ from every replica region (eu-west-1, eu-west-2), got 'eu-west-2'"],
    ['Time To Live on an MRSC table', { ...MRSC, timeToLiveAttribute: 'expiresAt' }, "timeToLiveAttribute must not be set on a multi-Region strong consistency table, got 'expiresAt'"],
    ['a local secondary index on an MRSC table', { ...MRSC, sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING }, localSecondaryIndexes: [{ indexName: 'byDate', sortKey: { name: 'date', type: dynamodb.AttributeType.STRING } }] }, "localSecondaryIndexes must be empty on a multi-Region strong consistency table, got 'byDate'"],
    ['a user key without the ARN of a replica region', { encryption: dynamodb.TableEncryptionV2.customerManagedKey(kms.Key.fromKeyArn(new Stack(), 'K', 'arn:aws:kms:eu-west-1:111111111111:key/k'), { 'us-west-2': 'arn:aws:kms:us-west-2:111111111111:key/w' }), replicas: [{ region: 'us-east-1' }] }, "encryption has no key for the replica in us-east-1 of table Stack/Orders: a replica must be encrypted with a key of its own region. Pass TableEncryptionV2.customerManagedKey(key, { 'us-east-1': '<key ARN in us-east-1>', ... })"],
    ['autoscaling minimum of 0', { billing: dynamodb.Billing.provisioned({ readCapacity: dynamodb.Capacity.autoscaled({ minCapacity: 0, maxCapacity: 5 }), writeCapacity: dynamodb.Capacity.autoscaled({ maxCapacity: 5 }) }) }, 'billing.readCapacity minCapacity must be at least 1, got 0'],
  ] as Array<[string, Partial<ProductionTableProps>, string]>)('refuses %s', (_case, props, message) => {
    expect(() => build(props)).toThrow(DynamoDbKitError);
    expect(() => build(props)).toThrow(message);
  });

  test('accepts the limits themselves', () => {
    expect(() => build({
      tableName: 'a'.repeat(255),
      partitionKey: { name: 'p'.repeat(255), type: dynamodb.AttributeType.STRING },
      sortKey: { name: 's', type: dynamodb.AttributeType.STRING },
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true, recoveryPeriodInDays: 1 },
      globalSecondaryIndexes: [gsi({ indexName: 'a.b-c_d' })],
    })).not.toThrow();
  });

  test('indexes added later are validated like the props ones', () => {
    const { table } = build();

    expect(() => table.addGlobalSecondaryIndex(gsi({ indexName: 'no' }))).toThrow('globalSecondaryIndexes[no].indexName must be 3-255 characters');
    expect(() => table.addLocalSecondaryIndex({ indexName: 'byPk', sortKey: { name: 'pk', type: dynamodb.AttributeType.STRING } }))
      .toThrow("localSecondaryIndexes[byPk].sortKey.name must differ from the partition key's name, got 'pk' for both");
  });

  test('tokens pass through unvalidated', () => {
    const stack = newStack();
    const name = Token.asString({ Ref: 'TableNameParameter' });

    expect(() => new ProductionTable(stack, 'Orders', { partitionKey: pk, tableName: name })).not.toThrow();
  });

  test.each([
    ['a 21st GSI', { globalSecondaryIndexes: Array.from({ length: 21 }, (_, i) => gsi({ indexName: `index${i}` })) }, 'You may not provide more than 20 global secondary indexes'],
    ['a 6th LSI', { localSecondaryIndexes: Array.from({ length: 6 }, (_, i) => ({ indexName: `local${i}`, sortKey: { name: `s${i}`, type: dynamodb.AttributeType.STRING } })) }, 'You may not provide more than 5 local secondary indexes'],
  ] as Array<[string, Partial<ProductionTableProps>, string]>)('aws-cdk-lib refuses %s first, and its message stands', (_case, props, message) => {
    expect(() => build(props)).toThrow(message);
  });

  test('an autoscaling minimum of 0, which aws-cdk-lib accepts, is refused by the table, naming where', () => {
    // aws-cdk-lib refuses targets outside 20-90 % and min above max when the Capacity is made, and
    // its message stands; a minimum below 1 it lets through, and CloudFormation would refuse it.
    const capacity = dynamodb.Capacity.autoscaled({ minCapacity: 0, maxCapacity: 5 });

    expect(() => build({ billing: dynamodb.Billing.provisioned({ readCapacity: dynamodb.Capacity.fixed(5), writeCapacity: capacity }) }))
      .toThrow(/billing\.writeCapacity minCapacity must be at least 1, got 0/);
  });
});

describe('global tables', () => {
  const replicaOf = (stack: Stack, region: string) =>
    Template.fromStack(stack).findResources(GLOBAL_TABLE)[Object.keys(Template.fromStack(stack).findResources(GLOBAL_TABLE))[0]]
      .Properties.Replicas.find((replica: any) => replica.Region === region);
  const keyStackOf = (stack: Stack, region: string) => stack.node.root.node.findChild(`Stack-DynamoDbKitReplicas-${region}`) as Stack;
  const weakArn = (region: string) => ({
    'Fn::GetStackOutput': { StackName: `Stack-DynamoDbKitReplicas-${region}`, Region: region, OutputName: Match.stringLikeRegexp('^PublishOutputFnGetAttOrdersKey') },
  });

  test('replicas without encryption: each gets a customer-managed key of its own region and every default', () => {
    // GIVEN / WHEN
    const { stack } = build({ replicas: [{ region: 'us-east-1' }, { region: 'us-west-2' }] });

    // THEN
    Template.fromStack(stack).hasResourceProperties(GLOBAL_TABLE, {
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS' },
      Replicas: ['us-east-1', 'us-west-2'].map(region => ({
        Region: region,
        SSESpecification: { KMSMasterKeyId: weakArn(region) },
        DeletionProtectionEnabled: true,
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true, RecoveryPeriodInDays: 35 },
        ContributorInsightsSpecification: { Enabled: true, Mode: 'THROTTLED_KEYS' },
      })).concat([Match.objectLike({ Region: 'eu-west-1', SSESpecification: { KMSMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^OrdersKey'), 'Arn'] } } })] as any),
    });
    for (const region of ['us-east-1', 'us-west-2']) {
      Template.fromStack(keyStackOf(stack, region)).resourceCountIs('AWS::KMS::Key', 1);
    }
  });

  test('a replica added later gets its key stack and key; the only warning is aws-cdk-lib\'s about the app-wide reference strength', () => {
    // GIVEN
    const { stack, table } = build();

    // WHEN
    table.addReplica({ region: 'us-east-1' });

    // THEN
    expect(replicaOf(stack, 'us-east-1').SSESpecification.KMSMasterKeyId['Fn::GetStackOutput'].StackName).toEqual('Stack-DynamoDbKitReplicas-us-east-1');
    expect(stack.dependencies).toEqual([keyStackOf(stack, 'us-east-1')]);
    const warnings = Annotations.fromStack(stack).findWarning('*', Match.anyValue());
    expect(warnings.map(w => String(w.entry.data).match(/\[ack: (.*)\]/)?.[1]).sort()).toEqual([
      '@aws-cdk/core:crossStackReferencesDefaultStrong', 'DynamoDbChecks::AlarmTopicSubscribed',
    ]);
  });

  test('no replica is ever given an AWS managed or AWS-owned key: an AWS managed key is only the user\'s choice, warned once', () => {
    // GIVEN / WHEN
    const { stack } = build({ encryption: dynamodb.TableEncryptionV2.awsManagedKey(), replicas: [{ region: 'us-east-1' }] });

    // THEN
    expect(stack.node.root.node.tryFindChild('Stack-DynamoDbKitReplicas-us-east-1')).toBeUndefined();
    expect(replicaOf(stack, 'us-east-1').SSESpecification).toBeUndefined();
    expect(Annotations.fromStack(stack).findWarning('/Stack/Orders', Match.stringLikeRegexp('DynamoDbChecks::CustomerManagedKeyEncryption'))).toHaveLength(1);
  });

  test('user-given replica key ARNs keep working, and no key stack is made', () => {
    // GIVEN
    const stack = newStack();
    const key = new kms.Key(stack, 'MyKey', { enableKeyRotation: true });

    // WHEN
    new ProductionTable(stack, 'Orders', {
      partitionKey: pk,
      encryption: dynamodb.TableEncryptionV2.customerManagedKey(key, { 'us-east-1': 'arn:aws:kms:us-east-1:111111111111:key/mine' }),
      replicas: [{ region: 'us-east-1' }],
    });

    // THEN
    expect(replicaOf(stack, 'us-east-1').SSESpecification).toEqual({ KMSMasterKeyId: 'arn:aws:kms:us-east-1:111111111111:key/mine' });
    expect(stack.node.root.node.children.filter(child => child instanceof Stack)).toEqual([stack]);
  });

  test('tags reach every replica, and a replica\'s own tags win', () => {
    // GIVEN
    const { stack, table } = build({ replicas: [{ region: 'us-east-1', tags: [{ key: 'team', value: 'east' }] }, { region: 'us-west-2' }] });

    // WHEN
    Tags.of(table).add('team', 'orders');

    // THEN
    expect(replicaOf(stack, 'us-east-1').Tags).toEqual([{ Key: 'team', Value: 'east' }]);
    expect(replicaOf(stack, 'us-west-2').Tags).toEqual([{ Key: 'team', Value: 'orders' }]);
    expect(replicaOf(stack, 'eu-west-1').Tags).toEqual([{ Key: 'team', Value: 'orders' }]);
  });

  test('per-replica settings override the defaults on that replica only, and loosening one is warned about', () => {
    // GIVEN / WHEN
    const { stack } = build({
      replicas: [{ region: 'us-east-1', deletionProtection: false, contributorInsightsSpecification: { enabled: false } }, { region: 'us-west-2' }],
    });

    // THEN
    expect(replicaOf(stack, 'us-east-1')).toMatchObject({ DeletionProtectionEnabled: false, ContributorInsightsSpecification: { Enabled: false } });
    expect(replicaOf(stack, 'us-west-2')).toMatchObject({ DeletionProtectionEnabled: true, ContributorInsightsSpecification: { Enabled: true } });
    const warnings = Annotations.fromStack(stack).findWarning('/Stack/Orders', Match.stringLikeRegexp('The replica in us-east-1'));
    expect(warnings.map(w => String(w.entry.data).match(/\[ack: (.*)\]/)?.[1]).sort()).toEqual([
      'DynamoDbChecks::ContributorInsightsEnabled', 'DynamoDbChecks::DeletionProtectionEnabled',
    ]);
  });

  test.each([
    ['grantReadData', (t: ProductionTable, r: iam.IGrantable) => t.grantReadData(r), ['kms:Decrypt', 'kms:DescribeKey']],
    ['grantReadWriteData', (t: ProductionTable, r: iam.IGrantable) => t.grantReadWriteData(r), ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*']],
    ['grantStreamRead', (t: ProductionTable, r: iam.IGrantable) => t.grantStreamRead(r), ['kms:Decrypt', 'kms:DescribeKey']],
    ['grants.readData', (t: ProductionTable, r: iam.IGrantable) => t.grants.readData(r), ['kms:Decrypt', 'kms:DescribeKey']],
  ] as Array<[string, (t: ProductionTable, r: iam.IGrantable) => void, string[]]>)('%s names the key of every replica, those added later too', (_name, grant, actions) => {
    // GIVEN
    const { stack, table } = build({ replicas: [{ region: 'us-east-1' }] });
    table.addReplica({ region: 'us-west-2' });
    const role = new iam.Role(stack, 'Reader', { assumedBy: new iam.AccountRootPrincipal() });

    // WHEN
    grant(table, role);

    // THEN
    const statements = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy'))
      .flatMap((policy: any) => policy.Properties.PolicyDocument.Statement);
    const keyResources = statements.filter((s: any) => [s.Action].flat().includes('kms:Decrypt')).map((s: any) => s.Resource);
    expect(keyResources).toEqual(expect.arrayContaining([
      { 'Fn::GetAtt': [expect.stringMatching(/^OrdersKey/), 'Arn'] },
      { 'Fn::GetStackOutput': expect.objectContaining({ StackName: 'Stack-DynamoDbKitReplicas-us-east-1' }) },
      { 'Fn::GetStackOutput': expect.objectContaining({ StackName: 'Stack-DynamoDbKitReplicas-us-west-2' }) },
    ]));
    expect(statements.filter((s: any) => s.Resource['Fn::GetStackOutput']).every((s: any) => JSON.stringify([s.Action].flat()) === JSON.stringify(actions))).toBe(true);
  });

  test('a grantee in a replica\'s region gets each replica key by its ARN, never "*"', () => {
    // GIVEN
    const { stack, table } = build({ replicas: [{ region: 'us-east-1' }] });
    const consumer = new Stack(stack.node.root as App, 'Consumer', { env: { account: ENV.account, region: 'us-east-1' } });
    // A named role: aws-kms puts a cross-region grantee of the table's own key into that key's policy.
    const role = new iam.Role(consumer, 'Reader', { assumedBy: new iam.AccountRootPrincipal(), roleName: 'orders-reader' });

    // WHEN
    table.grantReadData(role);

    // THEN
    const statements = Object.values(Template.fromStack(consumer).findResources('AWS::IAM::Policy'))
      .flatMap((policy: any) => policy.Properties.PolicyDocument.Statement);
    const replicaKeyStatements = statements.filter((s: any) => JSON.stringify(s.Resource).includes('Stack-DynamoDbKitReplicas-us-east-1'));
    expect(replicaKeyStatements.map((s: any) => s.Action)).toEqual([['kms:Decrypt', 'kms:DescribeKey']]);
  });

  test('replica(region) carries the replica\'s key, so its grants name it', () => {
    // GIVEN
    const { stack, table } = build();
    table.addReplica({ region: 'us-east-1' });
    const role = new iam.Role(stack, 'Reader', { assumedBy: new iam.AccountRootPrincipal() });

    // WHEN
    table.replica('us-east-1').grantReadData(role);

    // THEN
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([{
          Action: ['kms:Decrypt', 'kms:DescribeKey'],
          Effect: 'Allow',
          Resource: weakArn('us-east-1'),
        }]),
      },
    });
  });

  test('replica(region).grant*() to a role of the replica\'s region names the replica key by its ARN, never "*"', () => {
    // GIVEN a role in a stack of the replica's region, which aws-kms would grant the imported key on "*"
    const { stack, table } = build({ replicas: [{ region: 'us-east-1' }] });
    const consumer = new Stack(stack.node.root as App, 'Consumer', { env: { account: ENV.account, region: 'us-east-1' } });
    const role = new iam.Role(consumer, 'Reader', { assumedBy: new iam.AccountRootPrincipal() });

    // WHEN
    table.replica('us-east-1').grantReadWriteData(role);
    table.replica('us-east-1').encryptionKey!.grantDecrypt(role);

    // THEN
    const statements = Object.values(Template.fromStack(consumer).findResources('AWS::IAM::Policy'))
      .flatMap((policy: any) => policy.Properties.PolicyDocument.Statement);
    const keyStatements = statements.filter((s: any) => [s.Action].flat().some((action: string) => action.startsWith('kms:')));
    const replicaKeyArn = {
      'Fn::GetStackOutput': { StackName: 'Stack-DynamoDbKitReplicas-us-east-1', Region: 'us-east-1', OutputName: expect.stringMatching(/^PublishOutputFnGetAttOrdersKey/) },
    };
    expect(keyStatements.map((s: any) => s.Resource)).toEqual([replicaKeyArn, replicaKeyArn]);
    expect(table.replica('us-east-1')).toBe(table.replica('us-east-1'));
    expect(JSON.stringify(statements)).not.toContain('"*"');
  });

  test.each([
    ['a duplicate region', (t: ProductionTable) => t.addReplica({ region: 'us-east-1' }), 'Duplicate replica table region, us-east-1, is not allowed'],
    ['the table\'s own region', (t: ProductionTable) => t.addReplica({ region: 'eu-west-1' }), 'You cannot add a replica table in the same region as the primary table - the primary table region is eu-west-1'],
    ['a token region', (t: ProductionTable) => t.addReplica({ region: Lazy.string({ produce: () => 'us-west-2' }) }), 'Replica table region must not be a token'],
    ['read capacity on an on-demand table', (t: ProductionTable) => t.addReplica({ region: 'us-west-2', readCapacity: dynamodb.Capacity.fixed(5) }), "You cannot provide 'readCapacity' on a replica table when the billing mode is PAY_PER_REQUEST"],
  ] as Array<[string, (t: ProductionTable) => void, string]>)('TableV2\'s own message stands for %s', (_case, add, message) => {
    const { table } = build({ replicas: [{ region: 'us-east-1' }] });

    expect(() => add(table)).toThrow(message);
  });

  test('replicas in a region-agnostic stack: aws-cdk-lib\'s sentence, and the fix', () => {
    expect(() => build({ replicas: [{ region: 'us-east-1' }] }, { agnostic: true }))
      .toThrow(/^Replica tables are not supported in a region agnostic stack: stack Stack has no region.*Give the stack an env with a region/);
    const { table } = build({}, { agnostic: true });
    expect(() => table.addReplica({ region: 'us-east-1' })).toThrow(DynamoDbKitError);
  });

  test('multi-Region strong consistency passes through, and refuses a replica added later', () => {
    // GIVEN: multi-Region strong consistency takes its regions from one region set (US here), so not REGION
    const stack = newStack('Stack', envIn('us-east-1'));

    // WHEN
    const table = new ProductionTable(stack, 'Orders', {
      partitionKey: pk,
      multiRegionConsistency: dynamodb.MultiRegionConsistency.STRONG,
      replicas: [{ region: 'us-east-2' }],
      witnessRegion: 'us-west-2',
    });

    // THEN
    expect(() => table.addReplica({ region: 'us-west-1' })).toThrow(
      "addReplica('us-west-1') is not allowed on Stack/Orders, a multi-Region strong consistency table: it must have exactly 3 replicas, or 2 and a witness",
    );
    Template.fromStack(stack).hasResourceProperties(GLOBAL_TABLE, {
      MultiRegionConsistency: 'STRONG',
      GlobalTableWitnesses: [{ Region: 'us-west-2' }],
      Replicas: Match.arrayWith([Match.objectLike({ Region: 'us-east-2', SSESpecification: { KMSMasterKeyId: Match.objectLike({ 'Fn::GetStackOutput': Match.anyValue() }) } })]),
    });
  });

  test('an MRSC table refuses a local secondary index added later, and takes one on an eventually consistent table', () => {
    const stack = new Stack(new App(), 'Stack', { env: ENV });
    const strong = new ProductionTable(stack, 'Strong', { partitionKey: pk, sortKey: sk, ...MRSC });
    const eventual = new ProductionTable(stack, 'Eventual', { partitionKey: pk, sortKey: sk, replicas: [{ region: 'eu-west-2' }] });
    const lsi = { indexName: 'byDate', sortKey: { name: 'date', type: dynamodb.AttributeType.STRING } };

    expect(() => strong.addLocalSecondaryIndex(lsi)).toThrow("Stack/Strong: localSecondaryIndexes must be empty on a multi-Region strong consistency table, got 'byDate'");
    expect(() => eventual.addLocalSecondaryIndex(lsi)).not.toThrow();
  });

  test('an MRSC table without TTL or LSIs is accepted, in the region set of its stack', () => {
    expect(() => build(MRSC)).not.toThrow();
  });

  test('replica options for an index added after the table are accepted, as TableV2 accepts them, and the index is alarmed', () => {
    // GIVEN
    const stack = new Stack(new App(), 'Stack', { env: ENV });
    const table = new ProductionTable(stack, 'Orders', {
      partitionKey: pk,
      replicas: [{ region: 'eu-west-2', globalSecondaryIndexOptions: { byStatus: { contributorInsights: false } } }],
    });

    // WHEN
    table.addGlobalSecondaryIndex({ indexName: 'byStatus', partitionKey: { name: 'status', type: dynamodb.AttributeType.STRING } });

    // THEN
    const template = Template.fromStack(stack);
    template.hasResourceProperties(GLOBAL_TABLE, {
      Replicas: Match.arrayWith([Match.objectLike({
        Region: 'eu-west-2',
        GlobalSecondaryIndexes: [{ IndexName: 'byStatus', ContributorInsightsSpecification: { Enabled: false } }],
      })]),
    });
    expect(JSON.stringify(template.findResources('AWS::CloudWatch::Alarm'))).toContain('"GlobalSecondaryIndexName","Value":"byStatus"');
  });

  test('replica options for an index the table never gets fail at synth, with aws-cdk-lib\'s message', () => {
    const stack = new Stack(new App(), 'Stack', { env: ENV });
    new ProductionTable(stack, 'Orders', { partitionKey: pk, replicas: [{ region: 'eu-west-2', globalSecondaryIndexOptions: { byStatus: { contributorInsights: false } } }] });

    expect(() => Template.fromStack(stack)).toThrow('Cannot configure replica global secondary index, byStatus, because it is not defined on the primary table');
  });

  test('aws-cdk-lib\'s own multi-Region strong consistency checks stand', () => {
    expect(() => build({ multiRegionConsistency: dynamodb.MultiRegionConsistency.STRONG, replicas: [{ region: 'us-east-1' }], witnessRegion: 'us-west-2' }))
      .toThrow("Region 'us-east-1' is not in the same region set (EU) as the primary region 'eu-west-1'");
  });
});

describe('errors say where', () => {
  test('an error of a table names its construct path, so a user with twenty tables knows which one', () => {
    const stack = newStack();
    new ProductionTable(stack, 'Orders', { partitionKey: pk });

    expect(() => new ProductionTable(stack, 'Invoices', { partitionKey: pk, sortKey: { name: 'pk', type: dynamodb.AttributeType.STRING } }))
      .toThrow(/^Stack\/Invoices: sortKey\.name must differ from the partition key's name, got 'pk' for both$/);
  });

  test('an error of an index added later names the table', () => {
    const stack = newStack();
    const table = new ProductionTable(stack, 'Orders', { partitionKey: pk });

    expect(() => table.addGlobalSecondaryIndex({ indexName: 'x', partitionKey: pk })).toThrow(/^Stack\/Orders: /);
  });
});

describe('a construct of the user named like the table key', () => {
  test('is reported with what happened and what to do, not as a bare id clash', () => {
    const stack = newStack();
    new HardenedKey(stack, 'OrdersKey', { description: 'mine' });

    expect(() => new ProductionTable(stack, 'Orders', { partitionKey: pk })).toThrow(
      /^Stack\/OrdersKey already exists, and a ProductionTable 'Orders' makes its key there .* Rename that construct, or pass your key as encryption/,
    );
  });
});
