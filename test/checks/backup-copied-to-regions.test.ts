import { Aws } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { tableCopiedTo } from './backup-copies';
import { findingsOf, logicalId, newStack, PK, verdictsOf } from './helpers';
import { TableBackup } from '../../src';

const RULE = 'BackupCopiedToRegions';
const REGIONS = { crossRegionList: ['eu-central-1'] };

test('passes every table without crossRegionList', () => {
  const stack = newStack();
  new dynamodb.Table(stack, 'Table', { partitionKey: PK });

  expect(findingsOf(stack, RULE)).toEqual([]);
});

test('passes a table whose plan copies to the listed region', () => {
  const stack = newStack();
  tableCopiedTo(stack, ['arn:aws:backup:eu-central-1:111111111111:backup-vault:dr']);

  expect(findingsOf(stack, RULE, REGIONS)).toEqual([]);
});

test('fails a table whose plan copies to another region only', () => {
  const stack = newStack();
  const table = tableCopiedTo(stack, ['arn:aws:backup:eu-west-1:111111111111:backup-vault:dr']);

  expect(findingsOf(stack, RULE, REGIONS)).toEqual([{ resourceLogicalId: logicalId(table), locations: ['Properties'] }]);
});

test('fails a table in no backup plan', () => {
  const stack = newStack();
  const table = new dynamodb.Table(stack, 'Table', { partitionKey: PK });

  expect(findingsOf(stack, RULE, REGIONS)).toEqual([{ resourceLogicalId: logicalId(table), locations: ['Properties'] }]);
});

test('passes the library\'s own plan with copies', () => {
  const stack = newStack();
  TableBackup.of(stack, { copies: [{ destinationVaultArn: 'arn:aws:backup:eu-central-1:222222222222:backup-vault:isolated' }] });
  TableBackup.of(stack).addTable(new dynamodb.Table(stack, 'Table', { partitionKey: PK }));

  expect(findingsOf(stack, RULE, REGIONS)).toEqual([]);
});

test('cannot decide a copy whose region is the stack\'s, unknown at synth', () => {
  const stack = newStack();
  const table = tableCopiedTo(stack, [`arn:aws:backup:${Aws.REGION}:111111111111:backup-vault:dr`]);

  expect(verdictsOf(stack, RULE, REGIONS)).toEqual({ failing: [], undecided: [{ resourceLogicalId: logicalId(table), locations: ['Properties'] }] });
});
