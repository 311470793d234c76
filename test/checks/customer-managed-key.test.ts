import { Stack, Validations } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as kms from 'aws-cdk-lib/aws-kms';
import { ENV, findingsOf, logicalId, newStack, PK, runChecks } from './helpers';

const RULE = 'CustomerManagedKeyEncryption';
const REPLICA_KEY_ARN = 'arn:aws:kms:us-west-2:111111111111:key/00000000-0000-0000-0000-000000000000';

describe('TableV2 (AWS::DynamoDB::GlobalTable)', () => {
  test('passes with a customer-managed key', () => {
    // An env-agnostic stack cannot render a TableV2 customer-managed key, hence ENV
    const stack = newStack(ENV);
    const key = new kms.Key(stack, 'Key');
    new dynamodb.TableV2(stack, 'Table', {
      partitionKey: PK,
      encryption: dynamodb.TableEncryptionV2.customerManagedKey(key),
    });

    expect(findingsOf(stack, RULE)).toEqual([]);
  });

  test('fails with the default DynamoDB-owned key, which renders no KMS encryption', () => {
    const stack = newStack();
    const table = new dynamodb.TableV2(stack, 'Table', { partitionKey: PK });

    expect(findingsOf(stack, RULE)).toEqual([{
      resourceLogicalId: logicalId(table),
      locations: ['Properties/SSESpecification'],
    }]);
  });

  test('fails at the replica with the AWS managed key', () => {
    const stack = newStack();
    const table = new dynamodb.TableV2(stack, 'Table', {
      partitionKey: PK,
      encryption: dynamodb.TableEncryptionV2.awsManagedKey(),
    });

    expect(findingsOf(stack, RULE)).toEqual([{
      resourceLogicalId: logicalId(table),
      locations: ['Properties/Replicas/0/SSESpecification/KMSMasterKeyId'],
    }]);
  });

  test('passes when every replica has a customer-managed key', () => {
    const stack = newStack(ENV);
    const key = new kms.Key(stack, 'Key');
    new dynamodb.TableV2(stack, 'Table', {
      partitionKey: PK,
      encryption: dynamodb.TableEncryptionV2.customerManagedKey(key, { 'us-west-2': REPLICA_KEY_ARN }),
      replicas: [{ region: 'us-west-2' }],
    });

    expect(findingsOf(stack, RULE)).toEqual([]);
  });

  test('fails only at the replica whose key is the AWS managed alias', () => {
    // GIVEN a customer-managed key on both replicas, then the us-west-2 one (Replicas/0) overridden
    const stack = newStack(ENV);
    const key = new kms.Key(stack, 'Key');
    const table = new dynamodb.TableV2(stack, 'Table', {
      partitionKey: PK,
      encryption: dynamodb.TableEncryptionV2.customerManagedKey(key, { 'us-west-2': REPLICA_KEY_ARN }),
      replicas: [{ region: 'us-west-2' }],
    });
    (table.node.defaultChild as dynamodb.CfnGlobalTable).addPropertyOverride(
      'Replicas.0.SSESpecification.KMSMasterKeyId', 'arn:aws:kms:us-west-2:111111111111:alias/aws/dynamodb');

    expect(findingsOf(stack, RULE)).toEqual([{
      resourceLogicalId: logicalId(table),
      locations: ['Properties/Replicas/0/SSESpecification/KMSMasterKeyId'],
    }]);
  });
});

