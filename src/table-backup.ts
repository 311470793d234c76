import { Aws, Duration, Lazy, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct, IConstruct } from 'constructs';
import { HardenedKey } from './encryption-key';

// Fixed id at stack scope: one backup plan per stack, whichever table asks first.
const BACKUP_ID = 'DynamoDbKitBackup';

/**
 * The stack's AWS Backup plan for DynamoDB tables: a daily backup kept 35 days, in an encrypted,
 * retained vault, made by a role whose permissions are a customer-managed policy scoped to the
 * tables it backs up.
 *
 * There is one per stack, shared by every table added to it. `ProductionTable` adds itself; add any
 * other `Table` or `TableV2` with `TableBackup.of(this).addTable(table)`.
 */
export class TableBackup extends Construct {
  /**
   * The backup plan of the stack that holds `scope`, created on first use.
   */
  public static of(scope: IConstruct): TableBackup {
    const stack = Stack.of(scope);
    const existing = stack.node.tryFindChild(BACKUP_ID);
    return existing instanceof TableBackup ? existing : new TableBackup(stack, BACKUP_ID);
  }

  /** The backup plan. Add rules to it to keep more than the daily 35-day backups. */
  public readonly plan: backup.BackupPlan;
  /** The vault that holds the recovery points; retained when the stack is deleted. */
  public readonly vault: backup.BackupVault;
  /** The key that encrypts the vault. */
  public readonly vaultKey: kms.IKey;
  /** The role AWS Backup assumes to back up the tables. */
  public readonly role: iam.IRole;

  private readonly tableArns: string[] = [];
  private readonly tableStatement: iam.PolicyStatement;
  private readonly keyStatement: iam.PolicyStatement;

  private constructor(scope: Construct, id: string) {
    super(scope, id);

    this.vaultKey = new HardenedKey(this, 'VaultKey', {
      description: `Encrypts the AWS Backup vault of DynamoDB tables in ${Stack.of(this).stackName}`,
    });
    this.vault = new backup.BackupVault(this, 'Vault', {
      encryptionKey: this.vaultKey,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.plan = new backup.BackupPlan(this, 'Plan', {
      backupVault: this.vault,
      backupPlanRules: [new backup.BackupPlanRule({
        ruleName: 'Daily',
        scheduleExpression: events.Schedule.cron({ hour: '5', minute: '0' }),
        deleteAfter: Duration.days(35),
      })],
    });

    this.tableStatement = new iam.PolicyStatement({
      sid: 'BackUpTables',
      actions: ['dynamodb:DescribeTable', 'dynamodb:CreateBackup', 'dynamodb:ListTagsOfResource', 'dynamodb:StartAwsBackupJob'],
    });
    this.keyStatement = new iam.PolicyStatement({
      sid: 'UseTableAndVaultKeys',
      actions: ['kms:Decrypt', 'kms:DescribeKey', 'kms:GenerateDataKey'],
      resources: [this.vaultKey.keyArn],
    });
    const role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('backup.amazonaws.com'),
      description: 'Backs up the DynamoDB tables of this stack',
    });
    this.role = role;
    // A customer-managed policy, not AWSBackupServiceRolePolicyForBackup: AwsSolutions-IAM4 refuses
    // AWS managed policies, and the managed one reaches every table and every service.
    const policy = new iam.ManagedPolicy(this, 'Policy', {
      description: 'Lets AWS Backup back up the DynamoDB tables of this stack',
      roles: [role],
      statements: [
        this.tableStatement,
        new iam.PolicyStatement({
          sid: 'ManageNativeBackups',
          // Without AWS Backup's advanced DynamoDB features, recovery points are native DynamoDB
          // backups, whose ARNs are minted at backup time under the table's ARN.
          actions: ['dynamodb:DescribeBackup', 'dynamodb:DeleteBackup'],
          resources: [`arn:${Aws.PARTITION}:dynamodb:${Aws.REGION}:${Aws.ACCOUNT_ID}:table/*/backup/*`],
        }),
        this.keyStatement,
        new iam.PolicyStatement({
          sid: 'GrantKeysToBackup',
          actions: ['kms:CreateGrant'],
          resources: [this.vaultKey.keyArn],
          conditions: { Bool: { 'kms:GrantIsForAWSResource': 'true' } },
        }),
        new iam.PolicyStatement({
          sid: 'WriteToVault',
          actions: ['backup:DescribeBackupVault', 'backup:CopyIntoBackupVault'],
          resources: [this.vault.backupVaultArn],
        }),
      ],
    });

    Validations.of(policy).acknowledge({
      id: 'AwsSolutions::AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:dynamodb:<AWS::Region>:<AWS::AccountId>:table/*/backup/*]',
      reason: 'AWS Backup names each native DynamoDB backup when it makes it, under the table ARN, and must describe ' +
        'and delete it when it expires. The wildcard is limited to backups of tables in this account and region.',
    });

    new backup.CfnBackupSelection(this, 'Selection', {
      backupPlanId: this.plan.backupPlanId,
      backupSelection: {
        selectionName: 'DynamoDbTables',
        iamRoleArn: role.roleArn,
        resources: Lazy.list({ produce: () => this.tableArns }),
      },
    });
  }

  /**
   * Back up a table with this plan. Its key, when it has a customer-managed one, becomes usable
   * by the backup role.
   */
  public addTable(table: dynamodb.ITable): void {
    if (this.tableArns.includes(table.tableArn)) {
      return;
    }
    this.tableArns.push(table.tableArn);
    this.tableStatement.addResources(table.tableArn);
    if (table.encryptionKey) {
      this.keyStatement.addResources(table.encryptionKey.keyArn);
    }
  }
}
