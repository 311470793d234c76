import { Duration, Tokenization } from 'aws-cdk-lib';
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

/** A duration threshold on a metric published in milliseconds, and what to divide the metric by. */
export interface MillisecondsThreshold {
  /** The threshold in the unit the duration was given in when it is a token, else in milliseconds. */
  readonly threshold: number;
  /** The threshold as metric math writes it: a token number stringified, so that it resolves. */
  readonly expression: string;
  /** 1, or what turns milliseconds into the token's unit: the metric is divided by it. */
  readonly divisor: number;
  /** The unit of the threshold, for labels: 'ms', or the token's unit. */
  readonly unit: string;
}

const MILLIS_PER: Record<string, [number, (d: Duration) => number]> = {
  seconds: [1000, d => d.toSeconds()],
  minutes: [60_000, d => d.toMinutes()],
  hours: [3_600_000, d => d.toHours()],
  days: [86_400_000, d => d.toDays()],
};

/**
 * A threshold for a metric in milliseconds. A duration that is a token cannot be converted at synth
 * (`Duration.seconds(token).toMilliseconds()` throws, and CloudFormation has no arithmetic), so the
 * alarm divides the metric into the token's unit instead and compares it with the token as given.
 */
export function millisecondsThreshold(duration: Duration): MillisecondsThreshold {
  const scaling = duration.isUnresolved() ? MILLIS_PER[duration.unitLabel()] : undefined;
  if (scaling === undefined) {
    const threshold = duration.toMilliseconds();
    return { threshold, expression: Tokenization.stringifyNumber(threshold), divisor: 1, unit: 'ms' };
  }
  const [divisor, convert] = scaling;
  const threshold = convert(duration);
  return { threshold, expression: Tokenization.stringifyNumber(threshold), divisor, unit: duration.unitLabel() };
}

/** `metric` in the threshold's unit: itself, or divided by metric math. */
export function inUnitOf(metric: cloudwatch.IMetric, threshold: MillisecondsThreshold): cloudwatch.IMetric {
  return threshold.divisor === 1 ? metric : new cloudwatch.MathExpression({
    expression: `m / ${threshold.divisor}`,
    usingMetrics: { m: metric },
    label: `in ${threshold.unit}`,
    period: ONE_MINUTE,
  });
}
