import { Aws, Duration, Fn, Lazy, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct, IConstruct } from 'constructs';
import { BackupCopy } from './backup-copy';
import { BackupSchedule } from './backup-schedule';
import { HardenedKey } from './encryption-key';
import { BackupPermissions } from './private/backup-permissions';
import { DynamoDbKitError } from './private/errors';
import { isDeletedWithStack } from './private/removal';
import { sharedConstruct } from './private/shared-construct';
import { Kinds, required, validateBackupSelectsTables, validateKind, validateTableBackupInput } from './private/validation';
import { VaultLock, VaultLockMode } from './vault-lock';

// Fixed id at stack scope: one backup plan per stack, whichever table asks first.
const BACKUP_ID = 'DynamoDbKitBackup';

// "Backups transitioned to cold storage must be stored in cold storage for a minimum of 90 days"
// (AWS Backup API reference, Lifecycle): DeleteAfterDays must be at least 90 more than MoveToColdStorageAfterDays.
const COLD_STORAGE_MIN_DAYS = 90;
const DEFAULT_RETENTION = Duration.days(35);
const BACKUP_VAULT_ARN = /^arn:[a-z-]+:backup:[a-z0-9-]+:\d{12}:backup-vault:[A-Za-z0-9_.-]+$/;

/**
 * Options of the stack's backup plan. They are accepted once, when the plan is made: call
 * `TableBackup.of(this, props)` before the first table joins it.
 *
 * Cold storage, copies and vault-key encryption of DynamoDB backups need AWS Backup's advanced
 * features for DynamoDB, a per-Region account setting that no CloudFormation resource turns on:
 * on by default for accounts with no vault before November 21, 2021, otherwise
 * `aws backup update-region-settings --resource-type-opt-in-preference DynamoDB=true
 * --resource-type-management-preference DynamoDB=true`
 * (https://docs.aws.amazon.com/aws-backup/latest/devguide/advanced-ddb-backup.html).
 */
export interface TableBackupProps {
  /**
   * When the backups run.
   *
   * @default BackupSchedule.daily() - every day at 05:00 UTC
   */
  readonly schedule?: BackupSchedule;

  /**
   * How long each recovery point is kept; at least the schedule's interval, whole days.
   *
   * @default Duration.days(35)
   */
  readonly retention?: Duration;

  /**
   * When recovery points move to cold storage, which costs less per GB-month. They must then be
   * kept at least 90 more days, so `retention` must be at least this plus 90 days.
   *
   * @default - recovery points stay in warm storage
   */
  readonly moveToColdStorageAfter?: Duration;

  /**
   * AWS Backup Vault Lock on the vault. The plan's `retention` must be within its bounds.
   *
   * @default - no lock
   */
  readonly vaultLock?: VaultLock;

  /**
   * Copies of every recovery point into other vaults, for a second region or account.
   *
   * @default - no copies
   */
  readonly copies?: BackupCopy[];
}

/**
 * The stack's AWS Backup plan for DynamoDB tables: by default a daily backup kept 35 days, in an
 * encrypted, retained vault, made by a role whose permissions are a customer-managed policy scoped
 * to the tables it backs up. Schedule, retention, cold storage, vault lock and copies are options.
 *
 * There is one per stack, shared by every table added to it. `ProductionTable` adds itself; add any
 * other `Table` or `TableV2` with `TableBackup.of(this).addTable(table)`.
 *
 * @example
 * TableBackup.of(this, {
 *   schedule: BackupSchedule.weekly(BackupWeekDay.SUNDAY),
 *   retention: Duration.days(365),
 *   moveToColdStorageAfter: Duration.days(30),
 *   vaultLock: VaultLock.governance({ minRetention: Duration.days(30) }),
 * });
 */