describe('Table (AWS::DynamoDB::Table)', () => {
  test('passes with a customer-managed key', () => {
    const stack = newStack();
    new dynamodb.Table(stack, 'Table', {
      partitionKey: PK,
      encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
    });

    expect(findingsOf(stack, RULE)).toEqual([]);
  });

  test('fails with the default DynamoDB-owned key', () => {
    const stack = newStack();
    const table = new dynamodb.Table(stack, 'Table', { partitionKey: PK });

    expect(findingsOf(stack, RULE)).toEqual([{
      resourceLogicalId: logicalId(table),
      locations: ['Properties/SSESpecification'],
    }]);
  });

  test('fails with the AWS managed key', () => {
    const stack = newStack();
    const table = new dynamodb.Table(stack, 'Table', {
      partitionKey: PK,
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
    });

    // aws-cdk-lib renders the AWS managed key as SSEEnabled alone, without SSEType: KMS
    expect(findingsOf(stack, RULE)).toEqual([{
      resourceLogicalId: logicalId(table),
      locations: ['Properties/SSESpecification'],
    }]);
  });

  test.each([
    'alias/aws/dynamodb',
    'arn:aws:kms:us-east-1:111111111111:alias/aws/dynamodb',
  ])('fails when the key named is the AWS managed key %s', keyId => {
    const stack = newStack();
    const table = cfnTable(stack, { sseEnabled: true, sseType: 'KMS', kmsMasterKeyId: keyId });

    expect(findingsOf(stack, RULE)).toEqual([{
      resourceLogicalId: logicalId(table),
      locations: ['Properties/SSESpecification/KMSMasterKeyId'],
    }]);
  });
});

describe('a key without SSEType', () => {
  test('fails at SSEType, with a message that names it', () => {
    // GIVEN a key and SSEEnabled, but no SSEType: KMS, which CloudFormation refuses
    const stack = newStack();
    const table = cfnTable(stack, { sseEnabled: true, kmsMasterKeyId: 'arn:aws:kms:us-east-1:111111111111:key/00000000-0000-0000-0000-000000000000' });
    Validations.of(table).acknowledge({ id: 'CloudFormation-Validate::F3021', reason: 'The missing SSEType is the point of the test.' });

    // THEN
    const { report, findings } = runChecks(stack);
    expect(findings[RULE]).toEqual([{ resourceLogicalId: logicalId(table), locations: ['Properties/SSESpecification/SSEType'] }]);
    const violation = report.violations.find(v => v.ruleName === RULE);
    expect(violation?.description).toMatch(/^SSESpecification names a KMS key but has no SSEType: set SSEType to KMS/);
  });

  test('a table without any key keeps the general message', () => {
    const stack = newStack();
    cfnTable(stack, { sseEnabled: false });

    const violation = runChecks(stack).report.violations.find(v => v.ruleName === RULE);
    expect(violation?.description).toMatch(/^The DynamoDB table/);
  });
});

describe('AWS::DynamoDB::GlobalTable with three replicas', () => {
  test('fails only the third replica, whose key is the AWS managed alias', () => {
    // GIVEN replicas us-west-2, eu-west-1 and the primary us-east-1, each with a customer-managed key,
    // then the primary (Replicas/2) overridden to the AWS managed key
    const stack = newStack(ENV);
    const key = new kms.Key(stack, 'Key');
    const table = new dynamodb.TableV2(stack, 'Table', {
      partitionKey: PK,
      encryption: dynamodb.TableEncryptionV2.customerManagedKey(key, {
        'us-west-2': REPLICA_KEY_ARN,
        'eu-west-1': 'arn:aws:kms:eu-west-1:111111111111:key/11111111-1111-1111-1111-111111111111',
      }),
      replicas: [{ region: 'us-west-2' }, { region: 'eu-west-1' }],
    });
    (table.node.defaultChild as dynamodb.CfnGlobalTable).addPropertyOverride(
      'Replicas.2.SSESpecification.KMSMasterKeyId', 'alias/aws/dynamodb');

    expect(findingsOf(stack, RULE)).toEqual([{
      resourceLogicalId: logicalId(table),
      locations: ['Properties/Replicas/2/SSESpecification/KMSMasterKeyId'],
    }]);
  });
});

function cfnTable(stack: Stack, sseSpecification: dynamodb.CfnTable.SSESpecificationProperty) {
  return new dynamodb.CfnTable(stack, 'Table', {
    keySchema: [{ attributeName: 'pk', keyType: 'HASH' }],
    attributeDefinitions: [{ attributeName: 'pk', attributeType: 'S' }],
    billingMode: 'PAY_PER_REQUEST',
    sseSpecification,
  });
}
