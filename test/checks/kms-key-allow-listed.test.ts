import { Fn, Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as kms from 'aws-cdk-lib/aws-kms';
import { ENV, findingsOf, logicalId, newStack, PK, verdictsOf } from './helpers';

const RULE = 'KmsKeyAllowListed';
const LISTED_ARN = 'arn:aws:kms:us-east-1:111111111111:key/00000000-0000-0000-0000-000000000000';
const OTHER_ARN = 'arn:aws:kms:us-east-1:111111111111:key/99999999-9999-9999-9999-999999999999';

function tableWithKey(stack: Stack, kmsMasterKeyId: unknown): dynamodb.CfnTable {
  return new dynamodb.CfnTable(stack, 'Table', {
    keySchema: [{ attributeName: 'pk', keyType: 'HASH' }],
    attributeDefinitions: [{ attributeName: 'pk', attributeType: 'S' }],
    billingMode: 'PAY_PER_REQUEST',
    sseSpecification: { sseEnabled: true, sseType: 'KMS', kmsMasterKeyId: kmsMasterKeyId as string },
  });
}

test('passes every table without kmsKeyArns', () => {
  const stack = newStack();
  tableWithKey(stack, OTHER_ARN);

  expect(findingsOf(stack, RULE)).toEqual([]);
});

test('passes a literal key ARN that is listed, and fails one that is not', () => {
  const listed = newStack();
  tableWithKey(listed, LISTED_ARN);
  const other = newStack();
  const table = tableWithKey(other, OTHER_ARN);

  expect(findingsOf(listed, RULE, { kmsKeyArns: [LISTED_ARN] })).toEqual([]);
  expect(findingsOf(other, RULE, { kmsKeyArns: [LISTED_ARN] })).toEqual([{ resourceLogicalId: logicalId(table), locations: ['Properties/SSESpecification/KMSMasterKeyId'] }]);
});

test('passes a key of the same template only when its logical ID is listed', () => {
  const stack = newStack();
  const key = new kms.Key(stack, 'Key');
  const table = new dynamodb.Table(stack, 'Table', { partitionKey: PK, encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED, encryptionKey: key });

  expect(findingsOf(stack, RULE, { kmsKeyArns: [logicalId(key)] })).toEqual([]);
  expect(findingsOf(newStackWithKey(), RULE, { kmsKeyArns: [LISTED_ARN] })).toEqual([{ resourceLogicalId: logicalId(table), locations: ['Properties/SSESpecification/KMSMasterKeyId'] }]);
});

test('cannot decide a key imported from another stack, and does not pass it', () => {
  const stack = newStack();
  const table = tableWithKey(stack, Fn.importValue('TableKeyArn'));

  expect(verdictsOf(stack, RULE, { kmsKeyArns: [LISTED_ARN] })).toEqual({
    failing: [],
    undecided: [{ resourceLogicalId: logicalId(table), locations: ['Properties/SSESpecification/KMSMasterKeyId'] }],
  });
});

test('fails a table without KMS encryption, and one with the AWS managed key', () => {
  const plain = newStack();
  const plainTable = new dynamodb.Table(plain, 'Table', { partitionKey: PK });
  const managed = newStack();
  const managedTable = new dynamodb.CfnTable(managed, 'Table', {
    keySchema: [{ attributeName: 'pk', keyType: 'HASH' }],
    attributeDefinitions: [{ attributeName: 'pk', attributeType: 'S' }],
    billingMode: 'PAY_PER_REQUEST',
    sseSpecification: { sseEnabled: true, sseType: 'KMS' },
  });

  expect(findingsOf(plain, RULE, { kmsKeyArns: [LISTED_ARN] })).toEqual([{ resourceLogicalId: logicalId(plainTable), locations: ['Properties/SSESpecification'] }]);
  expect(findingsOf(managed, RULE, { kmsKeyArns: [LISTED_ARN] })).toEqual([{ resourceLogicalId: logicalId(managedTable), locations: ['Properties/SSESpecification/KMSMasterKeyId'] }]);
});

test('fails only the second replica of a global table, whose key is not listed', () => {
  // GIVEN replicas us-west-2 (listed key), eu-west-1 (another key) and the primary us-east-1 (this stack's key, listed by logical ID)
  const stack = newStack(ENV);
  const key = new kms.Key(stack, 'Key');
  const table = new dynamodb.TableV2(stack, 'Table', {
    partitionKey: PK,
    encryption: dynamodb.TableEncryptionV2.customerManagedKey(key, {
      'us-west-2': 'arn:aws:kms:us-west-2:111111111111:key/00000000-0000-0000-0000-000000000000',
      'eu-west-1': 'arn:aws:kms:eu-west-1:111111111111:key/99999999-9999-9999-9999-999999999999',
    }),
    replicas: [{ region: 'us-west-2' }, { region: 'eu-west-1' }],
  });

  expect(findingsOf(stack, RULE, { kmsKeyArns: ['arn:aws:kms:us-west-2:111111111111:key/00000000-0000-0000-0000-000000000000', logicalId(key)] }))
    .toEqual([{ resourceLogicalId: logicalId(table), locations: ['Properties/Replicas/1/SSESpecification/KMSMasterKeyId'] }]);
});

function newStackWithKey(): Stack {
  const stack = newStack();
  const key = new kms.Key(stack, 'Key');
  new dynamodb.Table(stack, 'Table', { partitionKey: PK, encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED, encryptionKey: key });
  return stack;
}
