import { Duration } from 'aws-cdk-lib';
import { validateVaultLockOptions } from './private/validation';

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
   * any. Whole days, at least 3: AWS Backup enforces a 72-hour cooling-off period.
   *
   * Required, also from JavaScript: a lock without it (`ChangeableForDays`) is a governance lock,
   * which anyone with the IAM permission can remove, so a compliance lock always renders it.
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
    validateVaultLockOptions('VaultLock.governance', options, false);
    return new VaultLock(VaultLockMode.GOVERNANCE, options.minRetention, options.maxRetention);
  }

  /**
   * Compliance mode: after `changeableFor`, the lock cannot be changed or removed by anyone, and a
   * vault that holds recovery points cannot be deleted. Irreversible: choose the retentions with care.
   */
  public static compliance(options: ComplianceVaultLockOptions): VaultLock {
    validateVaultLockOptions('VaultLock.compliance', options, true);
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
