import { Duration, Lazy, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct, IConstruct } from 'constructs';
import { HardenedKey } from './encryption-key';
import { BackupPermissions } from './private/backup-permissions';
import { DynamoDbKitError } from './private/errors';
import { sharedConstruct } from './private/shared-construct';
import { validateRange } from './private/validation';

// Fixed id at stack scope: one backup plan per stack, whichever table asks first.
const BACKUP_ID = 'DynamoDbKitBackup';

// "Backups transitioned to cold storage must be stored in cold storage for a minimum of 90 days"
// (AWS Backup API reference, Lifecycle): DeleteAfterDays must be at least 90 more than MoveToColdStorageAfterDays.
const COLD_STORAGE_MIN_DAYS = 90;
const DEFAULT_RETENTION = Duration.days(35);
const BACKUP_VAULT_ARN = /^arn:[a-z-]+:backup:[a-z0-9-]+:\d{12}:backup-vault:[A-Za-z0-9_.-]+$/;

/**
 * A day of the week, for a weekly backup.
 */
export enum BackupWeekDay {
  MONDAY = 'MON',
  TUESDAY = 'TUE',
  WEDNESDAY = 'WED',
  THURSDAY = 'THU',
  FRIDAY = 'FRI',
  SATURDAY = 'SAT',
  SUNDAY = 'SUN',
}

/**
 * A time of day in UTC.
 */
export interface BackupTimeOfDay {
  /**
   * The hour, 0-23, UTC.
   *
   * @default 5
   */
  readonly hour?: number;

  /**
   * The minute, 0-59.
   *
   * @default 0
   */
  readonly minute?: number;
}

/**
 * When AWS Backup backs up the tables. Each schedule knows its interval, so that a retention
 * shorter than the time between two backups is refused.
 */
export class BackupSchedule {
  /**
   * Every day at the given time (UTC).
   */
  public static daily(time: BackupTimeOfDay = {}): BackupSchedule {
    const { hour, minute } = timeOfDay(time);
    return new BackupSchedule('Daily', events.Schedule.cron({ hour, minute }), Duration.days(1));
  }

  /**
   * Every `hours` hours, at the given minute. AWS Backup runs a rule at most once an hour.
   *
   * @param hours 1, 2, 3, 4, 6, 8 or 12: a divisor of 24, so that the interval is the same all day
   */
  public static everyHours(hours: number, minute = 0): BackupSchedule {
    if (!Token.isUnresolved(hours) && ![1, 2, 3, 4, 6, 8, 12].includes(hours)) {
      throw new DynamoDbKitError(`schedule hours must be 1, 2, 3, 4, 6, 8 or 12 (a divisor of 24), got ${hours}`);
    }
    validateRange('schedule minute', minute, 0, 59);
    return new BackupSchedule(`Every${hours}Hours`, events.Schedule.cron({ minute: `${minute}`, hour: `*/${hours}` }), Duration.hours(hours));
  }

  /**
   * Every week on the given day, at the given time (UTC).
   */
  public static weekly(weekDay: BackupWeekDay, time: BackupTimeOfDay = {}): BackupSchedule {
    const { hour, minute } = timeOfDay(time);
    return new BackupSchedule('Weekly', events.Schedule.cron({ weekDay, hour, minute }), Duration.days(7));
  }

  /**
   * Every month on the given day, at the given time (UTC).
   *
   * @param dayOfMonth 1-28, so that every month has the day
   */
  public static monthly(dayOfMonth: number, time: BackupTimeOfDay = {}): BackupSchedule {
    validateRange('schedule dayOfMonth', dayOfMonth, 1, 28);
    const { hour, minute } = timeOfDay(time);
    // The longest gap between two runs is 31 days.
    return new BackupSchedule('Monthly', events.Schedule.cron({ day: `${dayOfMonth}`, hour, minute }), Duration.days(31));
  }

  /** The backup rule's name. */
  public readonly ruleName: string;
  /** The cron expression AWS Backup runs the rule on. */
  public readonly expression: events.Schedule;
  /** The longest time between two backups. */
  public readonly interval: Duration;

  private constructor(ruleName: string, expression: events.Schedule, interval: Duration) {
    this.ruleName = ruleName;
    this.expression = expression;
    this.interval = interval;
  }
}

