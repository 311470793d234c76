import { Duration } from 'aws-cdk-lib';

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
