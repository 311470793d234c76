import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import { BackupSchedule, BackupWeekDay, ProductionTable, TableBackup, TableBackupProps, VaultLock } from '../src';
import { agnosticStack, newStack, pk } from './fixtures';
import { DynamoDbKitError } from '../src/private/errors';


describe('TableBackup', () => {
  test('one plan per stack, created at stack scope, shared by every table', () => {
    const stack = agnosticStack();
    const tables = ['Orders', 'Customers', 'Invoices'].map(id => new ProductionTable(stack, id, { partitionKey: pk }));

    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::Backup::BackupPlan', 1);
    template.resourceCountIs('AWS::Backup::BackupVault', 1);
    template.resourceCountIs('AWS::Backup::BackupSelection', 1);
    // The backup role's policy and the restore role's policy.
    template.resourceCountIs('AWS::IAM::ManagedPolicy', 2);
    template.resourceCountIs('AWS::IAM::Role', 2);
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
    const stack = agnosticStack();
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
    const stack = agnosticStack();
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

  test('the backup role has the DynamoDB, KMS, backup and tag permissions of AWSBackupServiceRolePolicyForBackup, scoped', () => {
    const stack = agnosticStack();
    new ProductionTable(stack, 'Orders', { partitionKey: pk });

    const keys = [
      { 'Fn::GetAtt': [Match.stringLikeRegexp('^DynamoDbKitBackupVaultKey'), 'Arn'] },
      { 'Fn::GetAtt': [Match.stringLikeRegexp('^OrdersKey'), 'Arn'] },
    ];
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::ManagedPolicy', {
      Description: Match.stringLikeRegexp('^Lets AWS Backup back up'),
      PolicyDocument: {
        Statement: [
          Match.objectLike({ Sid: 'BackUpTables' }),
          Match.objectLike({ Sid: 'ManageNativeBackups' }),
          {
            Sid: 'UseTableAndVaultKeys',
            Effect: 'Allow',
            Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
            Resource: keys,
            Condition: { StringEquals: { 'kms:ViaService': { 'Fn::Join': ['', ['dynamodb.', { Ref: 'AWS::Region' }, '.amazonaws.com']] } } },
          },
          { Sid: 'DescribeKeys', Effect: 'Allow', Action: 'kms:DescribeKey', Resource: keys },
          { Sid: 'GrantKeysToAwsResources', Effect: 'Allow', Action: 'kms:CreateGrant', Resource: keys, Condition: { Bool: { 'kms:GrantIsForAWSResource': 'true' } } },
          Match.objectLike({ Sid: 'WriteToVault' }),
          {
            Sid: 'TagRecoveryPoints',
            Effect: 'Allow',
            Action: 'backup:TagResource',
            Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':backup:*:', { Ref: 'AWS::AccountId' }, ':recovery-point:*']] },
          },
          { Sid: 'ReadResourceTags', Effect: 'Allow', Action: 'tag:GetResources', Resource: '*' },
        ],
      },
    });
  });

  test('a restore role, always there, restores into tables named <stack name>-restore-* with the vault and table keys', () => {
    const stack = agnosticStack();
    new ProductionTable(stack, 'Orders', { partitionKey: pk });
    const backupPlan = TableBackup.of(stack);

    const target = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':dynamodb:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':table/', { Ref: 'AWS::StackName' }, '-restore-*']] };
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Action: 'sts:AssumeRole', Principal: { Service: 'backup.amazonaws.com' } })] },
      Description: Match.stringLikeRegexp('^Restores'),
      ManagedPolicyArns: Match.absent(),
      Policies: Match.absent(),
    });
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      Roles: [{ Ref: stack.getLogicalId(backupPlan.restoreRole.node.defaultChild as iam.CfnRole) }],
      PolicyDocument: {
        Statement: [
          { Sid: 'RestoreAdvancedBackups', Effect: 'Allow', Action: 'dynamodb:RestoreTableFromAwsBackup', Resource: target },
          Match.objectLike({ Sid: 'RestoreNativeBackups', Action: 'dynamodb:RestoreTableFromBackup', Resource: [Match.anyValue(), target] }),
          Match.objectLike({ Sid: 'WriteRestoredTable', Resource: target }),
          Match.objectLike({
            Sid: 'UseTableAndVaultKeys',
            Resource: [
              { 'Fn::GetAtt': [Match.stringLikeRegexp('^DynamoDbKitBackupVaultKey'), 'Arn'] },
              { 'Fn::GetAtt': [Match.stringLikeRegexp('^OrdersKey'), 'Arn'] },
            ],
          }),
          Match.objectLike({ Sid: 'DescribeKeys' }),
          Match.objectLike({ Sid: 'GrantKeysToAwsResources' }),
        ],
      },
    });
    expect(stack.resolve(backupPlan.restoreTableNamePrefix)).toEqual({ 'Fn::Join': ['', [{ Ref: 'AWS::StackName' }, '-restore-']] });
  });

  test('startRestoreStatements: StartRestoreJob on recovery points, and PassRole of the restore role to AWS Backup only', () => {
    const stack = agnosticStack();
    new ProductionTable(stack, 'Orders', { partitionKey: pk });
    const backupPlan = TableBackup.of(stack);

    const [start, pass] = backupPlan.startRestoreStatements().map(statement => stack.resolve(statement.toStatementJson()));
    expect(start).toEqual({
      Sid: 'StartRestoreJobs',
      Effect: 'Allow',
      Action: 'backup:StartRestoreJob',
      Resource: [
        { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':backup:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':recovery-point:*']] },
        { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':dynamodb:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':table/*/backup/*']] },
      ],
    });
    expect(pass).toEqual({
      Sid: 'PassRestoreRoleToBackup',
      Effect: 'Allow',
      Action: 'iam:PassRole',
      Resource: stack.resolve(backupPlan.restoreRole.roleArn),
      Condition: { StringEquals: { 'iam:PassedToService': 'backup.amazonaws.com' } },
    });
  });

  test('backs up a plain TableV2 or Table too, once however often it is added', () => {
    const stack = newStack();
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
    const stack = agnosticStack();
    const table = new ProductionTable(stack, 'Orders', { partitionKey: pk, backup: false });

    expect(table.backup).toBeUndefined();
    Template.fromStack(stack).resourceCountIs('AWS::Backup::BackupPlan', 0);
  });
});

/** A stack whose backup plan is made with `props`, and one table in it. */
function withPlan(props: TableBackupProps) {
  const stack = newStack();
  TableBackup.of(stack, props);
  new ProductionTable(stack, 'Orders', { partitionKey: pk });
  return { stack, template: Template.fromStack(stack) };
}

const DESTINATION = 'arn:aws:backup:eu-central-1:222222222222:backup-vault:dr-vault';

describe('TableBackup of a global table', () => {
  const ENV = { account: '111111111111', region: 'eu-west-1' };

  test('by default: one plan in the table\'s region selecting the table, none in a replica region, and PITR in every replica', () => {
    // GIVEN / WHEN
    const app = new App();
    const stack = new Stack(app, 'Tables', { env: ENV });
    const table = new ProductionTable(stack, 'Orders', { partitionKey: pk, replicas: [{ region: 'us-east-1' }, { region: 'us-west-2' }] });
    const assembly = app.synth();

    // THEN
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::Backup::BackupPlan', 1);
    template.hasResourceProperties('AWS::Backup::BackupSelection', {
      BackupSelection: Match.objectLike({ Resources: [{ 'Fn::GetAtt': [stack.getLogicalId(table.node.defaultChild as dynamodb.CfnGlobalTable), 'Arn'] }] }),
    });
    template.hasResourceProperties('AWS::Backup::BackupPlan', { BackupPlan: { BackupPlanRule: [Match.objectLike({ CopyActions: Match.absent() })] } });
    const otherStacks = assembly.stacks.filter(other => other.stackName !== 'Tables');
    expect(otherStacks.map(other => other.environment.region).sort()).toEqual(['us-east-1', 'us-west-2']);
    for (const other of otherStacks) {
      expect(Object.values<any>(other.template.Resources).filter(r => r.Type.startsWith('AWS::Backup::'))).toEqual([]);
    }
    const replicas = template.findResources('AWS::DynamoDB::GlobalTable')[stack.getLogicalId(table.node.defaultChild as dynamodb.CfnGlobalTable)].Properties.Replicas;
    expect(replicas.map((r: any) => [r.Region, r.PointInTimeRecoverySpecification])).toEqual(['us-east-1', 'us-west-2', 'eu-west-1'].map(region =>
      [region, { PointInTimeRecoveryEnabled: true, RecoveryPeriodInDays: 35 }]));
  });

  test('a copy to a vault in a replica region is the way to keep recovery points there, and the role may copy into it', () => {
    const stack = new Stack(new App(), 'Tables', { env: ENV });
    const destinationVaultArn = 'arn:aws:backup:us-east-1:111111111111:backup-vault:orders-copies';
    TableBackup.of(stack, { copies: [{ destinationVaultArn }] });
    new ProductionTable(stack, 'Orders', { partitionKey: pk, replicas: [{ region: 'us-east-1' }] });

    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Backup::BackupPlan', {
      BackupPlan: { BackupPlanRule: [Match.objectLike({ CopyActions: [Match.objectLike({ DestinationBackupVaultArn: destinationVaultArn })] })] },
    });
    expect(JSON.stringify(template.findResources('AWS::IAM::ManagedPolicy'))).toContain(destinationVaultArn);
  });
});

describe('TableBackup options', () => {
  test('no props and empty props give the same template as the defaults', () => {
    const stack = agnosticStack();
    new ProductionTable(stack, 'Orders', { partitionKey: pk });
    const other = agnosticStack();
    TableBackup.of(other, {});
    new ProductionTable(other, 'Orders', { partitionKey: pk });

    expect(Template.fromStack(other).toJSON()).toEqual(Template.fromStack(stack).toJSON());
  });

  test('props are accepted only before the plan exists: after the first table, they are refused', () => {
    const stack = agnosticStack();
    new ProductionTable(stack, 'Orders', { partitionKey: pk });

    expect(() => TableBackup.of(stack, { retention: Duration.days(90) })).toThrow(DynamoDbKitError);
    expect(() => TableBackup.of(stack, { retention: Duration.days(90) })).toThrow(
      'Stack/DynamoDbKitBackup: The backup plan of stack Stack exists already (made by the first table that joined it), so its props cannot be given again: ' +
      'call TableBackup.of(this, props) before the first ProductionTable of the stack',
    );
    expect(() => TableBackup.of(stack)).not.toThrow();
  });

  test('a weekly schedule, a year of retention and cold storage after 30 days', () => {
    const { template } = withPlan({
      schedule: BackupSchedule.weekly(BackupWeekDay.SUNDAY, { hour: 2, minute: 30 }),
      retention: Duration.days(365),
      moveToColdStorageAfter: Duration.days(30),
    });

    template.hasResourceProperties('AWS::Backup::BackupPlan', {
      BackupPlan: {
        BackupPlanRule: [Match.objectLike({
          RuleName: 'Weekly',
          ScheduleExpression: 'cron(30 2 ? * SUN *)',
          Lifecycle: { DeleteAfterDays: 365, MoveToColdStorageAfterDays: 30 },
        })],
      },
    });
  });

  test.each([
    ['every 4 hours', BackupSchedule.everyHours(4), 'Every4Hours', 'cron(0 */4 * * ? *)'],
    ['daily at 23:15', BackupSchedule.daily({ hour: 23, minute: 15 }), 'Daily', 'cron(15 23 * * ? *)'],
    ['monthly on the 1st', BackupSchedule.monthly(1), 'Monthly', 'cron(0 5 1 * ? *)'],
  ])('schedule %s', (_name, schedule, ruleName, expression) => {
    const { template } = withPlan({ schedule, retention: Duration.days(35) });

    template.hasResourceProperties('AWS::Backup::BackupPlan', {
      BackupPlan: { BackupPlanRule: [Match.objectLike({ RuleName: ruleName, ScheduleExpression: expression })] },
    });
  });

  test('a vault lock in governance mode has no lock date', () => {
    const { template } = withPlan({ vaultLock: VaultLock.governance({ minRetention: Duration.days(7), maxRetention: Duration.days(365) }) });

    template.hasResource('AWS::Backup::BackupVault', {
      DeletionPolicy: 'Retain',
      Properties: { LockConfiguration: { MinRetentionDays: 7, MaxRetentionDays: 365, ChangeableForDays: Match.absent() } },
    });
  });

  test('a vault lock in compliance mode becomes immutable after changeableFor', () => {
    const { template } = withPlan({ vaultLock: VaultLock.compliance({ minRetention: Duration.days(35), changeableFor: Duration.days(3) }) });

    template.hasResourceProperties('AWS::Backup::BackupVault', {
      LockConfiguration: { MinRetentionDays: 35, ChangeableForDays: 3 },
    });
  });

  test('copies go to the destination vault, kept as long as the plan keeps its recovery points unless told otherwise', () => {
    const { template } = withPlan({
      retention: Duration.days(100),
      copies: [
        { destinationVaultArn: DESTINATION },
        { destinationVaultArn: 'arn:aws:backup:us-east-1:111111111111:backup-vault:archive', retention: Duration.days(400), moveToColdStorageAfter: Duration.days(10) },
      ],
    });

    template.hasResourceProperties('AWS::Backup::BackupPlan', {
      BackupPlan: {
        BackupPlanRule: [Match.objectLike({
          CopyActions: [
            { DestinationBackupVaultArn: DESTINATION, Lifecycle: { DeleteAfterDays: 100 } },
            { DestinationBackupVaultArn: 'arn:aws:backup:us-east-1:111111111111:backup-vault:archive', Lifecycle: { DeleteAfterDays: 400, MoveToColdStorageAfterDays: 10 } },
          ],
        })],
      },
    });
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({
          Sid: 'WriteToVault',
          Resource: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^DynamoDbKitBackupVault'), 'BackupVaultArn'] }, DESTINATION, 'arn:aws:backup:us-east-1:111111111111:backup-vault:archive'],
        })]),
      },
    });
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([{
          Sid: 'CopyFromVault',
          Effect: 'Allow',
          Action: 'backup:CopyFromBackupVault',
          Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':backup:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':recovery-point:*']] },
        }]),
      },
    });
  });

  test('without copies, the backup role may not copy from the vault', () => {
    const { template } = withPlan({});

    expect(JSON.stringify(template.findResources('AWS::IAM::ManagedPolicy'))).not.toContain('backup:CopyFromBackupVault');
  });
});