/**
 * The retention bounds of a vault lock.
 */
export interface VaultLockRetention {
  /**
   * The shortest retention a backup or copy job into the vault may have; shorter jobs fail.
   */
  readonly minRetention: Duration;

  /**
   * The longest retention a backup or copy job into the vault may have; longer jobs fail.
   *
   * @default - no maximum
   */
  readonly maxRetention?: Duration;
}

/**
 * A vault lock in compliance mode.
 */
export interface ComplianceVaultLockOptions extends VaultLockRetention {
  /**
   * How long the lock can still be changed or removed. After that, nobody (the root user and AWS
   * included) can delete a recovery point before its retention ends, or the vault while it holds
   * any. At least 3 days: AWS Backup enforces a 72-hour cooling-off period.
   */
  readonly changeableFor: Duration;
}

/**
 * The mode of a vault lock.
 */
export enum VaultLockMode {
  /** Users with sufficient IAM permissions can remove the lock. */
  GOVERNANCE = 'GOVERNANCE',
  /** Immutable once the grace time is over. */
  COMPLIANCE = 'COMPLIANCE',
}

/**
 * AWS Backup Vault Lock on the stack's backup vault: recovery points cannot be deleted before
 * their retention ends, and retentions outside the bounds fail.
 */
export class VaultLock {
  /**
   * Governance mode: the lock holds against everyone without the IAM permission to remove it
   * (`backup:DeleteBackupVaultLockConfiguration`).
   */
  public static governance(options: VaultLockRetention): VaultLock {
    return new VaultLock(VaultLockMode.GOVERNANCE, options.minRetention, options.maxRetention);
  }

  /**
   * Compliance mode: after `changeableFor`, the lock cannot be changed or removed by anyone, and a
   * vault that holds recovery points cannot be deleted. Irreversible: choose the retentions with care.
   */
  public static compliance(options: ComplianceVaultLockOptions): VaultLock {
    return new VaultLock(VaultLockMode.COMPLIANCE, options.minRetention, options.maxRetention, options.changeableFor);
  }

  /** Governance or compliance. */
  public readonly mode: VaultLockMode;
  /** The shortest retention allowed in the vault. */
  public readonly minRetention: Duration;
  /** The longest retention allowed in the vault, if any. */
  public readonly maxRetention?: Duration;
  /** How long a compliance-mode lock stays changeable. */
  public readonly changeableFor?: Duration;

  private constructor(mode: VaultLockMode, minRetention: Duration, maxRetention?: Duration, changeableFor?: Duration) {
    this.mode = mode;
    this.minRetention = minRetention;
    this.maxRetention = maxRetention;
    this.changeableFor = changeableFor;
  }
}

/**
 * A copy of every recovery point into another vault: in another region, another account, or both.
 */
export interface BackupCopy {
  /**
   * The ARN of the destination vault, `arn:<partition>:backup:<region>:<account>:backup-vault:<name>`.
   * For another account, its access policy must allow `backup:CopyIntoBackupVault` from this
   * account, and the organization must allow cross-account backup.
   */
  readonly destinationVaultArn: string;

  /**
   * How long the copy is kept.
   *
   * @default - the plan's `retention`
   */
  readonly retention?: Duration;

