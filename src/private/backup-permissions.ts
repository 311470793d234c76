import { Aws, Validations } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

/*
 * What AWS Backup may do for the stack's backup plan, as customer-managed policies.
 *
 * AWS's "Advanced DynamoDB backup" page says a custom role needs the permissions of
 * AWSBackupServiceRolePolicyForBackup to back up, and of AWSBackupServiceRolePolicyForRestores to
 * restore (https://docs.aws.amazon.com/aws-backup/latest/devguide/advanced-ddb-backup.html).
 * Each statement below names the statement (Sid) of the managed policy whose DynamoDB, KMS, backup
 * or tag permissions it carries, scoped to this stack's tables, their keys and its vault
 * (https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSBackupServiceRolePolicyForBackup.html,
 * https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSBackupServiceRolePolicyForRestores.html).
 * Resource-level support comes from the Service Authorization Reference
 * (https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsbackup.html and list_amazondynamodb.html).
 */

/** Tables that a restore may create: `<stack name>-restore-<anything>`. */
export const RESTORE_TABLE_SUFFIX = '-restore-';

const ALL_REGIONS = '*';

export interface BackupPermissionsProps {
  /** The vault the plan backs up into. */
  readonly vault: backup.IBackupVault;
  /** The vault's key, which encrypts recovery points once AWS Backup's advanced DynamoDB features are on. */
  readonly vaultKey: kms.IKey;
  /** The ARNs of the vaults every recovery point is copied into. */
  readonly copyDestinations: string[];
}

/**
 * The backup role and the restore role of a stack's backup plan, with their customer-managed
 * policies. Tables join with `addTable`, which adds the table and its key to both.
 */
export class BackupPermissions {
  /** Assumed by AWS Backup to back up and copy. */
  public readonly backupRole: iam.Role;
  /** Assumed by AWS Backup to restore into a new table named with `restoreTableNamePrefix`. */
  public readonly restoreRole: iam.Role;
  /** The prefix a restored table's name must have, `<stack name>-restore-`. */
  public readonly restoreTableNamePrefix: string;

  private readonly tableStatements: iam.PolicyStatement[];
  private readonly keyStatements: iam.PolicyStatement[];