describe('TableBackup bad input', () => {
  test('a retention shorter than the schedule interval is refused; as long as it is accepted', () => {
    expect(() => withPlan({ schedule: BackupSchedule.weekly(BackupWeekDay.MONDAY), retention: Duration.days(6) })).toThrow(
      "Stack: retention must be at least the schedule's interval, 7 days for a weekly backup, got 6 days: between two backups there would be no recovery point",
    );
    expect(() => withPlan({ schedule: BackupSchedule.weekly(BackupWeekDay.MONDAY), retention: Duration.days(7) })).not.toThrow();
    expect(() => withPlan({ schedule: BackupSchedule.monthly(15), retention: Duration.days(30) })).toThrow(/31 days for a monthly backup, got 30 days/);
    expect(() => withPlan({ schedule: BackupSchedule.monthly(15), retention: Duration.days(31) })).not.toThrow();
  });

  test('retentions that are not whole days are refused', () => {
    expect(() => withPlan({ retention: Duration.hours(36) })).toThrow('Stack: retention must be a whole number of days, at least 1, got 1 day 12 hours');
    expect(() => withPlan({ retention: Duration.days(35), moveToColdStorageAfter: Duration.hours(12) })).toThrow(/^Stack: moveToColdStorageAfter must be a whole number of days/);
  });

  test('deletion less than 90 days after the move to cold storage is refused; 90 days after is accepted', () => {
    expect(() => withPlan({ retention: Duration.days(119), moveToColdStorageAfter: Duration.days(30) })).toThrow(
      'Stack: retention must be at least 90 days after moveToColdStorageAfter, because AWS Backup keeps a recovery point in cold storage at ' +
      'least 90 days: got retention 119 days and moveToColdStorageAfter 30 days, so retention must be 120 days or more',
    );
    expect(() => withPlan({ retention: Duration.days(120), moveToColdStorageAfter: Duration.days(30) })).not.toThrow();
  });

  test('the same rule holds for a copy, named by its index', () => {
    const copy = (retentionDays: number) => ({
      destinationVaultArn: DESTINATION,
      retention: Duration.days(retentionDays),
      moveToColdStorageAfter: Duration.days(30),
    });
    expect(() => withPlan({ copies: [copy(100)] })).toThrow(
      /^Stack: copies\[0\]\.retention must be at least 90 days after copies\[0\]\.moveToColdStorageAfter/,
    );
    // Without its own retention, a copy is kept as long as the plan keeps its recovery points.
    expect(() => withPlan({ copies: [{ destinationVaultArn: DESTINATION, moveToColdStorageAfter: Duration.days(1) }] })).toThrow(
      /got retention 35 days and moveToColdStorageAfter 1 days/,
    );
    expect(() => withPlan({ copies: [copy(120)] })).not.toThrow();
  });

  test('a copy destination that is not a backup vault ARN is refused', () => {
    expect(() => withPlan({ copies: [{ destinationVaultArn: 'arn:aws:s3:::bucket' }] })).toThrow(
      "Stack: copies[0].destinationVaultArn must be a backup vault ARN, arn:<partition>:backup:<region>:<account>:backup-vault:<name>, got 'arn:aws:s3:::bucket'",
    );
  });

  test('a retention outside the vault lock bounds is refused: the locked vault would fail every job', () => {
    expect(() => withPlan({ vaultLock: VaultLock.governance({ minRetention: Duration.days(90) }) })).toThrow(
      'Stack: retention must be at least vaultLock minRetention (90 days), got 35 days: the locked vault would fail every backup job',
    );
    expect(() => withPlan({ vaultLock: VaultLock.governance({ minRetention: Duration.days(1), maxRetention: Duration.days(30) }) })).toThrow(
      'Stack: retention must be at most vaultLock maxRetention (30 days), got 35 days: the locked vault would fail every backup job',
    );
    expect(() => withPlan({ retention: Duration.days(90), vaultLock: VaultLock.governance({ minRetention: Duration.days(90) }) })).not.toThrow();
  });

  test('a compliance lock changeable for less than 72 hours is refused with changeableFor named (aws-cdk-lib\'s message names no property)', () => {
    expect(() => withPlan({ vaultLock: VaultLock.compliance({ minRetention: Duration.days(1), changeableFor: Duration.days(2) }) })).toThrow(
      /changeableFor must be a whole number of days, at least 3, got 2 days: AWS Backup enforces a 72-hour cooling-off period/,
    );
  });
});

