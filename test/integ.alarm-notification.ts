/**
 * Integration test, deployed by integ-runner into your account (see the README, "Contributing"):
 * a ProductionTable's alarm reaches the stack's alarm topic. The topic is encrypted with a
 * customer-managed key, so this proves what no synth can: that the key policy lets CloudWatch use
 * the key and the topic policy lets the alarm publish. Otherwise the alarm's history says "Failed
 * to execute action".
 */
import { ExpectedResult, IntegTest, Match } from '@aws-cdk/integ-tests-alpha';
import { App, Duration } from 'aws-cdk-lib';
import { runIfMain, tableIntegTest } from './integ-support';
import { AlarmTopic } from '../src';

export function build(app: App): IntegTest {
  const { integ, stack, table } = tableIntegTest(app, 'DynamoDbKitAlarmNotification', 'AlarmNotification');
  const alarm = table.alarms!.alarms[0];
  const topic = AlarmTopic.of(stack).topic;
  const setState = integ.assertions.awsApiCall('CloudWatch', 'setAlarmState', {
    AlarmName: alarm.alarmName,
    StateValue: 'ALARM',
    StateReason: 'integ-runner: does this alarm reach its topic?',
  });
  // CloudWatch runs the alarm's actions within seconds of the change and records each in the history.
  const history = integ.assertions.awsApiCall('CloudWatch', 'describeAlarmHistory', {
    AlarmName: alarm.alarmName,
    HistoryItemType: 'Action',
  });
  history.expect(ExpectedResult.objectLike({
    AlarmHistoryItems: Match.arrayWith([Match.objectLike({
      HistorySummary: Match.stringLikeRegexp(`Successfully executed action ${topic.topicArn}`),
    })]),
  }));
  history.waitForAssertions({ totalTimeout: Duration.minutes(3), interval: Duration.seconds(10) });
  setState.next(history);
  return integ;
}

runIfMain(module, build);