export class TableBackup extends Construct {
  /**
   * The backup plan of the stack that holds `scope`, created on first use.
   *
   * @param props accepted only when the plan is made: before the first table joins it
   */
  public static of(scope: IConstruct, props?: TableBackupProps): TableBackup {
    validateTableBackupInput(scope, props);
    const stack = Stack.of(scope);
    return sharedConstruct(stack, BACKUP_ID, TableBackup, () => {
      // Checked before the construct exists, so that bad input leaves nothing in the tree; the
      // stack it would be made in is the one named in the error.
      validateBackupProps(props ?? {}, stack);
      return new TableBackup(stack, BACKUP_ID, props ?? {});
    }, props === undefined ? undefined :
      `The backup plan of stack ${stack.node.path} exists already (made by the first table that joined it), so its ` +
      'props cannot be given again: call TableBackup.of(this, props) before the first ProductionTable of the stack');
  }

  /** The backup plan. Add rules to it for more schedules. */
  public readonly plan: backup.BackupPlan;
  /** The vault that holds the recovery points; retained when the stack is deleted. */
  public readonly vault: backup.BackupVault;
  /** The key that encrypts the vault. */
  public readonly vaultKey: kms.IKey;
  /** The role AWS Backup assumes to back up the tables. */
  public readonly role: iam.IRole;

  /**
   * The role AWS Backup assumes to restore a recovery point of these tables into a new table, whose
   * name must start with `restoreTableNamePrefix`. Pass it as the `IamRoleArn` of
   * `backup:StartRestoreJob`; whoever starts the restore needs `iam:PassRole` on it (to
   * `backup.amazonaws.com`) and `backup:StartRestoreJob`. An IAM role costs nothing, so it always exists.
   */
  public readonly restoreRole: iam.IRole;
  /**
   * The prefix of the names of tables the restore role may create: `<stack name>-restore-`.
   * A token unless the stack name is known at synth.
   */
  public readonly restoreTableNamePrefix: string;

  private readonly tableArns: string[] = [];
  private readonly permissions: BackupPermissions;
  private readonly vaultLock?: VaultLock;

  private constructor(scope: Construct, id: string, props: TableBackupProps) {
    super(scope, id);
    this.node.addValidation({ validate: () => validateBackupSelectsTables(this.tableArns.length, this) });
    const schedule = props.schedule ?? BackupSchedule.daily();
    const retention = props.retention ?? DEFAULT_RETENTION;
    this.vaultLock = props.vaultLock;

    this.vaultKey = new HardenedKey(this, 'VaultKey', {
      description: `Encrypts the AWS Backup vault of DynamoDB tables in ${Stack.of(this).stackName}`,
    });
    const name = retainedName(Stack.of(this));
    this.vault = new backup.BackupVault(this, 'Vault', {
      backupVaultName: name,
      encryptionKey: this.vaultKey,
      removalPolicy: RemovalPolicy.RETAIN,
      lockConfiguration: props.vaultLock && {
        minRetention: props.vaultLock.minRetention,
        maxRetention: props.vaultLock.maxRetention,
        changeableFor: props.vaultLock.changeableFor,
      },
    });
    const copies = (props.copies ?? []).map((copy, index) => ({
      destinationBackupVault: backup.BackupVault.fromBackupVaultArn(this, `CopyDestination${index}`, copy.destinationVaultArn),
      deleteAfter: copy.retention ?? retention,
      moveToColdStorageAfter: copy.moveToColdStorageAfter,
    }));
    this.plan = new backup.BackupPlan(this, 'Plan', {
      backupPlanName: name,
      backupVault: this.vault,
      backupPlanRules: [new backup.BackupPlanRule({
        ruleName: schedule.ruleName,
        scheduleExpression: schedule.expression,
        deleteAfter: retention,
        moveToColdStorageAfter: props.moveToColdStorageAfter,
        copyActions: copies.length > 0 ? copies : undefined,
      })],
    });

    const permissions = new BackupPermissions(this, {
      vault: this.vault,
      vaultKey: this.vaultKey,
      copyDestinations: (props.copies ?? []).map(copy => copy.destinationVaultArn),
    });
    this.permissions = permissions;
    this.role = permissions.backupRole;
    this.restoreRole = permissions.restoreRole;
    this.restoreTableNamePrefix = permissions.restoreTableNamePrefix;

    new backup.CfnBackupSelection(this, 'Selection', {
      backupPlanId: this.plan.backupPlanId,
      backupSelection: {
        selectionName: 'DynamoDbTables',
        iamRoleArn: permissions.backupRole.roleArn,
        resources: Lazy.list({ produce: () => this.tableArns }),
      },
    });
  }

