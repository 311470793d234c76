/**
 * A Lambda function set up to pass the compliance packs as a stream handler: the kind of function
 * a team hands to `addStreamConsumer`. Shared by the examples and the tests; not an app itself.
 */
import { Aws, Duration, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { HardenedKey } from '../src';

export interface StreamHandlerProps {
  readonly code: lambda.Code;
  /** @default 'index.handler' */
  readonly handler?: string;
  readonly environment?: { [key: string]: string };
  /** What else the function may do, besides logging and tracing. */
  readonly statements?: iam.PolicyStatement[];
  /** @default 5 */
  readonly reservedConcurrentExecutions?: number;
}

/**
 * A function with an immutable role, so that aws-cdk-lib adds no inline policy to it: every
 * permission is in a customer-managed policy, and the stream consumer adds its own the same way.
 */
export function streamHandler(scope: Construct, id: string, props: StreamHandlerProps): lambda.Function {
  const logGroup = encryptedLogGroup(scope, `${id}Logs`);

  const role = new iam.Role(scope, `${id}Role`, {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    description: `Execution role of ${id}`,
  });
  const policy = new iam.ManagedPolicy(scope, `${id}Policy`, {
    description: `Lets ${id} log, trace and do its work`,
    roles: [role],
    statements: [
      new iam.PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logGroup.logGroupArn] }),
      new iam.PolicyStatement({ actions: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], resources: ['*'] }),
      ...props.statements ?? [],
    ],
  });
  Validations.of(policy).acknowledge({
    id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
    reason: 'Only for xray:PutTraceSegments and xray:PutTelemetryRecords, which support no resource-level permissions.',
  });

  const fn = new lambda.Function(scope, id, {
    runtime: lambda.Runtime.NODEJS_24_X,
    code: props.code,
    handler: props.handler ?? 'index.handler',
    role: role.withoutPolicyUpdates(),
    environment: props.environment,
    memorySize: 256,
    timeout: Duration.seconds(30),
    tracing: lambda.Tracing.ACTIVE,
    logGroup,
    reservedConcurrentExecutions: props.reservedConcurrentExecutions ?? 5,
  });
  fn.node.addDependency(policy);
  Validations.of(fn).acknowledge(
    {
      id: 'HIPAA.Security::HIPAA.Security-LambdaDLQ',
      reason: 'Invoked only by its stream event source mapping, synchronously: Lambda never sends to an asynchronous ' +
        'dead-letter queue here. Failed batches go to the stream consumer\'s alarmed failure queue.',
    },
    {
      id: 'NIST.800.53.R5::NIST.800.53.R5-LambdaDLQ',
      reason: 'Invoked only by its stream event source mapping, synchronously: Lambda never sends to an asynchronous ' +
        'dead-letter queue here. Failed batches go to the stream consumer\'s alarmed failure queue.',
    },
    {
      id: 'Serverless::Serverless-LambdaDLQ',
      reason: 'Invoked only by its stream event source mapping, synchronously: Lambda never sends to an asynchronous ' +
        'dead-letter queue here. Failed batches go to the stream consumer\'s alarmed failure queue.',
    },
    {
      id: 'HIPAA.Security::HIPAA.Security-LambdaInsideVPC',
      reason: 'Needs no network path into a VPC: Lambda reads the stream from the service side, and the function ' +
        'reaches DynamoDB at its regional endpoint over TLS with SigV4. A VPC would need a DynamoDB gateway endpoint.',
    },
    {
      id: 'NIST.800.53.R5::NIST.800.53.R5-LambdaInsideVPC',
      reason: 'Needs no network path into a VPC: Lambda reads the stream from the service side, and the function ' +
        'reaches DynamoDB at its regional endpoint over TLS with SigV4. A VPC would need a DynamoDB gateway endpoint.',
    },
    {
      id: 'cdk-validator-cfnguard::lambda_inside_vpc_check',
      reason: 'CT.LAMBDA.PR.3: needs no network path into a VPC: Lambda reads the stream from the service side, and the ' +
        'function reaches DynamoDB at its regional endpoint over TLS with SigV4.',
    },
    {
      id: 'PCI.DSS.321::PCI.DSS.321-LambdaInsideVPC',
      reason: 'Needs no network path into a VPC: Lambda reads the stream from the service side, and the function ' +
        'reaches DynamoDB at its regional endpoint over TLS with SigV4. A VPC would need a DynamoDB gateway endpoint.',
    },
  );
  return fn;
}

/**
 * A log group encrypted with a `HardenedKey` that CloudWatch Logs may use, kept a year.
 */
export function encryptedLogGroup(scope: Construct, id: string): logs.LogGroup {
  const key = new HardenedKey(scope, `${id}Key`, { description: `Encrypts the log group ${id}` });
  key.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'AllowCloudWatchLogs',
    principals: [new iam.ServicePrincipal(`logs.${Aws.REGION}.amazonaws.com`)],
    actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
    resources: ['*'],
    conditions: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': `arn:${Aws.PARTITION}:logs:${Aws.REGION}:${Aws.ACCOUNT_ID}:log-group:*` } },
  }));
  return new logs.LogGroup(scope, id, { encryptionKey: key, retention: logs.RetentionDays.ONE_YEAR });
}
