import { isToken, isTrue } from '../table-model';
import { findings, TableRule } from '../table-rule';

// RecoveryPeriodInDays "If no value is provided, the value will default to 35":
// https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_PointInTimeRecoverySpecification.html
const DEFAULT_RECOVERY_DAYS = 35;

/**
 * Every table, and every replica of a global table, has point-in-time recovery on; with
 * `minRecoveryPeriodInDays`, keeping at least that many days.
 */
export const PointInTimeRecoveryEnabled: TableRule = {
  name: 'PointInTimeRecoveryEnabled',
  description: 'The DynamoDB table (or a replica of the global table) does not have point-in-time recovery enabled, or keeps ' +
    'fewer days than DynamoDbChecks\' minRecoveryPeriodInDays, so it cannot be restored to a moment before an accidental write or delete.',
  fix: 'Set pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true } on the table and on every replica, with ' +
    'recoveryPeriodInDays at least the required period (left out, it is 35).',
  check: (table, settings) => {
    const failing: string[] = [];
    const undecided: string[] = [];
    for (const replica of table.replicaSettings()) {
      const location = `${replica.location}/PointInTimeRecoverySpecification`;
      const specification = replica.properties.PointInTimeRecoverySpecification;
      if (isToken(specification?.PointInTimeRecoveryEnabled)) {
        undecided.push(`${location}/PointInTimeRecoveryEnabled`);
        continue;
      }
      if (!isTrue(specification?.PointInTimeRecoveryEnabled)) {
        failing.push(location);
        continue;
      }
      if (settings.minRecoveryPeriodInDays === undefined) {
        continue;
      }
      const days = specification.RecoveryPeriodInDays ?? DEFAULT_RECOVERY_DAYS;
      if (isToken(days)) {
        undecided.push(`${location}/RecoveryPeriodInDays`);
      } else if (!(Number(days) >= settings.minRecoveryPeriodInDays)) {
        failing.push(`${location}/RecoveryPeriodInDays`);
      }
    }
    return findings(failing, undecided);
  },
};
