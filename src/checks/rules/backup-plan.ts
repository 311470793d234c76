import { refersTo, TableModel } from '../table-model';
import { TableRule } from '../table-rule';

const BACKUP_SELECTION_TYPE = 'AWS::Backup::BackupSelection';

/**
 * The table is selected by an AWS Backup plan of the same template: by ARN, by name, by a
 * wildcard over DynamoDB tables, or by a tag condition that its tags meet.
 */
export const InBackupPlan: TableRule = {
  name: 'InBackupPlan',
  description: 'The DynamoDB table is not selected by any AWS Backup plan in its template, so it has no backups outside DynamoDB that survive the table or its account settings.',
  fix: 'Use a ProductionTable (it joins the stack backup plan), call TableBackup.of(stack).addTable(table), or add the table to an AWS Backup selection.',
  check: table => {
    const selected = table.resourcesOfType(BACKUP_SELECTION_TYPE)
      .some(([, selection]) => selects(selection.Properties?.BackupSelection ?? {}, table));
    return selected ? [] : ['Properties'];
  },
};

function selects(selection: Record<string, any>, table: TableModel): boolean {
  const excluded = asList(selection.NotResources).some(resource => names(resource, table));
  if (excluded) {
    return false;
  }
  return asList(selection.Resources).some(resource => names(resource, table))
    || asList(selection.ListOfTags).some(condition => tagMatches(condition, table));
}

function names(resource: unknown, table: TableModel): boolean {
  if (refersTo(resource, table.logicalId)) {
    return true;
  }
  if (typeof resource !== 'string') {
    return false;
  }
  if (resource === '*' || /^arn:[^:]+:dynamodb:[^:]*:[^:]*:table\/\*$/.test(resource)) {
    return true;
  }
  const tableName = table.properties.TableName;
  return typeof tableName === 'string' && resource.endsWith(`:table/${tableName}`);
}

function tagMatches(condition: Record<string, any>, table: TableModel): boolean {
  if (condition?.ConditionType !== 'STRINGEQUALS') {
    return false;
  }
  return table.tags().some(tag => tag.Key === condition.ConditionKey && tag.Value === condition.ConditionValue);
}

function asList(value: unknown): any[] {
  return Array.isArray(value) ? value : [];
}