  /**
   * The permissions a principal needs to start a restore of these tables with `restoreRole`:
   * `backup:StartRestoreJob` on recovery points of this account and region, and `iam:PassRole` on
   * the restore role, to `backup.amazonaws.com` only. Put them in a customer-managed policy of the
   * operator's role.
   *
   * @example
   * declare const operatorRole: iam.IRole;
   * new iam.ManagedPolicy(this, 'StartRestores', {
   *   statements: TableBackup.of(this).startRestoreStatements(),
   *   roles: [operatorRole],
   * });
   */
  public startRestoreStatements(): iam.PolicyStatement[] {
    return this.permissions.startRestoreStatements();
  }

  /**
   * Back up a table with this plan. Its key, when it has a customer-managed one, becomes usable
   * by the backup role and by the restore role, which gives a restored table the source table's key.
   */
  public addTable(table: dynamodb.ITable): void {
    validateKind('table', table, required(Kinds.table), this);
    if (this.vaultLock?.mode === VaultLockMode.COMPLIANCE && isDeletedWithStack(table)) {
      throw new DynamoDbKitError(
        `${table.node.path} is deleted with its stack (removalPolicy DESTROY), but this backup plan's vault has a compliance-mode ` +
        'lock: nobody can delete its recovery points before their retention ends, nor the vault while it holds any ' +
        '(https://docs.aws.amazon.com/aws-backup/latest/devguide/vault-lock.html), so the stack is not removable. ' +
        'Use VaultLock.governance(...), leave the table out of the plan (backup: false), or keep it (removalPolicy RETAIN)',
        this,
      );
    }
    if (this.tableArns.includes(table.tableArn)) {
      return;
    }
    this.tableArns.push(table.tableArn);
    this.permissions.addTable(table);
  }
}

/** Whole days of a duration, or undefined for a token; refuses fractions, which AWS Backup cannot take. */
function wholeDays(property: string, value: Duration | undefined, scope: IConstruct): number | undefined {
  if (value === undefined || value.isUnresolved()) {
    return undefined;
  }
  const days = value.toDays({ integral: false });
  if (!Number.isInteger(days) || days < 1) {
    throw new DynamoDbKitError(`${property} must be a whole number of days, at least 1, got ${value.toHumanString()}`, scope);
  }
  return days;
}

/** Cold storage keeps a recovery point at least 90 days, so it must not be deleted earlier. */
function validateColdStorage(where: string, retentionDays: number | undefined, coldDays: number | undefined, scope: IConstruct): void {
  if (retentionDays !== undefined && coldDays !== undefined && retentionDays < coldDays + COLD_STORAGE_MIN_DAYS) {
    throw new DynamoDbKitError(
      `${where}retention must be at least ${COLD_STORAGE_MIN_DAYS} days after ${where}moveToColdStorageAfter, because AWS Backup ` +
      `keeps a recovery point in cold storage at least ${COLD_STORAGE_MIN_DAYS} days: got retention ${retentionDays} days and ` +
      `moveToColdStorageAfter ${coldDays} days, so retention must be ${coldDays + COLD_STORAGE_MIN_DAYS} days or more`,
      scope,
    );
  }
}