describe('names that a retained predecessor cannot collide with', () => {
  const suffix = { 'Fn::Select': [0, { 'Fn::Split': ['-', { 'Fn::Select': [2, { 'Fn::Split': ['/', { Ref: 'AWS::StackId' }] }] }] }] };

  test('the vault and the plan are named for the stack, with a suffix from AWS::StackId, new for every stack CloudFormation creates', () => {
    const stack = agnosticStack('Orders');
    new ProductionTable(stack, 'Table', { partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING } });

    const template = Template.fromStack(stack);
    const name = { 'Fn::Join': ['', ['Orders-dynamodb-', suffix]] };
    template.hasResourceProperties('AWS::Backup::BackupVault', { BackupVaultName: name });
    template.hasResourceProperties('AWS::Backup::BackupPlan', { BackupPlan: Match.objectLike({ BackupPlanName: name }) });
  });

  test.each([
    ['the longest stack name CloudFormation allows', `A${'-b'.repeat(63)}c`],
    ['a short stack name', 'S'],
  ])('%s is cut: the name stays within ^[a-zA-Z0-9\\-_]{2,50}$', (_case, stackName) => {
    const stack = new Stack(new App(), 'Stack', { stackName });
    new ProductionTable(stack, 'Table', { partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING } });

    const [vault] = Object.values(Template.fromStack(stack).findResources('AWS::Backup::BackupVault')) as any[];
    const [literal, token] = vault.Properties.BackupVaultName['Fn::Join'][1];
    expect(token).toEqual(suffix);
    // The suffix is the first group of the stack's UUID: 8 hexadecimal characters.
    const longest = `${literal}12345678`;
    expect(longest).toMatch(/^[a-zA-Z0-9\-_]{2,50}$/);
  });
});

