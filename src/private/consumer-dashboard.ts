import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { ONE_MINUTE } from './alarm';
import { GRAPH_HEIGHT, GRAPH_WIDTH } from './table-dashboard';
import type { StreamConsumer } from '../stream-consumer';

/**
 * The widgets of one stream consumer, read from its public properties: how far it lags (iterator
 * age), the records of its mapping that failed or were dropped, and its failure queue's depth.
 * Each graph draws the consumer's alarm metric and threshold; without alarms (`AlarmActions.none()`)
 * it draws the same metrics from the mapping and the queue, and no iterator age, which is a
 * metric of the handler, a property the consumer does not expose.
 */
export function consumerWidgets(consumer: StreamConsumer): cloudwatch.IWidget[] {
  const alarms = new Map(consumer.alarms
    .filter((alarm): alarm is cloudwatch.Alarm => alarm instanceof cloudwatch.Alarm)
    .map(alarm => [alarm.node.id, alarm]));
  const path = consumer.node.path;
  const widgets: cloudwatch.IWidget[] = [];

  const iteratorAge = alarms.get('IteratorAge');
  if (iteratorAge) {
    widgets.push(graph(`Stream consumer ${path}: iterator age (ms)`, [iteratorAge.metric], [iteratorAge]));
  }

  const failed = alarms.get('FailedRecords');
  const dropped = alarms.get('DroppedRecords');
  const mappingId = consumer.eventSourceMapping.eventSourceMappingId;
  widgets.push(graph(`Stream consumer ${path}: failed and dropped records`, [
    (failed?.metric as cloudwatch.Metric | undefined ?? mappingMetric('FailedInvokeEventCount', mappingId)).with({ label: 'failed (retried, then to the failure queue)' }),
    (dropped?.metric as cloudwatch.Metric | undefined ?? mappingMetric('DroppedEventCount', mappingId)).with({ label: 'dropped (lost: the failure queue refused them)' }),
  ], [failed, dropped]));

  const queue = alarms.get('FailureQueueDepth');
  widgets.push(graph(`Stream consumer ${path}: failed batches in the failure queue`, [
    queue?.metric ?? consumer.failureQueue.metricApproximateNumberOfMessagesVisible({ statistic: cloudwatch.Stats.MAXIMUM, period: ONE_MINUTE }),
  ], [queue]));
  return widgets;
}

function graph(title: string, left: cloudwatch.IMetric[], alarms: Array<cloudwatch.Alarm | undefined>): cloudwatch.GraphWidget {
  return new cloudwatch.GraphWidget({
    title,
    width: GRAPH_WIDTH,
    height: GRAPH_HEIGHT,
    period: ONE_MINUTE,
    leftYAxis: { min: 0 },
    left,
    leftAnnotations: alarms.filter((alarm): alarm is cloudwatch.Alarm => alarm !== undefined).map(alarm => alarm.toAnnotation()),
  });
}

/** The per-mapping count Lambda publishes with `metricsConfig` (dimension EventSourceMappingUUID). */
function mappingMetric(metricName: string, mappingId: string): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: 'AWS/Lambda',
    metricName,
    dimensionsMap: { EventSourceMappingUUID: mappingId },
    statistic: cloudwatch.Stats.SUM,
    period: ONE_MINUTE,
  });
}