function validateBackupProps(props: TableBackupProps, scope: IConstruct): void {
  const schedule = props.schedule ?? BackupSchedule.daily();
  const retention = props.retention ?? DEFAULT_RETENTION;
  const retentionDays = wholeDays('retention', retention, scope);
  const intervalDays = schedule.interval.toHours() / 24;
  if (retentionDays !== undefined && retentionDays < intervalDays) {
    throw new DynamoDbKitError(
      `retention must be at least the schedule's interval, ${intervalDays} days for a ${schedule.ruleName.toLowerCase()} ` +
      `backup, got ${retentionDays} days: between two backups there would be no recovery point`,
      scope,
    );
  }
  validateColdStorage('', retentionDays, wholeDays('moveToColdStorageAfter', props.moveToColdStorageAfter, scope), scope);

  const lock = props.vaultLock;
  if (lock && retentionDays !== undefined) {
    const min = lock.minRetention.isUnresolved() ? undefined : lock.minRetention.toDays({ integral: false });
    const max = lock.maxRetention === undefined || lock.maxRetention.isUnresolved() ? undefined : lock.maxRetention.toDays({ integral: false });
    if (min !== undefined && retentionDays < min) {
      throw new DynamoDbKitError(
        `retention must be at least vaultLock minRetention (${min} days), got ${retentionDays} days: the locked vault would fail every backup job`,
        scope,
      );
    }
    if (max !== undefined && retentionDays > max) {
      throw new DynamoDbKitError(
        `retention must be at most vaultLock maxRetention (${max} days), got ${retentionDays} days: the locked vault would fail every backup job`,
        scope,
      );
    }
  }

  (props.copies ?? []).forEach((copy, index) => {
    const where = `copies[${index}].`;
    if (!Token.isUnresolved(copy.destinationVaultArn) && !BACKUP_VAULT_ARN.test(copy.destinationVaultArn)) {
      throw new DynamoDbKitError(
        `${where}destinationVaultArn must be a backup vault ARN, arn:<partition>:backup:<region>:<account>:backup-vault:<name>, ` +
        `got '${copy.destinationVaultArn}'`,
        scope,
      );
    }
    const copyRetention = copy.retention === undefined ? retentionDays : wholeDays(`${where}retention`, copy.retention, scope);
    validateColdStorage(where, copyRetention, wholeDays(`${where}moveToColdStorageAfter`, copy.moveToColdStorageAfter, scope), scope);
  });
}

/** Vault and plan names hold at most 50 of `[a-zA-Z0-9-_]` (AWS Backup API reference, CreateBackupVault and CreateBackupPlan). */
const NAME_MAX = 50;
const NAME_SUFFIX = '-dynamodb-12345678'.length;

/**
 * The name of the stack's vault and plan: `<stack name>-dynamodb-<8 hex>`, the hex taken from the
 * stack's `AWS::StackId`, which CloudFormation makes anew for every stack it creates.
 *
 * Vault names are unique per account and region, and the vault is retained: after `cdk destroy`, a
 * stack deployed again under the same name would ask for the name of the vault it left behind, and
 * fail. With the suffix, it cannot collide with its predecessor. The stack name says which stack the
 * plan serves in a console of many plans. Long or unusual stack names are cut and cleaned, so the
 * name always matches `^[a-zA-Z0-9\-_]{2,50}$`, which aws-cdk-lib checks only for names that are
 * not tokens.
 */
function retainedName(stack: Stack): string {
  const stackName = Token.isUnresolved(stack.stackName) ? 'DynamoDbBackups' : stack.stackName;
  const stem = stackName.replace(/[^a-zA-Z0-9_-]/g, '-').slice(0, NAME_MAX - NAME_SUFFIX);
  const stackUuid = Fn.select(2, Fn.split('/', Aws.STACK_ID));
  return `${stem}-dynamodb-${Fn.select(0, Fn.split('-', stackUuid))}`;
}
