import { plansFallShort, selectingRules } from '../backup-plans';
import { referencedResource } from '../table-model';
import { TableRule, whenGiven } from '../table-rule';

const BACKUP_VAULT_TYPE = 'AWS::Backup::BackupVault';

/**
 * With `backupVaultLockCheck`, the table is backed up into a vault with an AWS Backup Vault Lock:
 * a rule of a backup plan that selects it targets a vault with a LockConfiguration. Security Hub
 * DynamoDB.4 and AWS Config's dynamodb-resources-protected-by-backup-plan take the same switch:
 * https://docs.aws.amazon.com/securityhub/latest/userguide/dynamodb-controls.html#dynamodb-4
 */
export const BackupVaultLocked: TableRule = {
  name: 'BackupVaultLocked',
  description: 'No backup plan that selects the DynamoDB table backs it up into a vault with an AWS Backup Vault Lock, as ' +
    'DynamoDbChecks\' backupVaultLockCheck requires, so its recovery points can be deleted early by anyone with the permission.',
  fix: 'Lock the vault, for example TableBackup.of(stack, { vaultLock: VaultLock.compliance({ ... }) }), or set lockConfiguration on your BackupVault.',
  check: whenGiven('backupVaultLockCheck', table => {
    const vaults = table.resourcesOfType(BACKUP_VAULT_TYPE);
    const selected = selectingRules(table);
    let unknown = selected.unknown;
    for (const rule of selected.rules) {
      const target = rule?.TargetBackupVault;
      const vaultId = typeof target === 'string'
        ? vaults.find(([, vault]) => vault.Properties?.BackupVaultName === target)?.[0]
        : referencedResource(target);
      const vault = vaults.find(([id]) => id === vaultId)?.[1];
      if (vault === undefined) {
        unknown = true;
      } else if (vault.Properties?.LockConfiguration !== undefined) {
        return [];
      }
    }
    return plansFallShort(unknown);
  }),
};
