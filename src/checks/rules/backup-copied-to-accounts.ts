import { copiedToEach } from '../backup-plans';
import { TableRule, whenGiven } from '../table-rule';

/**
 * With `crossAccountList`, every listed account receives a copy of the table's backups: a copy
 * action of a backup plan that selects the table names a vault in that account. AWS Config's
 * dynamodb-resources-protected-by-backup-plan takes the same list as `crossAccountList`:
 * https://docs.aws.amazon.com/config/latest/developerguide/dynamodb-resources-protected-by-backup-plan.html
 */
export const BackupCopiedToAccounts: TableRule = {
  name: 'BackupCopiedToAccounts',
  description: 'No backup plan that selects the DynamoDB table copies its recovery points to every account that DynamoDbChecks\' ' +
    'crossAccountList names, so whoever controls this account controls every copy.',
  fix: 'Add a copy to a vault in each listed account, for example TableBackup.of(stack, { copies: [{ destinationVaultArn }] }), ' +
    'or a copyActions entry of your backup plan\'s rule; the destination vault\'s access policy must let this account copy in.',
  check: whenGiven('crossAccountList', (table, accounts) => copiedToEach(table, accounts, destination => destination.account)),
};