  constructor(scope: Construct, props: BackupPermissionsProps) {
    // AWS::StackName, not the stack's name at synth: the acknowledgement of the wildcard below must
    // be a literal id, which a literal stack name would make differ per stack.
    this.restoreTableNamePrefix = `${Aws.STACK_NAME}${RESTORE_TABLE_SUFFIX}`;
    const vaultKeyArn = props.vaultKey.keyArn;
    const thisRegion = `arn:${Aws.PARTITION}:dynamodb:${Aws.REGION}:${Aws.ACCOUNT_ID}`;
    const nativeBackups = `${thisRegion}:table/*/backup/*`;
    const restoreTargets = `${thisRegion}:table/${this.restoreTableNamePrefix}*`;
    // KMSDynamoDBPermissions (backup) and KMSPermissions (restores) allow data-key use only through
    // DynamoDB; in this stack's region, because KMS keys are regional.
    const throughDynamoDb = { StringEquals: { 'kms:ViaService': `dynamodb.${Aws.REGION}.amazonaws.com` } };

    const backUpTables = new iam.PolicyStatement({
      // DynamoDBPermissions and DynamodbBackupPermissions.
      sid: 'BackUpTables',
      actions: ['dynamodb:DescribeTable', 'dynamodb:CreateBackup', 'dynamodb:ListTagsOfResource', 'dynamodb:StartAwsBackupJob'],
    });
    const backupKeyUse = new iam.PolicyStatement({
      sid: 'UseTableAndVaultKeys',
      actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
      resources: [vaultKeyArn],
      conditions: throughDynamoDb,
    });
    const backupKeyDescribe = describeKeys(vaultKeyArn);
    const backupKeyGrant = grantsForAwsResources(vaultKeyArn);

    this.backupRole = new iam.Role(scope, 'Role', {
      assumedBy: new iam.ServicePrincipal('backup.amazonaws.com'),
      description: 'Backs up the DynamoDB tables of this stack',
    });
    // A customer-managed policy, not AWSBackupServiceRolePolicyForBackup: AwsSolutions-IAM4 refuses
    // AWS managed policies, and the managed one reaches every table and every service.
    const backupPolicy = new iam.ManagedPolicy(scope, 'Policy', {
      description: 'Lets AWS Backup back up and copy the DynamoDB tables of this stack',
      roles: [this.backupRole],
      statements: [
        backUpTables,
        new iam.PolicyStatement({
          // DynamoDBBackupResourcePermissions. Without AWS Backup's advanced DynamoDB features,
          // recovery points are native DynamoDB backups, whose ARNs are minted at backup time under
          // the table's ARN.
          sid: 'ManageNativeBackups',
          actions: ['dynamodb:DescribeBackup', 'dynamodb:DeleteBackup'],
          resources: [nativeBackups],
        }),
        backupKeyUse,
        backupKeyDescribe,
        backupKeyGrant,
        new iam.PolicyStatement({
          // BackupVaultPermissions: this vault and the copy destinations, not every vault.
          sid: 'WriteToVault',
          actions: ['backup:DescribeBackupVault', 'backup:CopyIntoBackupVault'],
          resources: [props.vault.backupVaultArn, ...props.copyDestinations],
        }),
        new iam.PolicyStatement({
          // RecoveryPointTaggingPermissions: advanced backups inherit the table's tags, and copies
          // keep them. The managed policy allows recovery points of this account in any region
          // (aws:PrincipalAccount = aws:ResourceAccount); a cross-region copy lands in another one.
          sid: 'TagRecoveryPoints',
          actions: ['backup:TagResource'],
          resources: [`arn:${Aws.PARTITION}:backup:${ALL_REGIONS}:${Aws.ACCOUNT_ID}:recovery-point:*`],
        }),
        new iam.PolicyStatement({
          // GetResourcesPermissions: tag:GetResources has no resource-level permissions.
          sid: 'ReadResourceTags',
          actions: ['tag:GetResources'],
          resources: ['*'],
        }),
        ...(props.copyDestinations.length === 0 ? [] : [new iam.PolicyStatement({
          // BackupVaultCopyPermissions. A copy reads a recovery point of this vault, in this region.
          sid: 'CopyFromVault',
          actions: ['backup:CopyFromBackupVault'],
          resources: [`arn:${Aws.PARTITION}:backup:${Aws.REGION}:${Aws.ACCOUNT_ID}:recovery-point:*`],
        })]),
      ],
    });
    Validations.of(backupPolicy).acknowledge({
      id: 'AwsSolutions::AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:dynamodb:<AWS::Region>:<AWS::AccountId>:table/*/backup/*]',
      reason: 'AWS Backup names each native DynamoDB backup when it makes it, under the table ARN, and must describe ' +
        'and delete it when it expires. The wildcard is limited to backups of tables in this account and region.',
    });
    Validations.of(backupPolicy).acknowledge({
      id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
      reason: 'Only for tag:GetResources, which supports no resource-level permissions (Service Authorization Reference, ' +
        'Resource Groups Tagging API) and is in AWSBackupServiceRolePolicyForBackup. It returns ARNs and tags, no data.',
    });
    Validations.of(backupPolicy).acknowledge({
      id: 'AwsSolutions::AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:backup:*:<AWS::AccountId>:recovery-point:*]',
      reason: 'Only for backup:TagResource: AWS Backup tags each recovery point, whose id it mints at backup time, and ' +
        'a cross-region copy lands in another region. Limited to recovery points of this account.',
    });
    if (props.copyDestinations.length > 0) {
      Validations.of(backupPolicy).acknowledge({
        id: 'AwsSolutions::AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:backup:<AWS::Region>:<AWS::AccountId>:recovery-point:*]',
        reason: 'Only for backup:CopyFromBackupVault, which a copy job needs on the recovery point it copies; AWS Backup ' +
          'mints recovery point ids at backup time. Limited to this account and region; copies go only to the listed vaults.',
      });
    }

    const restoreTables = new iam.PolicyStatement({
      // DynamoDBBackupResourcePermissions (restores): a native backup restores with
      // RestoreTableFromBackup, authorized on the backup and on the new table.
      sid: 'RestoreNativeBackups',
      actions: ['dynamodb:RestoreTableFromBackup'],
      resources: [nativeBackups, restoreTargets],
    });
    const restoreKeyUse = new iam.PolicyStatement({
      // KMSPermissions: the vault key decrypts an advanced backup; the table's key encrypts the
      // restored table, which AWS Backup gives the source table's key unless told otherwise.
      sid: 'UseTableAndVaultKeys',
      actions: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:GenerateDataKeyWithoutPlaintext', 'kms:ReEncryptFrom', 'kms:ReEncryptTo'],
      resources: [vaultKeyArn],
      conditions: throughDynamoDb,
    });
    const restoreKeyDescribe = describeKeys(vaultKeyArn);
    const restoreKeyGrant = grantsForAwsResources(vaultKeyArn);

    this.restoreRole = new iam.Role(scope, 'RestoreRole', {
      assumedBy: new iam.ServicePrincipal('backup.amazonaws.com'),
      description: 'Restores backups of the DynamoDB tables of this stack into new tables named <stack name>-restore-*',
    });
    const restorePolicy = new iam.ManagedPolicy(scope, 'RestorePolicy', {
      description: 'Lets AWS Backup restore the DynamoDB tables of this stack into new tables named <stack name>-restore-*',
      roles: [this.restoreRole],
      statements: [
        new iam.PolicyStatement({
          // DynamoDBRestorePermissions: the action is authorized on the table it creates.
          sid: 'RestoreAdvancedBackups',
          actions: ['dynamodb:RestoreTableFromAwsBackup'],
          resources: [restoreTargets],
        }),
        restoreTables,
        new iam.PolicyStatement({
          // DynamoDBPermissions (restores): reads and writes on the restored table only.
          sid: 'WriteRestoredTable',
          actions: [
            'dynamodb:DescribeTable', 'dynamodb:Scan', 'dynamodb:Query', 'dynamodb:GetItem',
            'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem',
          ],
          resources: [restoreTargets],
        }),
        restoreKeyUse,
        restoreKeyDescribe,
        restoreKeyGrant,
      ],
    });
    Validations.of(restorePolicy).acknowledge({
      id: 'AwsSolutions::AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:dynamodb:<AWS::Region>:<AWS::AccountId>:table/*/backup/*]',
      reason: 'A native DynamoDB backup is named when it is made, under the table ARN; restoring one needs ' +
        'dynamodb:RestoreTableFromBackup on it. The wildcard is limited to backups of tables in this account and region.',
    });
    Validations.of(restorePolicy).acknowledge({
      id: 'AwsSolutions::AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:dynamodb:<AWS::Region>:<AWS::AccountId>:table/<AWS::StackName>-restore-*]',
      reason: 'A restore creates a new table whose name the operator chooses when it starts; the role may create and ' +
        'fill only tables named <stack name>-restore-*, in this account and region.',
    });

    this.tableStatements = [backUpTables];
    this.keyStatements = [backupKeyUse, backupKeyDescribe, backupKeyGrant, restoreKeyUse, restoreKeyDescribe, restoreKeyGrant];
  }