/**
 * AWS Config's managed rule backup-plan-min-frequency-and-min-retention-check, with its default
 * parameters: requiredFrequencyValue 1, requiredFrequencyUnit days, requiredRetentionDays 35
 * (https://docs.aws.amazon.com/config/latest/developerguide/backup-plan-min-frequency-and-min-retention-check.html).
 * The rule is NON_COMPLIANT "if recovery points are not created at least as often as the specified
 * frequency or expire before the specified period".
 */
const CONFIG_RULE_FREQUENCY_HOURS = 1 * 24;
const CONFIG_RULE_RETENTION_DAYS = 35;

/** The longest time between two runs of a backup rule's cron expression, in hours, for the shapes BackupSchedule makes. */
function cronIntervalHours(expression: string): number {
  const [, hour, dayOfMonth, , dayOfWeek] = expression.replace(/^cron\(|\)$/g, '').split(' ');
  if (dayOfWeek !== '?' && dayOfWeek !== '*') {
    return 7 * 24;
  }
  if (dayOfMonth !== '*' && dayOfMonth !== '?') {
    return 31 * 24;
  }
  return hour.startsWith('*/') ? Number(hour.slice(2)) : 24;
}

function meetsConfigRule(stack: Stack): boolean {
  const rules: any[] = Object.values<any>(Template.fromStack(stack).findResources('AWS::Backup::BackupPlan'))
    .flatMap(plan => plan.Properties.BackupPlan.BackupPlanRule);
  return rules.some(rule => cronIntervalHours(rule.ScheduleExpression) <= CONFIG_RULE_FREQUENCY_HOURS
    && rule.Lifecycle.DeleteAfterDays >= CONFIG_RULE_RETENTION_DAYS);
}

