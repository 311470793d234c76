/**
 * The two apps the benchmark compares, with the same features table for table:
 *
 * - `kit`: N ProductionTables, each with a GSI, a stream consumer and the VPC's gateway endpoint,
 *   with the default alarms and backup;
 * - `l2`: the same written by hand with aws-cdk-lib's L2 constructs: TableV2 with its own rotating
 *   key, PITR, deletion protection, contributor insights, the GSI, a DynamoEventSource with an
 *   encrypted on-failure queue, the same alarms (kind, metrics and count), one backup plan, vault
 *   and selection, one gateway endpoint with a data-perimeter policy, and one encrypted alarm topic.
 *
 * Both put all N tables in one stack with an account and a region (aws-cdk-lib renders a TableV2's
 * customer-managed key only where the region is known) and one isolated VPC. The kit is passed
 * in rather than imported, so that the runner chooses which build of it to load and times that.
 */
import { Aws, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sources from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/** The environment of the benchmark stack. */
export const ENV = { account: '111111111111', region: 'us-east-1' };

/** The part of the library's module the kit app uses. */
export type Kit = typeof import('../../src');

const PARTITION_KEY = { name: 'pk', type: dynamodb.AttributeType.STRING };
const SORT_KEY = { name: 'sk', type: dynamodb.AttributeType.STRING };
const GSI: dynamodb.GlobalSecondaryIndexPropsV2 = {
  indexName: 'byCustomer',
  partitionKey: { name: 'customerId', type: dynamodb.AttributeType.STRING },
};

export function buildKitStack(kit: Kit, stack: Stack, tables: number): void {
  const vpc = isolatedVpc(stack);
  for (let i = 0; i < tables; i++) {
    const table = new kit.ProductionTable(stack, `Table${i}`, {
      partitionKey: PARTITION_KEY,
      sortKey: SORT_KEY,
      globalSecondaryIndexes: [GSI],
    });
    table.addStreamConsumer('Consumer', { handler: consumerFunction(stack, `Table${i}Handler`) });
    table.addVpcEndpoint(vpc);
  }
}

export function buildL2Stack(stack: Stack, tables: number): void {
  const vpc = isolatedVpc(stack);
  const endpoint = vpc.addGatewayEndpoint('DynamoDbEndpoint', { service: ec2.GatewayVpcEndpointAwsService.DYNAMODB });
  endpoint.addToPolicy(new iam.PolicyStatement({
    principals: [new iam.AnyPrincipal()],
    actions: ['dynamodb:*'],
    resources: ['*'],
    conditions: { StringEquals: { 'aws:PrincipalAccount': Aws.ACCOUNT_ID, 'aws:ResourceAccount': Aws.ACCOUNT_ID } },
  }));

  const topicKey = rotatingKey(stack, 'AlarmsKey');
  topicKey.addToResourcePolicy(new iam.PolicyStatement({
    principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
    actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
    resources: ['*'],
  }));
  const topic = new sns.Topic(stack, 'Alarms', { masterKey: topicKey, enforceSSL: true });
  topic.addToResourcePolicy(new iam.PolicyStatement({
    principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
    actions: ['sns:Publish'],
    resources: [topic.topicArn],
    conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
  }));
  const notify = new actions.SnsAction(topic);

  const vault = new backup.BackupVault(stack, 'BackupVault', {
    encryptionKey: rotatingKey(stack, 'BackupVaultKey'),
    removalPolicy: RemovalPolicy.RETAIN,
  });
  const plan = new backup.BackupPlan(stack, 'BackupPlan', {
    backupVault: vault,
    backupPlanRules: [new backup.BackupPlanRule({
      ruleName: 'Daily',
      scheduleExpression: events.Schedule.cron({ hour: '5', minute: '0' }),
      deleteAfter: Duration.days(35),
    })],
  });

  const backedUp: backup.BackupResource[] = [];
  for (let i = 0; i < tables; i++) {
    const scope = new Construct(stack, `Table${i}Parts`);
    const table = new dynamodb.TableV2(stack, `Table${i}`, {
      partitionKey: PARTITION_KEY,
      sortKey: SORT_KEY,
      globalSecondaryIndexes: [GSI],
      encryption: dynamodb.TableEncryptionV2.customerManagedKey(rotatingKey(scope, 'Key')),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true, recoveryPeriodInDays: 35 },
      deletionProtection: true,
      contributorInsightsSpecification: { enabled: true, mode: dynamodb.ContributorInsightsMode.THROTTLED_KEYS },
      dynamoStream: dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    backedUp.push(backup.BackupResource.fromArn(table.tableArn));

    const handler = consumerFunction(stack, `Table${i}Handler`);
    const failures = new sqs.Queue(scope, 'FailureQueue', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: rotatingKey(scope, 'FailureQueueKey'),
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const source = new sources.DynamoEventSource(table, {
      startingPosition: lambda.StartingPosition.TRIM_HORIZON,
      batchSize: 100,
      bisectBatchOnError: true,
      reportBatchItemFailures: true,
      retryAttempts: 3,
      maxRecordAge: Duration.hours(6),
      onFailure: new sources.SqsDlq(failures),
      metricsConfig: { metrics: [lambda.MetricType.EVENT_COUNT] },
    });
    handler.addEventSource(source);

    // The library's alarms, kind for kind: one per cause of throttling that covers the table and its GSI
    // by metric math, system errors over the ten data-plane operations, then the consumer's lag,
    // failures, failure queue and drops.
    const alarms: cloudwatch.Alarm[] = [];
    for (const [cause, read, write] of [
      ['HotKey', 'ReadKeyRangeThroughputThrottleEvents', 'WriteKeyRangeThroughputThrottleEvents'],
      ['AccountLimit', 'ReadAccountLimitThrottleEvents', 'WriteAccountLimitThrottleEvents'],
    ]) {
      const metrics = [undefined, GSI.indexName].flatMap(index => {
        const dimensions = { TableName: table.tableName, ...index ? { GlobalSecondaryIndexName: index } : {} };
        return [dynamoMetric(read, dimensions), dynamoMetric(write, dimensions)];
      });
      alarms.push(new cloudwatch.MathExpression({
        expression: metrics.map((_, n) => `m${n}`).join(' + '),
        usingMetrics: Object.fromEntries(metrics.map((metric, n) => [`m${n}`, metric])),
        period: Duration.minutes(1),
      }).createAlarm(scope, `${cause}Throttles`, threeOfFiveMinutes()));
    }
    const operations = ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem', 'Query', 'Scan', 'BatchGetItem',
      'BatchWriteItem', 'TransactGetItems', 'TransactWriteItems'];
    alarms.push(new cloudwatch.MathExpression({
      expression: `SUM([${operations.map((_, n) => `e${n}`).join(',')}])`,
      usingMetrics: Object.fromEntries(operations.map((operation, n) =>
        [`e${n}`, dynamoMetric('SystemErrors', { TableName: table.tableName, Operation: operation })])),
      period: Duration.minutes(1),
    }).createAlarm(scope, 'SystemErrors', threeOfFiveMinutes()));

    const mapping = { EventSourceMappingUUID: source.eventSourceMappingId };
    alarms.push(
      handler.metric('IteratorAge', { statistic: 'Maximum', period: Duration.minutes(1) }).createAlarm(scope, 'IteratorAgeAlarm', {
        threshold: Duration.hours(1).toMilliseconds(), evaluationPeriods: 1, treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
      lambdaMetric('FailedInvokeEventCount', mapping).createAlarm(scope, 'FailedRecordsAlarm', {
        threshold: 1, evaluationPeriods: 3, datapointsToAlarm: 3, treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
      failures.metricApproximateNumberOfMessagesVisible({ statistic: 'Maximum', period: Duration.minutes(1) }).createAlarm(scope, 'FailureQueueAlarm', {
        threshold: 1, evaluationPeriods: 1, treatMissingData: cloudwatch.TreatMissingData.IGNORE,
      }),
      lambdaMetric('DroppedEventCount', mapping).createAlarm(scope, 'DroppedRecordsAlarm', {
        threshold: 1, evaluationPeriods: 1, treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
    );
    for (const alarm of alarms) {
      alarm.addAlarmAction(notify);
      alarm.addOkAction(notify);
    }
  }
  plan.addSelection('Tables', { resources: backedUp, allowRestores: true });
}

/** The same handler in both apps: the user's function, not a part of either. */
function consumerFunction(scope: Construct, id: string): lambda.Function {
  return new lambda.Function(scope, id, {
    runtime: lambda.Runtime.NODEJS_24_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => ({ batchItemFailures: [] });'),
  });
}

function isolatedVpc(stack: Stack): ec2.Vpc {
  return new ec2.Vpc(stack, 'Vpc', {
    // Named zones, so that synth looks nothing up.
    availabilityZones: ['us-east-1a', 'us-east-1b'],
    natGateways: 0,
    subnetConfiguration: [{ name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 }],
  });
}

function rotatingKey(scope: Construct, id: string): kms.Key {
  return new kms.Key(scope, id, { enableKeyRotation: true, removalPolicy: RemovalPolicy.RETAIN });
}

function dynamoMetric(metricName: string, dimensionsMap: Record<string, string>): cloudwatch.Metric {
  return new cloudwatch.Metric({ namespace: 'AWS/DynamoDB', metricName, dimensionsMap, statistic: 'Sum', period: Duration.minutes(1) });
}

function lambdaMetric(metricName: string, dimensionsMap: Record<string, string>): cloudwatch.Metric {
  return new cloudwatch.Metric({ namespace: 'AWS/Lambda', metricName, dimensionsMap, statistic: 'Sum', period: Duration.minutes(1) });
}

function threeOfFiveMinutes(): cloudwatch.CreateAlarmOptions {
  return {
    threshold: 1,
    evaluationPeriods: 5,
    datapointsToAlarm: 3,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  };
}