  /**
   * What a principal needs to start a restore with the restore role: `backup:StartRestoreJob` on
   * recovery points of this account and region (advanced ones under `backup`, native ones under the
   * table), and `iam:PassRole` on the restore role to AWS Backup only.
   */
  public startRestoreStatements(): iam.PolicyStatement[] {
    return [
      new iam.PolicyStatement({
        sid: 'StartRestoreJobs',
        actions: ['backup:StartRestoreJob'],
        resources: [
          `arn:${Aws.PARTITION}:backup:${Aws.REGION}:${Aws.ACCOUNT_ID}:recovery-point:*`,
          `arn:${Aws.PARTITION}:dynamodb:${Aws.REGION}:${Aws.ACCOUNT_ID}:table/*/backup/*`,
        ],
      }),
      new iam.PolicyStatement({
        // iam:PassedToService: the role can be handed to AWS Backup only
        // (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html).
        sid: 'PassRestoreRoleToBackup',
        actions: ['iam:PassRole'],
        resources: [this.restoreRole.roleArn],
        conditions: { StringEquals: { 'iam:PassedToService': 'backup.amazonaws.com' } },
      }),
    ];
  }

  /** Lets both roles reach the table, and its key when it has a customer-managed one. */
  public addTable(table: dynamodb.ITable): void {
    this.tableStatements.forEach(statement => statement.addResources(table.tableArn));
    if (table.encryptionKey) {
      const keyArn = table.encryptionKey.keyArn;
      this.keyStatements.forEach(statement => statement.addResources(keyArn));
    }
  }
}

/** KMSPermissions (backup) and KMSDescribePermissions (restores): DescribeKey, unconditioned. */
function describeKeys(vaultKeyArn: string): iam.PolicyStatement {
  return new iam.PolicyStatement({ sid: 'DescribeKeys', actions: ['kms:DescribeKey'], resources: [vaultKeyArn] });
}

/**
 * KMSCreateGrantPermissions: AWS Backup and DynamoDB create grants on the keys for the resources
 * they make; `kms:GrantIsForAWSResource` keeps the role from granting a key to anyone else.
 */
function grantsForAwsResources(vaultKeyArn: string): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'GrantKeysToAwsResources',
    actions: ['kms:CreateGrant'],
    resources: [vaultKeyArn],
    conditions: { Bool: { 'kms:GrantIsForAWSResource': 'true' } },
  });
}
