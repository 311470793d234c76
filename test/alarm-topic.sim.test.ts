/**
 * Simulated authorization: whether CloudWatch alarms can reach the people subscribed to the alarm
 * topic, and whether SNS can keep what it could not deliver. Each request carries the context keys
 * that AWS sends with it (test/sim/context.ts).
 */
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AlarmActions, AlarmTopic, HardenedKey } from '../src';
import { newStack } from './fixtures';
import { ACCOUNT, OTHER_ACCOUNT, REGION, serviceRequest, without } from './sim/context';
import { decide, SimulatedStack } from './sim/simulator';

const ALARM_ARN = `arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:Orders-HotKeyThrottles`;

function alarmTopicStack(configure: (topic: AlarmTopic) => void = () => {}) {
  const stack = newStack();
  configure(AlarmTopic.of(stack));
  const sim = SimulatedStack.of(stack);
  const topic = sim.only('AWS::SNS::Topic');
  const key = sim.only('AWS::KMS::Key');
  return { stack, sim, topic, topicArn: sim.arn(topic), key, keyArn: sim.arn(key) };
}

/** CloudWatch publishing an alarm's notification: a service principal acting for the alarm. */
const publishing = (alarmArn = ALARM_ARN, account = ACCOUNT) =>
  serviceRequest('cloudwatch.amazonaws.com', { arn: alarmArn, account });

describe('CloudWatch alarms may publish to the alarm topic', () => {
  const { sim, topic, topicArn } = alarmTopicStack();
  const publish = (principal: string, context: Record<string, string | string[]>) => decide({
    principal, action: 'sns:Publish', resource: topicArn, context, resourcePolicy: sim.topicPolicy(topic),
  });

  test('an alarm of this account, over TLS: allowed', async () => {
    expect(await publish('cloudwatch.amazonaws.com', publishing())).toBe('Allowed');
  });

  test('without TLS: denied explicitly', async () => {
    expect(await publish('cloudwatch.amazonaws.com', { ...publishing(), 'aws:SecureTransport': 'false' })).toBe('ExplicitlyDenied');
  });

  test('an alarm of another account: denied', async () => {
    const foreignAlarm = `arn:aws:cloudwatch:${REGION}:${OTHER_ACCOUNT}:alarm:Theirs`;
    expect(await publish('cloudwatch.amazonaws.com', publishing(foreignAlarm, OTHER_ACCOUNT))).toBe('ImplicitlyDenied');
  });

  test('an alarm of this account in another region: denied', async () => {
    expect(await publish('cloudwatch.amazonaws.com', publishing(`arn:aws:cloudwatch:us-east-1:${ACCOUNT}:alarm:X`))).toBe('ImplicitlyDenied');
  });

  test('a CloudWatch resource that is not an alarm: denied', async () => {
    expect(await publish('cloudwatch.amazonaws.com', publishing(`arn:aws:cloudwatch:${REGION}:${ACCOUNT}:dashboard/X`))).toBe('ImplicitlyDenied');
  });

  test.each(['aws:SourceArn', 'aws:SourceAccount'])('a request without %s: denied', async key => {
    expect(await publish('cloudwatch.amazonaws.com', without(publishing(), key))).toBe('ImplicitlyDenied');
  });

  test('another service of this account: denied', async () => {
    const context = serviceRequest('events.amazonaws.com', { arn: `arn:aws:events:${REGION}:${ACCOUNT}:rule/X`, account: ACCOUNT });
    expect(await publish('events.amazonaws.com', context)).toBe('ImplicitlyDenied');
  });
});

describe("CloudWatch may use the topic's key", () => {
  const { sim, key, keyArn } = alarmTopicStack();
  const useKey = (principal: string, action: string, context: Record<string, string | string[]>) => decide({
    principal,
    action,
    resource: keyArn,
    context,
    resourcePolicy: sim.keyPolicy(key),
  });

  test.each(['kms:GenerateDataKey', 'kms:Decrypt'])('CloudWatch: %s allowed', async action => {
    expect(await useKey('cloudwatch.amazonaws.com', action, publishing())).toBe('Allowed');
  });

  test('CloudWatch: nothing else, such as kms:ScheduleKeyDeletion', async () => {
    expect(await useKey('cloudwatch.amazonaws.com', 'kms:ScheduleKeyDeletion', publishing())).toBe('ImplicitlyDenied');
  });

  test('another service: denied', async () => {
    const context = serviceRequest('events.amazonaws.com', { arn: `arn:aws:events:${REGION}:${ACCOUNT}:rule/X`, account: ACCOUNT });
    expect(await useKey('events.amazonaws.com', 'kms:GenerateDataKey', context)).toBe('ImplicitlyDenied');
  });
});

