import { Duration, Stack } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { PK } from './helpers';

/** A table in a plan of the stack whose rule copies to the given vault ARNs. */
export function tableCopiedTo(stack: Stack, destinationVaultArns: string[]): dynamodb.Table {
  const table = new dynamodb.Table(stack, 'Table', { partitionKey: PK });
  const plan = new backup.BackupPlan(stack, 'Plan', { backupVault: new backup.BackupVault(stack, 'Vault') });
  plan.addRule(new backup.BackupPlanRule({
    ruleName: 'Daily',
    scheduleExpression: undefined,
    deleteAfter: Duration.days(35),
    copyActions: destinationVaultArns.map((arn, index) => ({
      destinationBackupVault: backup.BackupVault.fromBackupVaultArn(stack, `Destination${index}`, arn),
      deleteAfter: Duration.days(35),
    })),
  }));
  plan.addSelection('Tables', { resources: [backup.BackupResource.fromDynamoDbTable(table)] });
  return table;
}
