import { isTrue, TableModel } from '../table-model';
import { TableRule } from '../table-rule';

/**
 * Every table and every global secondary index has CloudWatch contributor insights on; for a
 * global table, in every replica. A throttle on an index names no key without the index's own
 * insights.
 */
export const ContributorInsightsEnabled: TableRule = {
  name: 'ContributorInsightsEnabled',
  description: 'The DynamoDB table, one of its global secondary indexes, or one of them in a replica of the global table, does not have CloudWatch contributor insights enabled, so the keys behind a throttle cannot be named when it happens.',
  fix: 'Set contributorInsightsSpecification: { enabled: true, mode: ContributorInsightsMode.THROTTLED_KEYS } on the table; a TableV2 carries it to every replica\'s indexes unless a replica\'s globalSecondaryIndexOptions turns it off. For a Table, set it on each global secondary index too.',
  check: table => table.isGlobal ? globalTableGaps(table) : regionalTableGaps(table),
};

const SPECIFICATION = 'ContributorInsightsSpecification';

function isEnabled(settings: any): boolean {
  return isTrue(settings?.[SPECIFICATION]?.Enabled);
}

/**
 * A table keeps the setting at its top level and inside each `GlobalSecondaryIndexes[i]`:
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-dynamodb-table-globalsecondaryindex.html#cfn-dynamodb-table-globalsecondaryindex-contributorinsightsspecification
 */
function regionalTableGaps(table: TableModel): string[] {
  const gaps: string[] = [];
  if (!isEnabled(table.properties)) {
    gaps.push(`Properties/${SPECIFICATION}`);
  }
  const indexes: any[] = Array.isArray(table.properties.GlobalSecondaryIndexes) ? table.properties.GlobalSecondaryIndexes : [];
  indexes.forEach((index, i) => {
    if (!isEnabled(index)) {
      gaps.push(`Properties/GlobalSecondaryIndexes/${i}/${SPECIFICATION}`);
    }
  });
  return gaps;
}

/**
 * A global table keeps the setting per replica, and per index inside each replica's
 * `GlobalSecondaryIndexes` (by `IndexName`); the table-level index definition has no such property:
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-dynamodb-globaltable-replicaglobalsecondaryindexspecification.html
 */
function globalTableGaps(table: TableModel): string[] {
  const gaps: string[] = [];
  for (const replica of table.replicaSettings()) {
    if (!isEnabled(replica.properties)) {
      gaps.push(`${replica.location}/${SPECIFICATION}`);
    }
    const replicaIndexes: any[] = Array.isArray(replica.properties.GlobalSecondaryIndexes) ? replica.properties.GlobalSecondaryIndexes : [];
    let unlisted = false;
    for (const indexName of table.globalSecondaryIndexNames()) {
      const position = replicaIndexes.findIndex(candidate => candidate?.IndexName === indexName);
      if (position === -1) {
        // An index the replica does not list has no insights there; one location says so for all of them
        unlisted = true;
      } else if (!isEnabled(replicaIndexes[position])) {
        gaps.push(`${replica.location}/GlobalSecondaryIndexes/${position}/${SPECIFICATION}`);
      }
    }
    if (unlisted) {
      gaps.push(`${replica.location}/GlobalSecondaryIndexes`);
    }
  }
  return gaps;
}
