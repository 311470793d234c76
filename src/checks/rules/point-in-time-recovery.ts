import { isTrue } from '../table-model';
import { TableRule } from '../table-rule';

/** Every table, and every replica of a global table, has point-in-time recovery on. */
export const PointInTimeRecoveryEnabled: TableRule = {
  name: 'PointInTimeRecoveryEnabled',
  description: 'The DynamoDB table (or a replica of the global table) does not have point-in-time recovery enabled, so it cannot be restored to a moment before an accidental write or delete.',
  fix: 'Set pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true } on the table and on every replica.',
  check: table => table.replicaSettings()
    .filter(settings => !isTrue(settings.properties.PointInTimeRecoverySpecification?.PointInTimeRecoveryEnabled))
    .map(settings => `${settings.location}/PointInTimeRecoverySpecification`),
};
