import { refersTo, TableModel } from '../table-model';
import { TableRule } from '../table-rule';

const BACKUP_SELECTION_TYPE = 'AWS::Backup::BackupSelection';
const ANY_TABLE_ARN = /^arn:[^:]+:dynamodb:[^:]*:[^:]*:table\/\*$/;
const RESOURCE_TAG = 'aws:ResourceTag/';

/**
 * The table is selected by an AWS Backup plan of the same template: by ARN, by name, by a
 * wildcard over DynamoDB tables, or by a tag condition that its tags meet.
 */
export const InBackupPlan: TableRule = {
  name: 'InBackupPlan',
  description: 'The DynamoDB table is not selected by any AWS Backup plan in its template, so it has no backups outside DynamoDB that survive the table or its account settings.',
  fix: 'Use a ProductionTable (it joins the stack backup plan), call TableBackup.of(stack).addTable(table), or add the table to an AWS Backup selection.',
  check: table => backupSelectionsOf(table).length > 0 ? [] : ['Properties'],
};

/** The AWS Backup selections of the table's template that select it. */
export function backupSelectionsOf(table: TableModel): Array<Record<string, any>> {
  return table.resourcesOfType(BACKUP_SELECTION_TYPE)
    .map(([, selection]) => selection.Properties ?? {})
    .filter(selection => selects(selection.BackupSelection ?? {}, table));
}

/**
 * AWS Backup selects a resource that Resources or ListOfTags names, that NotResources does not
 * exclude, and that meets every one of Conditions.
 */
function selects(selection: Record<string, any>, table: TableModel): boolean {
  const named = asList(selection.Resources).some(resource => names(resource, table))
    || asList(selection.ListOfTags).some(condition => condition?.ConditionType === 'STRINGEQUALS' && hasTag(table, condition.ConditionKey, value => value === condition.ConditionValue));
  const excluded = asList(selection.NotResources).some(resource => names(resource, table));
  return named && !excluded && meetsConditions(selection.Conditions ?? {}, table);
}

function names(resource: unknown, table: TableModel): boolean {
  if (refersTo(resource, table.logicalId)) {
    return true;
  }
  const arn = literalArn(resource);
  if (arn === undefined) {
    return false;
  }
  if (arn === '*' || ANY_TABLE_ARN.test(arn)) {
    return true;
  }
  const tableName = table.properties.TableName;
  return typeof tableName === 'string' && arn.endsWith(`:table/${tableName}`);
}

/** A string, or an Fn::Join of strings and pseudo parameters (`arn:${Aws.PARTITION}:...`), as text. */
export function literalArn(resource: unknown): string | undefined {
  if (typeof resource === 'string') {
    return resource;
  }
  const join = (resource as any)?.['Fn::Join'];
  if (!Array.isArray(join) || typeof join[0] !== 'string' || !Array.isArray(join[1])) {
    return undefined;
  }
  const parts = join[1].map((part: unknown) => {
    if (typeof part === 'string') {
      return part;
    }
    const ref = (part as any)?.Ref;
    return typeof ref === 'string' && ref.startsWith('AWS::') ? ref.slice('AWS::'.length) : undefined;
  });
  return parts.every((part: string | undefined) => part !== undefined) ? parts.join(join[0]) : undefined;
}

/** Conditions on resource tags; every one must hold. Conditions on anything else cannot be judged and fail. */
function meetsConditions(conditions: Record<string, any>, table: TableModel): boolean {
  const tests: Record<string, (actual: unknown, expected: string) => boolean> = {
    StringEquals: (actual, expected) => actual === expected,
    StringNotEquals: (actual, expected) => actual !== expected,
    StringLike: (actual, expected) => typeof actual === 'string' && wildcard(expected).test(actual),
    StringNotLike: (actual, expected) => !(typeof actual === 'string' && wildcard(expected).test(actual)),
  };
  return Object.entries(conditions).every(([operator, entries]) => asList(entries).every(entry => {
    const test = tests[operator];
    const key = entry?.ConditionKey;
    if (!test || typeof key !== 'string' || !key.startsWith(RESOURCE_TAG) || typeof entry.ConditionValue !== 'string') {
      return false;
    }
    const values = tagValues(table, key.slice(RESOURCE_TAG.length));
    const actual = values.length > 0 ? values[0] : undefined;
    return test(actual, entry.ConditionValue);
  }));
}

function hasTag(table: TableModel, key: unknown, matches: (value: unknown) => boolean): boolean {
  return table.tags().some(tag => tag.Key === key && matches(tag.Value));
}

function tagValues(table: TableModel, key: string): unknown[] {
  return table.tags().filter(tag => tag.Key === key).map(tag => tag.Value);
}

function wildcard(pattern: string): RegExp {
  return new RegExp(`^${pattern.split('*').map(part => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
}

function asList(value: unknown): any[] {
  return Array.isArray(value) ? value : [];
}
