import { App, Lazy, Stack, Token, Validations } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AlarmActions, AlarmTopic } from '../src';
import { listFindings, synthWithChecks } from './compliance-harness';
import { agnosticStack, ENV } from './fixtures';
import { productAlarm } from '../src/private/alarm';

const metric = new cloudwatch.Metric({ namespace: 'Test', metricName: 'Errors', statistic: 'Sum' });

function alarmOn(stack: Stack, actions = AlarmActions.stackTopic()) {
  return productAlarm(stack, 'Alarm', {
    metric, threshold: 1, evaluationPeriods: 1, treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING, description: 'test',
  }, actions.bind(stack));
}

describe('AlarmTopic', () => {
  test('one topic per stack, at stack scope', () => {
    const stack = agnosticStack();
    const first = AlarmTopic.of(stack);

    expect(AlarmTopic.of(new cloudwatch.Alarm(stack, 'A', { metric, threshold: 1, evaluationPeriods: 1 }))).toBe(first);
    expect(first.node.path).toEqual('Stack/DynamoDbKitAlarms');
    Template.fromStack(stack).resourceCountIs('AWS::SNS::Topic', 1);
  });

  test('is encrypted with a key CloudWatch may use, and refuses publishing without TLS', () => {
    const stack = agnosticStack();
    AlarmTopic.of(stack);

    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^DynamoDbKitAlarmsKey'), 'Arn'] } });
    template.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'AllowSnsToEncryptForTheDeadLetterQueue',
            Principal: { Service: 'sns.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          }),
          Match.objectLike({
            Sid: 'AllowCloudWatchAlarmsToUseTheKey',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          }),
        ]),
      },
    });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({
          Effect: 'Deny',
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        })]),
      },
    });
  });

  test('email and HTTPS subscriptions share one encrypted, retained dead-letter queue', () => {
    const stack = agnosticStack();
    const topic = AlarmTopic.of(stack);

    topic.addEmailSubscription('oncall@example.com');
    topic.addHttpsSubscription('https://pager.example.com/hook');

    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'oncall@example.com', RedrivePolicy: Match.anyValue() });
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'https', Endpoint: 'https://pager.example.com/hook', RedrivePolicy: Match.anyValue() });
    template.resourceCountIs('AWS::SQS::Queue', 1);
    template.hasResource('AWS::SQS::Queue', { DeletionPolicy: 'Retain', Properties: { MessageRetentionPeriod: 1209600, KmsMasterKeyId: Match.anyValue() } });
  });

  test('with subscriptions and an alarm, passes every compliance plugin', () => {
    const result = synthWithChecks(app => {
      const stack = new Stack(app, 'Stack');
      AlarmTopic.of(stack).addEmailSubscription('oncall@example.com');
      AlarmTopic.of(stack).addHttpsSubscription('https://pager.example.com/hook');
      alarmOn(stack);
    }, { schema: false }); // the topic and its queue go through cfn-lint in every compliance scenario

    expect(listFindings(result.unacknowledged)).toEqual('');
    expect(result.acknowledged.map(f => f.acknowledgedId).sort()).toEqual([
      'AwsSolutions::AwsSolutions-SQS3',
      'Serverless::Serverless-SQSRedrivePolicy',
      'cdk-validator-cfnguard::sqs_dlq_check',
    ]);
  });
});

describe('the shared id', () => {
  test('a construct of the user with the reserved id is reported, not overwritten', () => {
    const stack = agnosticStack();
    new cloudwatch.Alarm(stack, 'DynamoDbKitAlarms', { metric, threshold: 1, evaluationPeriods: 1 });

    expect(() => AlarmTopic.of(stack)).toThrow("Stack/DynamoDbKitAlarms is reserved for the library's shared AlarmTopic, but another construct uses that id; rename it");
  });
});

describe('AlarmTopic subscriptions refuse what would not reach anyone safely', () => {
  test.each(['http://pager.example.com/hook', 'not a url', 'https://', 'ftp://example.com', ''])('HTTPS subscription %j is refused', url => {
    const stack = agnosticStack();
    expect(() => AlarmTopic.of(stack).addHttpsSubscription(url)).toThrow(
      /^Stack\/DynamoDbKitAlarms: addHttpsSubscription url must be an https:\/\/ URL with a host, got/,
    );
    Template.fromStack(stack).resourceCountIs('AWS::SNS::Subscription', 0);
  });

  test.each(['oncall', 'oncall@', '@example.com', 'on call@example.com', 'a@b@c', ''])('email subscription %j is refused', address => {
    const stack = agnosticStack();
    expect(() => AlarmTopic.of(stack).addEmailSubscription(address)).toThrow(
      /^Stack\/DynamoDbKitAlarms: addEmailSubscription address must be an email address \(local-part@domain\), got/,
    );
  });

  test('tokens pass through unvalidated', () => {
    const stack = agnosticStack();
    const topic = AlarmTopic.of(stack);
    topic.addEmailSubscription(Token.asString(Lazy.string({ produce: () => 'oncall@example.com' })));
    topic.addHttpsSubscription(Token.asString(Lazy.string({ produce: () => 'https://pager.example.com' })));
    Template.fromStack(stack).resourceCountIs('AWS::SNS::Subscription', 2);
  });
});

describe('nobody is told', () => {
  const NOT_SUBSCRIBED = Match.stringLikeRegexp('Nobody is subscribed to the alarm topic Stack/DynamoDbKitAlarms.*DynamoDbChecks::AlarmTopicSubscribed');

  test('a topic that nobody is subscribed to is reported at synth', () => {
    const stack = agnosticStack();
    AlarmTopic.of(stack);

    Annotations.fromStack(stack).hasWarning('/Stack/DynamoDbKitAlarms', NOT_SUBSCRIBED);
  });

  test('an email subscription, even one added after the alarms, is enough', () => {
    const stack = agnosticStack();
    const topic = AlarmTopic.of(stack);
    new cloudwatch.Alarm(stack, 'A', { metric, threshold: 1, evaluationPeriods: 1 });
    topic.addEmailSubscription('oncall@example.com');

    Annotations.fromStack(stack).hasNoWarning('*', NOT_SUBSCRIBED);
  });

  test('a subscription of your own to the topic, from another stack, is enough', () => {
    const app = new App();
    const stack = new Stack(app, 'Stack', { env: ENV });
    const other = new Stack(app, 'Pager', { env: ENV });
    const topic = AlarmTopic.of(stack).topic;
    new sns.Subscription(other, 'Sub', { topic, protocol: sns.SubscriptionProtocol.HTTPS, endpoint: 'https://pager.example.com' });

    Annotations.fromStack(stack).hasNoWarning('*', NOT_SUBSCRIBED);
  });

  test('a team that subscribes outside the app acknowledges it once, on the stack', () => {
    const app = new App();
    const stack = new Stack(app, 'Stack');
    AlarmTopic.of(stack);
    Validations.of(stack).acknowledge({ id: 'DynamoDbChecks::AlarmTopicSubscribed', reason: 'The topic is subscribed by the on-call chat bot, deployed by the platform team.' });

    const assembly = app.synth();
    expect(assembly.getStackArtifact(stack.artifactId).findMetadataByType('aws:cdk:warning')).toEqual([]);
  });
});