describe('the default schedule and retention, chosen against AWS Config\'s rule', () => {
  test('the default plan is the least that passes backup-plan-min-frequency-and-min-retention-check with its defaults', () => {
    // GIVEN / WHEN
    const stack = new Stack(new App(), 'Stack');
    new ProductionTable(stack, 'Orders', { partitionKey: pk });

    // THEN: it passes, and keeps no more copies than the rule asks for (each copy is billed at the table's size).
    expect(meetsConfigRule(stack)).toBe(true);
    Template.fromStack(stack).hasResourceProperties('AWS::Backup::BackupPlan', {
      BackupPlan: { BackupPlanRule: [Match.objectLike({ ScheduleExpression: 'cron(0 5 * * ? *)', Lifecycle: { DeleteAfterDays: CONFIG_RULE_RETENTION_DAYS } })] },
    });
  });

  test.each([
    ['weekly kept 35 days (about 5 copies)', { schedule: BackupSchedule.weekly(BackupWeekDay.SUNDAY), retention: Duration.days(35) }],
    ['daily kept 34 days', { retention: Duration.days(34) }],
  ] as Array<[string, TableBackupProps]>)('the cheaper %s fails that rule', (_name, props) => {
    const stack = new Stack(new App(), 'Stack');
    TableBackup.of(stack, props);
    new ProductionTable(stack, 'Orders', { partitionKey: pk });

    expect(meetsConfigRule(stack)).toBe(false);
  });
});
