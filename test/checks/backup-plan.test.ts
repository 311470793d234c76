import { Aws, Stack, Tags } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { ENV, findingsOf, logicalId, newStack, PK } from './helpers';
import { TableBackup } from '../../src';

const RULE = 'InBackupPlan';

describe('TableV2 (AWS::DynamoDB::GlobalTable)', () => {
  test('passes when added to the stack backup plan', () => {
    const stack = newStack();
    const table = new dynamodb.TableV2(stack, 'Table', { partitionKey: PK });
    TableBackup.of(stack).addTable(table);

    expect(findingsOf(stack, RULE)).toEqual([]);
  });

  test('fails without a backup plan', () => {
    const stack = newStack();
    const table = new dynamodb.TableV2(stack, 'Table', { partitionKey: PK });

    expect(findingsOf(stack, RULE)).toEqual([{ resourceLogicalId: logicalId(table), locations: ['Properties'] }]);
  });

  test('passes when selected by a tag its replica carries', () => {
    const stack = newStack();
    const table = new dynamodb.TableV2(stack, 'Table', { partitionKey: PK });
    Tags.of(table).add('backup', 'daily');
    dailyPlan(stack).addSelection('Tagged', { resources: [backup.BackupResource.fromTag('backup', 'daily')] });

    expect(findingsOf(stack, RULE)).toEqual([]);
  });
});

describe('Table (AWS::DynamoDB::Table)', () => {
  test('passes when added to the stack backup plan', () => {
    const stack = newStack();
    const table = new dynamodb.Table(stack, 'Table', { partitionKey: PK });
    TableBackup.of(stack).addTable(table);

    expect(findingsOf(stack, RULE)).toEqual([]);
  });

  test('fails without a backup plan', () => {
    const stack = newStack();
    const table = new dynamodb.Table(stack, 'Table', { partitionKey: PK });

    expect(findingsOf(stack, RULE)).toEqual([{ resourceLogicalId: logicalId(table), locations: ['Properties'] }]);
  });

  test('fails when the stack backup plan holds another table only', () => {
    const stack = newStack();
    const backedUp = new dynamodb.Table(stack, 'BackedUp', { partitionKey: PK });
    const other = new dynamodb.Table(stack, 'Other', { partitionKey: PK });
    TableBackup.of(stack).addTable(backedUp);

    expect(findingsOf(stack, RULE)).toEqual([{ resourceLogicalId: logicalId(other), locations: ['Properties'] }]);
  });
});

describe('selections of an AWS Backup plan', () => {
  test('a tag selection takes the table with that tag, not a table tagged otherwise', () => {
    // GIVEN a plan that selects backup=daily, and two tables tagged daily and weekly
    const stack = newStack();
    const daily = new dynamodb.Table(stack, 'Daily', { partitionKey: PK });
    Tags.of(daily).add('backup', 'daily');
    const weekly = new dynamodb.Table(stack, 'Weekly', { partitionKey: PK });
    Tags.of(weekly).add('backup', 'weekly');
    dailyPlan(stack).addSelection('Tagged', { resources: [backup.BackupResource.fromTag('backup', 'daily')] });

    // THEN only the weekly table is outside a plan
    expect(findingsOf(stack, RULE)).toEqual([{ resourceLogicalId: logicalId(weekly), locations: ['Properties'] }]);
  });

  test('an ARN wildcard over DynamoDB tables takes every table', () => {
    const stack = newStack();
    new dynamodb.Table(stack, 'Table', { partitionKey: PK });
    new dynamodb.TableV2(stack, 'TableV2', { partitionKey: PK });
    dailyPlan(stack).addSelection('AllTables', {
      resources: [backup.BackupResource.fromArn('arn:aws:dynamodb:*:*:table/*')],
    });

    expect(findingsOf(stack, RULE)).toEqual([]);
  });

  test('an ARN with the table name takes that table only', () => {
    const stack = newStack();
    new dynamodb.Table(stack, 'Orders', { partitionKey: PK, tableName: 'orders' });
    const audit = new dynamodb.Table(stack, 'Audit', { partitionKey: PK, tableName: 'orders-audit' });
    dailyPlan(stack).addSelection('Orders', {
      resources: [backup.BackupResource.fromArn('arn:aws:dynamodb:us-east-1:111111111111:table/orders')],
    });

    expect(findingsOf(stack, RULE)).toEqual([{ resourceLogicalId: logicalId(audit), locations: ['Properties'] }]);
  });

  test('a table in NotResources is not taken by a wildcard', () => {
    const stack = newStack();
    new dynamodb.Table(stack, 'Kept', { partitionKey: PK });
    const excluded = new dynamodb.Table(stack, 'Excluded', { partitionKey: PK });
    new backup.CfnBackupSelection(stack, 'Selection', {
      backupPlanId: dailyPlan(stack).backupPlanId,
      backupSelection: {
        selectionName: 'AllButOne',
        iamRoleArn: 'arn:aws:iam::111111111111:role/backup',
        resources: ['arn:aws:dynamodb:*:*:table/*'],
        notResources: [excluded.tableArn],
      },
    });

    expect(findingsOf(stack, RULE)).toEqual([{ resourceLogicalId: logicalId(excluded), locations: ['Properties'] }]);
  });
});

