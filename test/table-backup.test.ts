import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { ProductionTable, TableBackup } from '../src';

const pk = { name: 'pk', type: dynamodb.AttributeType.STRING };

describe('TableBackup', () => {
  test('one plan per stack, created at stack scope, shared by every table', () => {
    const stack = new Stack(new App(), 'Stack');
    const tables = ['Orders', 'Customers', 'Invoices'].map(id => new ProductionTable(stack, id, { partitionKey: pk }));

    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::Backup::BackupPlan', 1);
    template.resourceCountIs('AWS::Backup::BackupVault', 1);
    template.resourceCountIs('AWS::Backup::BackupSelection', 1);
    template.resourceCountIs('AWS::IAM::ManagedPolicy', 1);
    expect(new Set(tables.map(t => t.backup))).toEqual(new Set([TableBackup.of(stack)]));
    expect(TableBackup.of(stack).node.path).toEqual('Stack/DynamoDbKitBackup');
    template.hasResourceProperties('AWS::Backup::BackupSelection', {
      BackupSelection: {
        SelectionName: 'DynamoDbTables',
        Resources: tables.map(t => ({ 'Fn::GetAtt': [stack.getLogicalId(t.node.defaultChild as dynamodb.CfnGlobalTable), 'Arn'] })),
      },
    });
  });

  test('backs up daily at 05:00 UTC and keeps 35 days, in a retained vault encrypted with a rotated key', () => {
    const stack = new Stack(new App(), 'Stack');
    new ProductionTable(stack, 'Orders', { partitionKey: pk });

    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Backup::BackupPlan', {
      BackupPlan: {
        BackupPlanRule: [Match.objectLike({
          RuleName: 'Daily',
          ScheduleExpression: 'cron(0 5 * * ? *)',
          Lifecycle: { DeleteAfterDays: 35 },
        })],
      },
    });
    template.hasResource('AWS::Backup::BackupVault', {
      DeletionPolicy: 'Retain',
      Properties: { EncryptionKeyArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DynamoDbKitBackupVaultKey'), 'Arn'] } },
    });
  });

  test('the backup role has a customer-managed policy scoped to the tables and keys, and no AWS managed policy', () => {
    const stack = new Stack(new App(), 'Stack');
    new ProductionTable(stack, 'Orders', { partitionKey: pk });

    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'backup.amazonaws.com' } })] },
      ManagedPolicyArns: Match.absent(),
      Policies: Match.absent(),
    });
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'BackUpTables',
            Action: ['dynamodb:DescribeTable', 'dynamodb:CreateBackup', 'dynamodb:ListTagsOfResource', 'dynamodb:StartAwsBackupJob'],
            Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Orders'), 'Arn'] },
          }),
          Match.objectLike({
            Sid: 'UseTableAndVaultKeys',
            Resource: [
              { 'Fn::GetAtt': [Match.stringLikeRegexp('^DynamoDbKitBackupVaultKey'), 'Arn'] },
              { 'Fn::GetAtt': [Match.stringLikeRegexp('^OrdersKey'), 'Arn'] },
            ],
          }),
        ]),
      },
    });
    template.resourceCountIs('AWS::IAM::Policy', 0);
  });

  test('backs up a plain TableV2 or Table too, once however often it is added', () => {
    const stack = new Stack(new App(), 'Stack', { env: { account: '111111111111', region: 'eu-west-1' } });
    const v2 = new dynamodb.TableV2(stack, 'V2', { partitionKey: pk });
    const v1 = new dynamodb.Table(stack, 'V1', { partitionKey: pk });

    TableBackup.of(stack).addTable(v2);
    TableBackup.of(stack).addTable(v1);
    TableBackup.of(stack).addTable(v1);

    Template.fromStack(stack).hasResourceProperties('AWS::Backup::BackupSelection', {
      BackupSelection: { Resources: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^V2'), 'Arn'] }, { 'Fn::GetAtt': [Match.stringLikeRegexp('^V1'), 'Arn'] }] },
    });
  });

  test('a table without backup joins no plan', () => {
    const stack = new Stack(new App(), 'Stack');
    const table = new ProductionTable(stack, 'Orders', { partitionKey: pk, backup: false });

    expect(table.backup).toBeUndefined();
    Template.fromStack(stack).resourceCountIs('AWS::Backup::BackupPlan', 0);
  });
});
