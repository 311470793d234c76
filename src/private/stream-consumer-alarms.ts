import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { inUnitOf, millisecondsThreshold, productAlarm } from './alarm';
import { StreamConsumerMetrics } from './stream-consumer-metrics';

/** What the alarms of one consumer say in their descriptions and thresholds. */
export interface StreamConsumerAlarmFacts {
  /** The path of the table whose stream is read, named in every description. */
  readonly tablePath: string;
  /** The record age after which Lambda gives up and sends a batch to the failure queue. */
  readonly maxRecordAge: Duration;
  /** The iterator age at which the consumer alarms. */
  readonly iteratorAgeThreshold: Duration;
  /** How long the stream keeps a record. */
  readonly streamRetention: Duration;
}

/**
 * The four alarms of a stream consumer, made in `scope` with the ids they keep forever:
 * IteratorAge, FailedRecords, FailureQueueDepth and DroppedRecords.
 */
export function createStreamConsumerAlarms(
  scope: Construct,
  metrics: StreamConsumerMetrics,
  facts: StreamConsumerAlarmFacts,
  actions: cloudwatch.IAlarmAction[],
): cloudwatch.Alarm[] {
  const table = facts.tablePath;
  const threshold = facts.iteratorAgeThreshold;
  const retentionHours = facts.streamRetention.toHours();
  const deadline = `within ${retentionHours} hours of the record's write`;

  return [
    // The only alarm that sees records that leave the stream unread: DroppedEventCount leaves out
    // records that expire from the event source's retention.
    productAlarm(scope, 'IteratorAge', {
      metric: inUnitOf(metrics.iteratorAge(), millisecondsThreshold(threshold)),
      threshold: millisecondsThreshold(threshold).threshold,
      evaluationPeriods: 1,
      // Lambda publishes IteratorAge only when it invokes the function: no data means no records.
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      description: `The stream consumer of ${table} lags ${threshold.toHumanString()} or more behind the stream. ` +
        `Records older than ${facts.maxRecordAge.toHumanString()} go to the failure queue, and the stream keeps them ` +
        `only ${retentionHours} hours. Check the function's errors, throttles and duration; raise ` +
        'parallelizationFactor or batchSize if it cannot keep up.',
    }, actions),
    productAlarm(scope, 'FailedRecords', {
      metric: metrics.failedRecords(),
      threshold: 1,
      // Three minutes in a row: a batch that bisecting and retries resolve does not page.
      evaluationPeriods: 3,
      datapointsToAlarm: 3,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      description: `Records of the stream of ${table} have failed in this consumer every minute for 3 minutes: the ` +
        'function throws or times out, returns them in batchItemFailures, or Lambda cannot invoke it (permissions, a ' +
        'deleted function or alias). Their shard does not advance while Lambda retries. Read the function\'s logs. ' +
        'Batches that exhaust their retries go to the failure queue.',
    }, actions),
    productAlarm(scope, 'FailureQueueDepth', {
      metric: metrics.failureQueueDepth(),
      threshold: 1,
      evaluationPeriods: 1,
      // SQS stops publishing for a queue after 6 hours without API calls, even if it holds
      // messages; keeping the last state keeps this alarm in ALARM until someone drains the queue.
      treatMissingData: cloudwatch.TreatMissingData.IGNORE,
      description: `A batch from the stream of ${table} failed every attempt and its coordinates are in the failure queue. ` +
        `The queue holds shard and sequence numbers, not the records: re-read them from the stream ${deadline}, ` +
        'process them, then delete the message (see the README, "Streams").',
    }, actions),
    productAlarm(scope, 'DroppedRecords', {
      metric: metrics.droppedRecords(),
      threshold: 1,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      description: `Lambda dropped records of the stream of ${table}: they ran out of retries or maxRecordAge, and the ` +
        'failure queue refused them, so they are neither processed nor recorded. Fix the queue (permissions, key policy, ' +
        `FIFO queues are not supported) and find the lost range in the function's logs; re-read it from the stream ${deadline}.`,
    }, actions),
  ];
}
