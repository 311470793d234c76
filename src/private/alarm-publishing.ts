import { Annotations, Aws, Resource, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';

/** Warning id for a topic whose policies the library cannot see or change. */
export const UNVERIFIED_ALARM_TOPIC = 'cdk-dynamodb-kit:alarmTopicNotVerified';

const CLOUDWATCH = 'cloudwatch.amazonaws.com';
const MARKER_ID = 'DynamoDbKitAlarmPublishing';

/**
 * Lets CloudWatch alarms of this account publish to `topic`, and use its key.
 *
 * A topic policy replaces SNS's default policy, so a topic that has one (every topic with
 * `enforceSSL` does) refuses CloudWatch unless a statement allows it: the alarm history then shows
 * "...is not authorized to perform: SNS:Publish" (AWS Knowledge Center,
 * https://repost.aws/knowledge-center/cloudwatch-receive-sns-for-alarm-trigger). The statement is
 * scoped to this account's alarms with `aws:SourceAccount` and `aws:SourceArn`, as that page shows.
 *
 * An encrypted topic also needs its key to let CloudWatch use `kms:Decrypt` and
 * `kms:GenerateDataKey*` (https://repost.aws/knowledge-center/cloudwatch-configure-alarm-sns). That
 * statement carries no condition: a `kms:CallerAccount` condition there is reported to make
 * CloudWatch's publish fail, and which context keys CloudWatch's KMS call carries is not documented.
 *
 * CDK cannot change the policy or key of a topic it does not own (imported), so it records a
 * warning on the topic that names the statements to add. Each topic is handled once, however many
 * alarms notify it: a marker in the construct tree records it.
 */
export function allowAlarmsToPublish(topic: sns.ITopic): void {
  if (topic.node.tryFindChild(MARKER_ID) !== undefined) {
    return;
  }
  new Construct(topic, MARKER_ID);
  if (!Resource.isOwnedResource(topic)) {
    warn(topic, `Alarms notify ${topic.topicArn}, a topic that this app does not own, so the library cannot check or set its policies. ` +
      `Make sure its topic policy allows Principal {"Service":"${CLOUDWATCH}"} to sns:Publish (with aws:SourceAccount and an aws:SourceArn of ` +
      `arn:aws:cloudwatch:<region>:<account>:alarm:*), and, if it is encrypted, that its key policy allows "${CLOUDWATCH}" kms:Decrypt and kms:GenerateDataKey*.`);
    return;
  }
  const stack = Stack.of(topic);
  topic.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'AllowThisAccountsAlarmsToPublish',
    principals: [new iam.ServicePrincipal(CLOUDWATCH)],
    actions: ['sns:Publish'],
    resources: [topic.topicArn],
    conditions: {
      StringEquals: { 'aws:SourceAccount': stack.account },
      ArnLike: { 'aws:SourceArn': `arn:${Aws.PARTITION}:cloudwatch:${stack.region}:${stack.account}:alarm:*` },
    },
  }));

  const key = topic.masterKey;
  if (key === undefined) {
    return;
  }
  if (!Resource.isOwnedResource(key)) {
    warn(topic, `Alarms notify ${topic.node.path}, whose key this app does not own. ` +
      `Make sure the key policy allows "${CLOUDWATCH}" kms:Decrypt and kms:GenerateDataKey*, or CloudWatch cannot publish to the encrypted topic.`);
    return;
  }
  key.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'AllowCloudWatchAlarmsToUseTheKey',
    principals: [new iam.ServicePrincipal(CLOUDWATCH)],
    actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
    resources: ['*'],
  }));
}

function warn(topic: sns.ITopic, message: string): void {
  Annotations.of(topic).addWarningV2(UNVERIFIED_ALARM_TOPIC, message);
}