describe('selections written with intrinsics and conditions', () => {
  test('a wildcard ARN built with pseudo parameters takes every table', () => {
    const stack = newStack();
    new dynamodb.TableV2(stack, 'Table', { partitionKey: PK });
    dailyPlan(stack).addSelection('AllTables', {
      resources: [backup.BackupResource.fromArn(`arn:${Aws.PARTITION}:dynamodb:${Aws.REGION}:${Aws.ACCOUNT_ID}:table/*`)],
    });

    expect(findingsOf(stack, RULE)).toEqual([]);
  });

  test('Conditions narrow a wildcard to the tables whose tags meet them', () => {
    const stack = newStack();
    const tagged = new dynamodb.TableV2(stack, 'Tagged', { partitionKey: PK });
    Tags.of(tagged).add('backup', 'daily');
    const untagged = new dynamodb.TableV2(stack, 'Untagged', { partitionKey: PK });
    const prefixed = new dynamodb.Table(stack, 'Prefixed', { partitionKey: PK });
    Tags.of(prefixed).add('backup', 'daily-and-weekly');
    selection(stack, { StringLike: [{ ConditionKey: 'aws:ResourceTag/backup', ConditionValue: 'daily*' }] });

    expect(findingsOf(stack, RULE)).toEqual([{ resourceLogicalId: logicalId(untagged), locations: ['Properties'] }]);
  });

  test('every condition must hold, and a condition on something other than a tag cannot be met', () => {
    const stack = newStack();
    const table = new dynamodb.Table(stack, 'Table', { partitionKey: PK });
    Tags.of(table).add('backup', 'daily');
    selection(stack, {
      StringEquals: [{ ConditionKey: 'aws:ResourceTag/backup', ConditionValue: 'daily' }],
      StringNotEquals: [{ ConditionKey: 'aws:ResourceTag/backup', ConditionValue: 'daily' }],
    });
    const other = newStack();
    const otherTable = new dynamodb.Table(other, 'Table', { partitionKey: PK });
    selection(other, { StringEquals: [{ ConditionKey: 'aws:PrincipalTag/team', ConditionValue: 'x' }] });

    expect(findingsOf(stack, RULE)).toEqual([{ resourceLogicalId: logicalId(table), locations: ['Properties'] }]);
    expect(findingsOf(other, RULE)).toEqual([{ resourceLogicalId: logicalId(otherTable), locations: ['Properties'] }]);
  });
});

describe('AWS::DynamoDB::GlobalTable with several replicas', () => {
  // AWS Backup in the stack's region backs up the replica in that region: its tags decide a tag selection.
  function threeReplicas(stack: Stack, tagged: 'primary' | 'second'): dynamodb.TableV2 {
    const table = new dynamodb.TableV2(stack, 'Table', { partitionKey: PK, replicas: [{ region: 'us-west-2' }, { region: 'eu-west-1' }] });
    // Replicas/2 is the primary, in the stack's region (us-east-1); Replicas/1 is eu-west-1
    (table.node.defaultChild as dynamodb.CfnGlobalTable).addPropertyOverride(
      tagged === 'primary' ? 'Replicas.2.Tags' : 'Replicas.1.Tags', [{ Key: 'backup', Value: 'daily' }]);
    dailyPlan(stack).addSelection('Tagged', { resources: [backup.BackupResource.fromTag('backup', 'daily')] });
    return table;
  }

  test('passes when the replica in the stack\'s region carries the selected tag', () => {
    const stack = newStack(ENV);
    threeReplicas(stack, 'primary');

    expect(findingsOf(stack, RULE)).toEqual([]);
  });

  test('fails when only the second replica, in another region, carries it', () => {
    const stack = newStack(ENV);
    const table = threeReplicas(stack, 'second');

    expect(findingsOf(stack, RULE)).toEqual([{ resourceLogicalId: logicalId(table), locations: ['Properties'] }]);
  });
});

function selection(stack: Stack, conditions: Record<string, unknown>): void {
  new backup.CfnBackupSelection(stack, 'Selection', {
    backupPlanId: dailyPlan(stack).backupPlanId,
    backupSelection: {
      selectionName: 'Conditional',
      iamRoleArn: 'arn:aws:iam::111111111111:role/backup',
      resources: ['arn:aws:dynamodb:*:*:table/*'],
      conditions,
    },
  });
}

function dailyPlan(stack: Stack): backup.BackupPlan {
  return backup.BackupPlan.daily35DayRetention(stack, 'Plan');
}
