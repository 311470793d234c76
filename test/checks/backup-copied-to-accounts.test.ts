import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { tableCopiedTo } from './backup-copies';
import { findingsOf, logicalId, newStack, PK } from './helpers';

const RULE = 'BackupCopiedToAccounts';
const ACCOUNTS = { crossAccountList: ['222222222222'] };

test('passes every table without crossAccountList', () => {
  const stack = newStack();
  new dynamodb.Table(stack, 'Table', { partitionKey: PK });

  expect(findingsOf(stack, RULE)).toEqual([]);
});

test('passes a table whose plan copies to the listed account', () => {
  const stack = newStack();
  tableCopiedTo(stack, ['arn:aws:backup:eu-west-1:222222222222:backup-vault:isolated']);

  expect(findingsOf(stack, RULE, ACCOUNTS)).toEqual([]);
});

test('fails a table whose plan copies within its own account only', () => {
  const stack = newStack();
  const table = tableCopiedTo(stack, ['arn:aws:backup:eu-west-1:111111111111:backup-vault:dr']);

  expect(findingsOf(stack, RULE, ACCOUNTS)).toEqual([{ resourceLogicalId: logicalId(table), locations: ['Properties'] }]);
});

test('every listed account needs a copy', () => {
  const stack = newStack();
  const table = tableCopiedTo(stack, ['arn:aws:backup:eu-west-1:222222222222:backup-vault:isolated']);

  expect(findingsOf(stack, RULE, { crossAccountList: ['222222222222', '333333333333'] })).toEqual([{ resourceLogicalId: logicalId(table), locations: ['Properties'] }]);
});
