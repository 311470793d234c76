import { isToken } from '../table-model';
import { findings, TableRule, whenGiven } from '../table-rule';

/**
 * With `requiredTagKeys`, every table (every replica of a global table, which keeps its tags per
 * replica) carries each listed tag key, as Security Hub DynamoDB.5 checks with the same parameter:
 * https://docs.aws.amazon.com/securityhub/latest/userguide/dynamodb-controls.html#dynamodb-5
 * Tag keys are case sensitive there and here.
 */
export const TableTagged: TableRule = {
  name: 'TableTagged',
  description: 'The DynamoDB table (or a replica of the global table) lacks a tag key that DynamoDbChecks\' requiredTagKeys ' +
    'lists (Security Hub DynamoDB.5), so it cannot be attributed to an owner, cost centre or data class.',
  fix: 'Add the missing tags, for example Tags.of(table).add(key, value); a TableV2 carries them to every replica, unless a replica sets its own.',
  check: whenGiven('requiredTagKeys', (table, required) => {
    const failing: string[] = [];
    const undecided: string[] = [];
    for (const replica of table.replicaSettings()) {
      const tags = replica.properties.Tags;
      const location = `${replica.location}/Tags`;
      if (isToken(tags) || (Array.isArray(tags) && tags.some(tag => isToken(tag) || isToken(tag?.Key)))) {
        undecided.push(location);
        continue;
      }
      const keys = new Set((Array.isArray(tags) ? tags : []).map(tag => tag?.Key));
      if (!required.every(key => keys.has(key))) {
        failing.push(location);
      }
    }
    return findings(failing, undecided);
  }),
};
