import { isTrue } from '../table-model';
import { TableRule } from '../table-rule';

/** Every table, and every replica of a global table, has deletion protection on. */
export const DeletionProtectionEnabled: TableRule = {
  name: 'DeletionProtectionEnabled',
  description: 'The DynamoDB table (or a replica of the global table) does not have deletion protection, so a single DeleteTable call or a stack change that replaces it destroys its data.',
  fix: 'Set deletionProtection: true on the table and on every replica.',
  check: table => table.replicaSettings()
    .filter(settings => !isTrue(settings.properties.DeletionProtectionEnabled))
    .map(settings => `${settings.location}/DeletionProtectionEnabled`),
};
