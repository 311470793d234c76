import { copiedToEach } from '../backup-plans';
import { TableRule, whenGiven } from '../table-rule';

/**
 * With `crossRegionList`, every listed region receives a copy of the table's backups: a copy
 * action of a backup plan that selects the table names a vault in that region. AWS Config's
 * dynamodb-resources-protected-by-backup-plan takes the same list as `crossRegionList`:
 * https://docs.aws.amazon.com/config/latest/developerguide/dynamodb-resources-protected-by-backup-plan.html
 */
export const BackupCopiedToRegions: TableRule = {
  name: 'BackupCopiedToRegions',
  description: 'No backup plan that selects the DynamoDB table copies its recovery points to every region that DynamoDbChecks\' ' +
    'crossRegionList names, so a regional outage or a compromised region can take the backups with the table.',
  fix: 'Add a copy to a vault in each listed region, for example TableBackup.of(stack, { copies: [{ destinationVaultArn }] }), ' +
    'or a copyActions entry of your backup plan\'s rule.',
  check: whenGiven('crossRegionList', (table, regions) => copiedToEach(table, regions, destination => destination.region)),
};
