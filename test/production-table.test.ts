import { App, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { ProductionTable, ProductionTableProps } from '../src';
import { DynamoDbKitError } from '../src/private/errors';

const ENV = { account: '111111111111', region: 'eu-west-1' };
const pk = { name: 'pk', type: dynamodb.AttributeType.STRING };
const sk = { name: 'sk', type: dynamodb.AttributeType.STRING };

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

  test('a default table records no warning', () => {
    const { stack } = build();

    Annotations.fromStack(stack).hasNoWarning('*', Match.anyValue());
  });
});

describe('migration from TableV2', () => {
  test('swapping TableV2 for ProductionTable keeps the table logical ID', () => {
    const before = new Stack(new App(), 'Stack', { env: ENV });
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
});

describe('overrides', () => {
  test('a user key is used and no key is made', () => {
    const stack = new Stack(new App(), 'Stack', { env: ENV });
    const key = new kms.Key(stack, 'MyKey', { enableKeyRotation: true });

    new ProductionTable(stack, 'Orders', { partitionKey: pk, encryption: dynamodb.TableEncryptionV2.customerManagedKey(key) });

    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::KMS::Key', 3); // the user's, the backup vault's and the alarm topic's
    template.hasResourceProperties(GLOBAL_TABLE, {
      Replicas: [Match.objectLike({ SSESpecification: { KMSMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^MyKey'), 'Arn'] } } })],
    });
  });

  test('a user key works in an environment-agnostic stack too', () => {
    const stack = new Stack(new App(), 'Stack');
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
    Annotations.fromStack(stack).hasNoWarning('*', Match.anyValue());
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
    ['replicas without a key per region', { replicas: [{ region: 'us-east-1' }] }, 'encryption must be given for a ProductionTable with replicas'],
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
    const stack = new Stack(new App(), 'Stack', { env: ENV });
    const name = Token.asString({ Ref: 'TableNameParameter' });

    expect(() => new ProductionTable(stack, 'Orders', { partitionKey: pk, tableName: name })).not.toThrow();
  });

  test.each([
    ['a 21st GSI', { globalSecondaryIndexes: Array.from({ length: 21 }, (_, i) => gsi({ indexName: `index${i}` })) }, 'You may not provide more than 20 global secondary indexes'],
    ['a 6th LSI', { localSecondaryIndexes: Array.from({ length: 6 }, (_, i) => ({ indexName: `local${i}`, sortKey: { name: `s${i}`, type: dynamodb.AttributeType.STRING } })) }, 'You may not provide more than 5 local secondary indexes'],
  ] as Array<[string, Partial<ProductionTableProps>, string]>)('aws-cdk-lib refuses %s first, and its message stands', (_case, props, message) => {
    expect(() => build(props)).toThrow(message);
  });

  test('aws-cdk-lib refuses autoscaling targets outside 20-90 % and min above max when the capacity is made', () => {
    expect(() => dynamodb.Capacity.autoscaled({ maxCapacity: 5, targetUtilizationPercent: 95 }))
      .toThrow('`targetUtilizationPercent` cannot be less than 20 or greater than 90');
    expect(() => dynamodb.Capacity.autoscaled({ maxCapacity: 5, targetUtilizationPercent: 19 }))
      .toThrow('`targetUtilizationPercent` cannot be less than 20 or greater than 90');
    expect(() => dynamodb.Capacity.autoscaled({ minCapacity: 10, maxCapacity: 5 }))
      .toThrow('`minCapacity` must be less than or equal to `maxCapacity`');
  });
});
