import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { IConstruct } from 'constructs';
import { AlarmTopic } from './alarm-topic';
import { allowAlarmsToPublish } from './private/alarm-publishing';
import { alarmActionKind, Kinds, required, validateKind } from './private/validation';

/**
 * Where the library's alarms send their notifications. The same choice serves table alarms and
 * stream-consumer alarms.
 */
export abstract class AlarmActions {
  /**
   * Notify the stack's `AlarmTopic`, an encrypted SNS topic shared by every alarm of the stack.
   */
  public static stackTopic(): AlarmActions {
    return new class extends AlarmActions {
      public bind(scope: IConstruct): cloudwatch.IAlarmAction[] {
        return [new actions.SnsAction(AlarmTopic.of(scope).topic)];
      }
    }(true);
  }

  /**
   * Notify a topic of your own.
   *
   * A topic made in this app gets a topic-policy statement that lets this account's CloudWatch
   * alarms publish, and, if its key is made in this app too, a key-policy statement that lets
   * CloudWatch use the key. An imported topic cannot be changed: the library records a warning
   * (`DynamoDbChecks::AlarmTopicAcceptsCloudWatch`) that names the statements it needs.
   */
  public static topic(topic: sns.ITopic): AlarmActions {
    validateKind('AlarmActions.topic topic', topic, required(Kinds.topic));
    return new class extends AlarmActions {
      public bind(_scope: IConstruct): cloudwatch.IAlarmAction[] {
        allowAlarmsToPublish(topic);
        return [new actions.SnsAction(topic)];
      }
    }(true);
  }

  /**
   * Run these alarm actions (SNS, Lambda, Systems Manager, ...).
   */
  public static actions(...alarmActions: cloudwatch.IAlarmAction[]): AlarmActions {
    alarmActions.forEach((action, index) => validateKind(`AlarmActions.actions alarmActions[${index}]`, action, required(alarmActionKind)));
    return new class extends AlarmActions {
      public bind(_scope: IConstruct): cloudwatch.IAlarmAction[] {
        return alarmActions;
      }
    }(alarmActions.length > 0);
  }

  /**
   * Create no alarms at all. An alarm without an action tells nobody, and the compliance packs
   * refuse it, so there is no "alarms without actions" choice.
   */
  public static none(): AlarmActions {
    return new class extends AlarmActions {
      public bind(_scope: IConstruct): cloudwatch.IAlarmAction[] {
        return [];
      }
    }(false);
  }

  /**
   * @param enabled whether alarms are created at all
   */
  protected constructor(public readonly enabled: boolean) {}

  /**
   * The alarm actions for alarms created in `scope`.
   */
  public abstract bind(scope: IConstruct): cloudwatch.IAlarmAction[];
}
