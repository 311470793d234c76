import { Annotations, CfnResource } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * The namespace of every finding the library records, whether DynamoDbChecks reports it from a
 * template or a construct records it as a warning at synth. aws-cdk-lib keeps the prefix of a
 * warning whose id has one, so one acknowledgement, `Validations.of(construct).acknowledge({ id,
 * reason })`, clears the finding under `cdk synth --strict` and in every report alike.
 */
export const FINDINGS_NAMESPACE = 'DynamoDbChecks';

/**
 * Findings the library records when a user loosens a safety default: an explicit choice. Each is
 * one finding with a stable id. Where a DynamoDbChecks rule covers the same setting, the id is the
 * rule's, and the rule stands aside for that table, so the choice is reported once.
 */
export enum LoosenedDefault {
  POINT_IN_TIME_RECOVERY = 'DynamoDbChecks::PointInTimeRecoveryEnabled',
  DELETION_PROTECTION = 'DynamoDbChecks::DeletionProtectionEnabled',
  REMOVAL_POLICY = 'DynamoDbChecks::TableRetained',
  CUSTOMER_MANAGED_KEY = 'DynamoDbChecks::CustomerManagedKeyEncryption',
  CONTRIBUTOR_INSIGHTS = 'DynamoDbChecks::ContributorInsightsEnabled',
  BACKUP = 'DynamoDbChecks::InBackupPlan',
  FIXED_CAPACITY = 'DynamoDbChecks::ProvisionedCapacityAutoscaled',
  ALARMS = 'DynamoDbChecks::AlarmsNotify',
  STREAM_STARTS_AT_LATEST = 'DynamoDbChecks::StreamConsumerStartsAtTrimHorizon',
  FAILURE_QUEUE_NOT_RETAINED = 'DynamoDbChecks::FailureQueueRetained',
  OPEN_ENDPOINT_POLICY = 'DynamoDbChecks::EndpointPolicyIsPerimeter',
  CACHE_NOT_FAULT_TOLERANT = 'DynamoDbChecks::CacheFaultTolerant',
}

/**
 * Findings about a setup that works but goes against AWS guidance, or that the library cannot
 * verify. Stable ids in the same namespace, acknowledged the same way.
 */
export enum Guidance {
  TOO_MANY_STREAM_READERS = 'DynamoDbChecks::StreamReadersWithinGuidance',
  REUSED_ENDPOINT_POLICY = 'DynamoDbChecks::EndpointPolicyReviewed',
  ALARM_TOPIC_NOT_VERIFIED = 'DynamoDbChecks::AlarmTopicAcceptsCloudWatch',
  ALARM_TOPIC_NOT_SUBSCRIBED = 'DynamoDbChecks::AlarmTopicSubscribed',
}

/**
 * The template metadata key under which a table lists the DynamoDbChecks rules it departs from by
 * the user's explicit choice. The rules read it and stand aside, since the table's warning is the
 * finding.
 */
export const EXPLICIT_CHOICES_METADATA = 'cdk-dynamodb-kit:explicitChoices';

export function warnGuidance(scope: IConstruct, id: Guidance, message: string): void {
  Annotations.of(scope).addWarningV2(id, message);
}

/**
 * Records a loosened default on `scope`. When `table` is given (the table's CloudFormation
 * resource), the choice is also written into its template metadata, so that DynamoDbChecks reports
 * it once, as this warning.
 *
 * @param implied defaults that this one choice loosens too (a removable table has no deletion
 * protection and no backup plan): recorded as explicit choices, with no finding of their own, so
 * that one setting is one finding and one acknowledgement
 */
export function warnLoosened(scope: IConstruct, id: LoosenedDefault, message: string, table?: CfnResource, implied: LoosenedDefault[] = []): void {
  Annotations.of(scope).addWarningV2(id, message);
  if (table !== undefined) {
    for (const choice of [id, ...implied]) {
      const rule = choice.slice(`${FINDINGS_NAMESPACE}::`.length);
      const choices: string[] = table.getMetadata(EXPLICIT_CHOICES_METADATA) ?? [];
      if (!choices.includes(rule)) {
        table.addMetadata(EXPLICIT_CHOICES_METADATA, [...choices, rule]);
      }
    }
  }
}