  /**
   * When the copy moves to cold storage; it must then be kept at least 90 more days.
   *
   * @default - the copy stays in warm storage
   */
  readonly moveToColdStorageAfter?: Duration;
}

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
    const stack = Stack.of(scope);
    return sharedConstruct(stack, BACKUP_ID, TableBackup, () => {
      // Checked before the construct exists, so that bad input leaves nothing in the tree.
      validateBackupProps(props ?? {});
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

  private constructor(scope: Construct, id: string, props: TableBackupProps) {
    super(scope, id);
    const schedule = props.schedule ?? BackupSchedule.daily();
    const retention = props.retention ?? DEFAULT_RETENTION;

    this.vaultKey = new HardenedKey(this, 'VaultKey', {
      description: `Encrypts the AWS Backup vault of DynamoDB tables in ${Stack.of(this).stackName}`,
    });
    this.vault = new backup.BackupVault(this, 'Vault', {
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
    if (this.tableArns.includes(table.tableArn)) {
      return;
    }
    this.tableArns.push(table.tableArn);
    this.permissions.addTable(table);
  }
}

function timeOfDay(time: BackupTimeOfDay): { hour: string; minute: string } {
  const hour = time.hour ?? 5;
  const minute = time.minute ?? 0;
  validateRange('schedule hour', hour, 0, 23);
  validateRange('schedule minute', minute, 0, 59);
  return { hour: `${hour}`, minute: `${minute}` };
}

/** Whole days of a duration, or undefined for a token; refuses fractions, which AWS Backup cannot take. */
function wholeDays(property: string, value: Duration | undefined): number | undefined {
  if (value === undefined || value.isUnresolved()) {
    return undefined;
  }
  const days = value.toDays({ integral: false });
  if (!Number.isInteger(days) || days < 1) {
    throw new DynamoDbKitError(`${property} must be a whole number of days, at least 1, got ${value.toHumanString()}`);
  }
  return days;
}

/** Cold storage keeps a recovery point at least 90 days, so it must not be deleted earlier. */
function validateColdStorage(where: string, retentionDays: number | undefined, coldDays: number | undefined): void {
  if (retentionDays !== undefined && coldDays !== undefined && retentionDays < coldDays + COLD_STORAGE_MIN_DAYS) {
    throw new DynamoDbKitError(
      `${where}retention must be at least ${COLD_STORAGE_MIN_DAYS} days after ${where}moveToColdStorageAfter, because AWS Backup ` +
      `keeps a recovery point in cold storage at least ${COLD_STORAGE_MIN_DAYS} days: got retention ${retentionDays} days and ` +
      `moveToColdStorageAfter ${coldDays} days, so retention must be ${coldDays + COLD_STORAGE_MIN_DAYS} days or more`,
    );
  }
}

function validateBackupProps(props: TableBackupProps): void {
  const schedule = props.schedule ?? BackupSchedule.daily();
  const retention = props.retention ?? DEFAULT_RETENTION;
  const retentionDays = wholeDays('retention', retention);
  const intervalDays = schedule.interval.toHours() / 24;
  if (retentionDays !== undefined && retentionDays < intervalDays) {
    throw new DynamoDbKitError(
      `retention must be at least the schedule's interval, ${intervalDays} days for a ${schedule.ruleName.toLowerCase()} ` +
      `backup, got ${retentionDays} days: between two backups there would be no recovery point`,
    );
  }
  validateColdStorage('', retentionDays, wholeDays('moveToColdStorageAfter', props.moveToColdStorageAfter));

  const lock = props.vaultLock;
  if (lock && retentionDays !== undefined) {
    const min = lock.minRetention.isUnresolved() ? undefined : lock.minRetention.toDays({ integral: false });
    const max = lock.maxRetention === undefined || lock.maxRetention.isUnresolved() ? undefined : lock.maxRetention.toDays({ integral: false });
    if (min !== undefined && retentionDays < min) {
      throw new DynamoDbKitError(
        `retention must be at least vaultLock minRetention (${min} days), got ${retentionDays} days: the locked vault would fail every backup job`,
      );
    }
    if (max !== undefined && retentionDays > max) {
      throw new DynamoDbKitError(
        `retention must be at most vaultLock maxRetention (${max} days), got ${retentionDays} days: the locked vault would fail every backup job`,
      );
    }
  }

  (props.copies ?? []).forEach((copy, index) => {
    const where = `copies[${index}].`;
    if (!Token.isUnresolved(copy.destinationVaultArn) && !BACKUP_VAULT_ARN.test(copy.destinationVaultArn)) {
      throw new DynamoDbKitError(
        `${where}destinationVaultArn must be a backup vault ARN, arn:<partition>:backup:<region>:<account>:backup-vault:<name>, ` +
        `got '${copy.destinationVaultArn}'`,
      );
    }
    const copyRetention = copy.retention === undefined ? retentionDays : wholeDays(`${where}retention`, copy.retention);
    validateColdStorage(where, copyRetention, wholeDays(`${where}moveToColdStorageAfter`, copy.moveToColdStorageAfter));
  });
}