describe('SNS may keep undeliverable notifications in the dead-letter queue', () => {
  const { sim, topicArn, key, keyArn } = alarmTopicStack(topic => topic.addEmailSubscription('oncall@example.com'));
  const queue = sim.only('AWS::SQS::Queue');
  const queueArn = sim.arn(queue);
  const fromTopic = (arn: string) => serviceRequest('sns.amazonaws.com', { arn, account: ACCOUNT });

  test('from the alarm topic: sqs:SendMessage allowed', async () => {
    expect(await decide({
      principal: 'sns.amazonaws.com', action: 'sqs:SendMessage', resource: queueArn, context: fromTopic(topicArn), resourcePolicy: sim.queuePolicy(queue),
    })).toBe('Allowed');
  });

  test('from another topic: denied', async () => {
    expect(await decide({
      principal: 'sns.amazonaws.com',
      action: 'sqs:SendMessage',
      resource: queueArn,
      context: fromTopic(`arn:aws:sns:${REGION}:${ACCOUNT}:other`),
      resourcePolicy: sim.queuePolicy(queue),
    })).toBe('ImplicitlyDenied');
  });

  test('without TLS: denied explicitly', async () => {
    expect(await decide({
      principal: 'sns.amazonaws.com',
      action: 'sqs:SendMessage',
      resource: queueArn,
      context: { ...fromTopic(topicArn), 'aws:SecureTransport': 'false' },
      resourcePolicy: sim.queuePolicy(queue),
    })).toBe('ExplicitlyDenied');
  });

  test.each(['kms:GenerateDataKey', 'kms:Decrypt'])('SNS may %s with the queue key', async action => {
    expect(await decide({
      principal: 'sns.amazonaws.com',
      action,
      resource: keyArn,
      context: fromTopic(topicArn),
      resourcePolicy: sim.keyPolicy(key),
    })).toBe('Allowed');
  });
});

describe("a topic of the user's own", () => {
  test('made in the app: gets the publish statement, and its key the CloudWatch statement', async () => {
    const stack = newStack();
    const key = new HardenedKey(stack, 'PagerKey', { description: 'pager' });
    const topic = new sns.Topic(stack, 'Pager', { masterKey: key, enforceSSL: true });
    AlarmActions.topic(topic).bind(stack);
    AlarmActions.topic(topic).bind(stack);

    const sim = SimulatedStack.of(stack);
    const topicId = sim.only('AWS::SNS::Topic');
    const keyId = sim.only('AWS::KMS::Key');
    expect(await decide({
      principal: 'cloudwatch.amazonaws.com', action: 'sns:Publish', resource: sim.arn(topicId), context: publishing(), resourcePolicy: sim.topicPolicy(topicId),
    })).toBe('Allowed');
    expect(await decide({
      principal: 'cloudwatch.amazonaws.com', action: 'kms:GenerateDataKey', resource: sim.arn(keyId), context: publishing(), resourcePolicy: sim.keyPolicy(keyId),
    })).toBe('Allowed');
    // Bound twice, the statement is added once.
    const statements = sim.topicPolicy(topicId).Statement.filter((s: any) => s.Sid === 'AllowThisAccountsAlarmsToPublish');
    expect(statements).toHaveLength(1);
  });

  test('imported: a warning names the statements the user must add', () => {
    const stack = newStack();
    const topic = sns.Topic.fromTopicArn(stack, 'Imported', `arn:aws:sns:${REGION}:${ACCOUNT}:pager`);
    AlarmActions.topic(topic).bind(stack);

    Annotations.fromStack(stack).hasWarning('/Stack/Imported', Match.stringLikeRegexp(
      'does not own.*cloudwatch.amazonaws.com.*sns:Publish.*aws:SourceAccount.*kms:Decrypt and kms:GenerateDataKey',
    ));
  });
});
