import { Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AlarmActions } from '../src';
import { agnosticStack } from './fixtures';
import { productAlarm } from '../src/private/alarm';

const metric = new cloudwatch.Metric({ namespace: 'Test', metricName: 'Errors', statistic: 'Sum' });

function alarmOn(stack: Stack, alarmActions: AlarmActions) {
  return productAlarm(stack, 'Alarm', {
    metric, threshold: 1, evaluationPeriods: 1, treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING, description: 'test',
  }, alarmActions.bind(stack));
}

describe('AlarmActions', () => {
  test('stackTopic notifies the stack topic on alarm and on recovery, making the topic on first use', () => {
    const stack = agnosticStack();

    alarmOn(stack, AlarmActions.stackTopic());

    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::SNS::Topic', 1);
    const topicRef = { Ref: Match.stringLikeRegexp('^DynamoDbKitAlarmsTopic') };
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      ActionsEnabled: true,
      AlarmActions: [topicRef],
      OKActions: [topicRef],
      TreatMissingData: 'notBreaching',
    });
  });

  test('none binds no action and, unlike stackTopic in the same place, makes no topic', () => {
    const withNone = agnosticStack();
    const withTopic = agnosticStack();

    expect(AlarmActions.none().enabled).toBe(false);
    expect(AlarmActions.none().bind(withNone)).toEqual([]);
    expect(AlarmActions.stackTopic().enabled).toBe(true);
    expect(AlarmActions.stackTopic().bind(withTopic)).toHaveLength(1);
    Template.fromStack(withNone).resourceCountIs('AWS::SNS::Topic', 0);
    Template.fromStack(withTopic).resourceCountIs('AWS::SNS::Topic', 1);
  });

  test('topic binds an SNS action on a topic of your own, and lets CloudWatch publish to it', () => {
    const stack = agnosticStack();
    const pager = new sns.Topic(stack, 'Pager', { enforceSSL: true });

    alarmOn(stack, AlarmActions.topic(pager));

    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmActions: [{ Ref: Match.stringLikeRegexp('^Pager') }] });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Sid: 'AllowThisAccountsAlarmsToPublish', Principal: { Service: 'cloudwatch.amazonaws.com' } })]) },
    });
    Annotations.fromStack(stack).hasNoWarning('*', Match.anyValue());
  });

  test('actions binds exactly the actions given; none given means no alarms', () => {
    const stack = agnosticStack();
    const fn = new lambda.Function(stack, 'Fn', { runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => {}') });
    const action = new actions.LambdaAction(fn);

    expect(AlarmActions.actions(action).bind(stack)).toEqual([action]);
    expect(AlarmActions.actions().enabled).toBe(false);
  });
});
