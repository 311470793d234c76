import { Annotations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * Warnings the library records when a user loosens a safety default. The ids are stable, so that
 * teams that synthesize with `--strict` can acknowledge each one on purpose.
 */
export enum LoosenedDefault {
  POINT_IN_TIME_RECOVERY = 'cdk-dynamodb-kit:noPointInTimeRecovery',
  DELETION_PROTECTION = 'cdk-dynamodb-kit:noDeletionProtection',
  REMOVAL_POLICY = 'cdk-dynamodb-kit:tableNotRetained',
  CUSTOMER_MANAGED_KEY = 'cdk-dynamodb-kit:noCustomerManagedKey',
  CONTRIBUTOR_INSIGHTS = 'cdk-dynamodb-kit:noContributorInsights',
  BACKUP = 'cdk-dynamodb-kit:noBackup',
  FIXED_CAPACITY = 'cdk-dynamodb-kit:fixedCapacity',
  ALARMS = 'cdk-dynamodb-kit:noAlarms',
  STREAM_CONSUMER_ALARMS = 'cdk-dynamodb-kit:noStreamConsumerAlarms',
  STREAM_STARTS_AT_LATEST = 'cdk-dynamodb-kit:streamStartsAtLatest',
  FAILURE_QUEUE_NOT_RETAINED = 'cdk-dynamodb-kit:failureQueueNotRetained',
  OPEN_ENDPOINT_POLICY = 'cdk-dynamodb-kit:openEndpointPolicy',
  CACHE_NOT_FAULT_TOLERANT = 'cdk-dynamodb-kit:cacheNotFaultTolerant',
}

/**
 * Warnings about a setup that works but goes against AWS guidance. Stable ids, like `LoosenedDefault`.
 */
export enum Guidance {
  TOO_MANY_STREAM_READERS = 'cdk-dynamodb-kit:tooManyStreamReaders',
  REUSED_ENDPOINT_POLICY = 'cdk-dynamodb-kit:reusedEndpointPolicy',
}

export function warnGuidance(scope: IConstruct, id: Guidance, message: string): void {
  Annotations.of(scope).addWarningV2(id, message);
}

export function warnLoosened(scope: IConstruct, id: LoosenedDefault, message: string): void {
  Annotations.of(scope).addWarningV2(id, message);
}
