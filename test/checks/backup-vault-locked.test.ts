import { Duration } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { findingsOf, logicalId, newStack, PK, verdictsOf } from './helpers';
import { TableBackup, VaultLock } from '../../src';

const RULE = 'BackupVaultLocked';
const LOCK = { backupVaultLockCheck: true };

test('passes every table without backupVaultLockCheck', () => {
  const stack = newStack();
  TableBackup.of(stack).addTable(new dynamodb.Table(stack, 'Table', { partitionKey: PK }));

  expect(findingsOf(stack, RULE)).toEqual([]);
});

test('passes a table backed up into a locked vault', () => {
  const stack = newStack();
  TableBackup.of(stack, { vaultLock: VaultLock.governance({ minRetention: Duration.days(7) }) });
  TableBackup.of(stack).addTable(new dynamodb.Table(stack, 'Table', { partitionKey: PK }));

  expect(findingsOf(stack, RULE, LOCK)).toEqual([]);
});

test('fails a table backed up into a vault without a lock', () => {
  const stack = newStack();
  const table = new dynamodb.Table(stack, 'Table', { partitionKey: PK });
  TableBackup.of(stack).addTable(table);

  expect(findingsOf(stack, RULE, LOCK)).toEqual([{ resourceLogicalId: logicalId(table), locations: ['Properties'] }]);
});

test('cannot decide a plan whose vault is not in the template', () => {
  // GIVEN a plan into a vault imported by name
  const stack = newStack();
  const table = new dynamodb.Table(stack, 'Table', { partitionKey: PK });
  const plan = backup.BackupPlan.daily35DayRetention(stack, 'Plan', backup.BackupVault.fromBackupVaultName(stack, 'Vault', 'central'));
  plan.addSelection('Tables', { resources: [backup.BackupResource.fromDynamoDbTable(table)] });

  expect(verdictsOf(stack, RULE, LOCK)).toEqual({ failing: [], undecided: [{ resourceLogicalId: logicalId(table), locations: ['Properties'] }] });
});

test('cannot decide a selection whose plan is not in the template', () => {
  // GIVEN a selection into a plan of another stack, named by its id
  const stack = newStack();
  const table = new dynamodb.Table(stack, 'Table', { partitionKey: PK });
  new backup.CfnBackupSelection(stack, 'Selection', {
    backupPlanId: 'plan-of-another-stack',
    backupSelection: { selectionName: 'Tables', iamRoleArn: 'arn:aws:iam::111111111111:role/backup', resources: [table.tableArn] },
  });

  expect(verdictsOf(stack, RULE, LOCK)).toEqual({ failing: [], undecided: [{ resourceLogicalId: logicalId(table), locations: ['Properties'] }] });
});
