import { Token } from 'aws-cdk-lib';
import type { DynamoDbChecksProps } from './dynamodb-checks';
import { DynamoDbKitError } from '../private/errors';

/**
 * The checks' parameters, validated. Every one is optional, and a missing one keeps the rule as it
 * was without parameters; `backupVaultLockCheck` is false when left out.
 */
export interface CheckSettings extends DynamoDbChecksProps {
  readonly backupVaultLockCheck: boolean;
}

// Security Hub DynamoDB.1's "Valid custom values":
// https://docs.aws.amazon.com/securityhub/latest/userguide/dynamodb-controls.html#dynamodb-1
const CAPACITY_MIN = 1;
const CAPACITY_MAX = 40000;
const UTILIZATION_MIN = 20;
const UTILIZATION_MAX = 90;
// PointInTimeRecoverySpecification.RecoveryPeriodInDays, "Valid Range: Minimum value of 1. Maximum value of 35":
// https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_PointInTimeRecoverySpecification.html
const RECOVERY_DAYS_MIN = 1;
const RECOVERY_DAYS_MAX = 35;
// Security Hub DynamoDB.5's requiredTagKeys: "StringList (maximum of 6 items)", keys that meet AWS's
// tag requirements (1-128 characters; the aws: prefix is AWS's own):
// https://docs.aws.amazon.com/securityhub/latest/userguide/dynamodb-controls.html#dynamodb-5
const TAG_KEYS_MAX = 6;
const TAG_KEY_LENGTH_MAX = 128;
const KMS_KEY_ARN = /^arn:[a-z-]+:kms:[a-z0-9-]+:\d{12}:(key|alias)\/.+$/;
const LOGICAL_ID = /^[A-Za-z0-9]+$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;
const ACCOUNT = /^\d{12}$/;

export function resolveSettings(props: DynamoDbChecksProps = {}): CheckSettings {
  integer('minProvisionedReadCapacity', props.minProvisionedReadCapacity, CAPACITY_MIN, CAPACITY_MAX, 'Security Hub DynamoDB.1');
  integer('minProvisionedWriteCapacity', props.minProvisionedWriteCapacity, CAPACITY_MIN, CAPACITY_MAX, 'Security Hub DynamoDB.1');
  integer('targetReadUtilization', props.targetReadUtilization, UTILIZATION_MIN, UTILIZATION_MAX, 'Security Hub DynamoDB.1');
  integer('targetWriteUtilization', props.targetWriteUtilization, UTILIZATION_MIN, UTILIZATION_MAX, 'Security Hub DynamoDB.1');
  integer('minRecoveryPeriodInDays', props.minRecoveryPeriodInDays, RECOVERY_DAYS_MIN, RECOVERY_DAYS_MAX, 'DynamoDB RecoveryPeriodInDays');

  list('kmsKeyArns', props.kmsKeyArns, 'a KMS key or alias ARN (arn:<partition>:kms:<region>:<account>:key/<id>) or the logical ID of a key in the same template',
    entry => KMS_KEY_ARN.test(entry) || LOGICAL_ID.test(entry));
  if (props.requiredTagKeys !== undefined && props.requiredTagKeys.length > TAG_KEYS_MAX) {
    throw new DynamoDbKitError(`DynamoDbChecks requiredTagKeys must list 1-${TAG_KEYS_MAX} tag keys (Security Hub DynamoDB.5), got ${props.requiredTagKeys.length}`);
  }
  list('requiredTagKeys', props.requiredTagKeys, `a tag key of 1-${TAG_KEY_LENGTH_MAX} characters that does not start with 'aws:'`,
    key => key.length <= TAG_KEY_LENGTH_MAX && !key.toLowerCase().startsWith('aws:'));
  list('crossRegionList', props.crossRegionList, 'a region name such as eu-central-1', region => REGION.test(region));
  list('crossAccountList', props.crossAccountList, 'a 12-digit account id', account => ACCOUNT.test(account));

  return { ...props, backupVaultLockCheck: props.backupVaultLockCheck ?? false };
}

function integer(property: string, value: number | undefined, min: number, max: number, source: string): void {
  if (value === undefined) {
    return;
  }
  // A check compares the value with the template's: a token has nothing to compare.
  if (Token.isUnresolved(value) || !Number.isInteger(value) || value < min || value > max) {
    throw new DynamoDbKitError(`DynamoDbChecks ${property} must be an integer from ${min} to ${max} (${source}), got ${value}`);
  }
}

function list(property: string, values: string[] | undefined, allowed: string, valid: (value: string) => boolean): void {
  if (values === undefined) {
    return;
  }
  if (values.length === 0) {
    throw new DynamoDbKitError(`DynamoDbChecks ${property} must list at least one entry, or be left out; got an empty list`);
  }
  values.forEach((value, index) => {
    if (typeof value !== 'string' || value === '' || Token.isUnresolved(value) || !valid(value)) {
      throw new DynamoDbKitError(`DynamoDbChecks ${property}[${index}] must be ${allowed}, got '${value}'`);
    }
  });
}
