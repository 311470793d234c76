import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { ONE_MINUTE } from './alarm';

/**
 * The metrics of one stream consumer, kept apart from its alarms: what Lambda and SQS publish
 * about its function, its event source mapping and its failure queue.
 */
export class StreamConsumerMetrics {
  constructor(
    private readonly handler: lambda.IFunction,
    private readonly mapping: lambda.EventSourceMapping,
    private readonly failureQueue: sqs.IQueue,
  ) {}

  /**
   * How far the function lags behind the stream, at its worst in a minute. IteratorAge is a
   * function metric, not one of the mapping's ("Types of metrics for Lambda functions",
   * https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html), so it is the
   * maximum over every mapping of the function.
   */
  public iteratorAge(): cloudwatch.IMetric {
    return this.handler.metric('IteratorAge', { statistic: cloudwatch.Stats.MAXIMUM, period: ONE_MINUTE });
  }

  /**
   * Records of this mapping whose invocation failed, including those a handler returns in
   * batchItemFailures, which the function's Errors metric never sees because such an invocation
   * succeeds (same page, "Event source mapping metrics").
   */
  public failedRecords(): cloudwatch.Metric {
    return this.mappingCount('FailedInvokeEventCount');
  }

  /**
   * Records of this mapping that Lambda discarded. With an on-failure destination, it counts
   * exactly the records whose delivery there failed (same page). Unlike
   * DestinationDeliveryFailures, it is per mapping.
   */
  public droppedRecords(): cloudwatch.Metric {
    return this.mappingCount('DroppedEventCount');
  }

  /** Messages waiting in the failure queue, at most in a minute. */
  public failureQueueDepth(): cloudwatch.Metric {
    return this.failureQueue.metricApproximateNumberOfMessagesVisible({ statistic: cloudwatch.Stats.MAXIMUM, period: ONE_MINUTE });
  }

  /**
   * A count that Lambda publishes for this mapping alone. The dimension's value is the mapping's
   * UUID, which `Ref` of an AWS::Lambda::EventSourceMapping returns ("AWS::Lambda::EventSourceMapping",
   * Return values, https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-lambda-eventsourcemapping.html).
   */
  private mappingCount(metricName: string): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: 'AWS/Lambda',
      metricName,
      dimensionsMap: { EventSourceMappingUUID: this.mapping.eventSourceMappingId },
      statistic: cloudwatch.Stats.SUM,
      period: ONE_MINUTE,
    });
  }
}
