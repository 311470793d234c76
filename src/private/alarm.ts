import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';

/** What every alarm of the library states: a metric, a threshold with a reason, and what to do. */
export interface AlarmSpec {
  readonly metric: cloudwatch.IMetric;
  readonly threshold: number;
  readonly comparisonOperator?: cloudwatch.ComparisonOperator;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm?: number;
  /** Missing data is chosen on purpose for each alarm. */
  readonly treatMissingData: cloudwatch.TreatMissingData;
  /** What is wrong and what to do, shown in the notification. */
  readonly description: string;
}

/**
 * An alarm that notifies `actions` when it fires and when it recovers, so the person paged knows
 * when it is over.
 */
export function productAlarm(scope: Construct, id: string, spec: AlarmSpec, actions: cloudwatch.IAlarmAction[]): cloudwatch.Alarm {
  const alarm = new cloudwatch.Alarm(scope, id, {
    metric: spec.metric,
    threshold: spec.threshold,
    comparisonOperator: spec.comparisonOperator ?? cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    evaluationPeriods: spec.evaluationPeriods,
    datapointsToAlarm: spec.datapointsToAlarm,
    treatMissingData: spec.treatMissingData,
    alarmDescription: spec.description,
    actionsEnabled: true,
  });
  alarm.addAlarmAction(...actions);
  alarm.addOkAction(...actions);
  return alarm;
}

/** One minute, the resolution DynamoDB and Lambda publish at. */
export const ONE_MINUTE = Duration.minutes(1);
