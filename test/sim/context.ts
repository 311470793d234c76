/**
 * The context keys that AWS sends with each kind of request, for simulated authorization.
 *
 * The simulator fills in none, so each test builds its request from these. Sources:
 * - global keys: IAM User Guide, "AWS global condition context keys"
 *   (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html):
 *   aws:PrincipalArn, aws:PrincipalAccount and aws:PrincipalType are in every signed request of a
 *   role session; aws:PrincipalIsAWSService and aws:PrincipalServiceName in a request made by a
 *   service principal, which carries no aws:PrincipalArn; aws:SourceArn and aws:SourceAccount when a
 *   service acts for a resource (the alarm that publishes); aws:SourceVpce and aws:SourceVpc through
 *   a VPC endpoint; aws:ViaAWSService is true when a service calls another with the principal's
 *   credentials (forward access sessions), and false for a service role's own calls;
 * - KMS: AWS KMS Developer Guide, "kms:ViaService" and "kms:CallerAccount"
 *   (https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html). Services also send
 *   an encryption context (DynamoDB `aws:dynamodb:tableName`, SQS `aws:sqs:arn`, SNS
 *   `aws:sns:topicArn`), but the simulator refuses `kms:EncryptionContext:` keys whose name holds a
 *   colon, so requests leave it out; no policy of the library conditions on it.
 */
import { accountOf } from './simulator';

export const ACCOUNT = '111111111111';
export const OTHER_ACCOUNT = '222222222222';
export const REGION = 'eu-west-1';

type Context = Record<string, string | string[]>;

/** A request signed by a session of a role, over TLS. */
export function roleRequest(roleArn: string, extra: Context = {}): Context {
  return {
    'aws:PrincipalArn': roleArn,
    'aws:PrincipalAccount': accountOf(roleArn),
    'aws:PrincipalType': 'AssumedRole',
    'aws:PrincipalIsAWSService': 'false',
    'aws:ViaAWSService': 'false',
    'aws:SecureTransport': 'true',
    ...extra,
  };
}

/**
 * A request that an AWS service makes as its service principal for a resource of an account:
 * CloudWatch publishing an alarm's notification, SNS sending to a dead-letter queue.
 */
export function serviceRequest(servicePrincipal: string, source: { arn: string; account: string }, extra: Context = {}): Context {
  return {
    'aws:PrincipalIsAWSService': 'true',
    'aws:PrincipalServiceName': servicePrincipal,
    'aws:SourceArn': source.arn,
    'aws:SourceAccount': source.account,
    'aws:SecureTransport': 'true',
    ...extra,
  };
}

/**
 * The keys of a KMS call that a service makes for a principal that uses it: DynamoDB, SQS or SNS
 * encrypting or decrypting with a customer-managed key.
 */
export function kmsViaService(service: 'dynamodb' | 'sqs' | 'sns' | 'backup' | 'dax', region: string, callerAccount: string): Context {
  return {
    'kms:ViaService': `${service}.${region}.amazonaws.com`,
    'kms:CallerAccount': callerAccount,
  };
}

/** The keys of a request that arrives through a VPC endpoint. */
export function throughEndpoint(vpceId: string, vpcId: string): Context {
  return { 'aws:SourceVpce': vpceId, 'aws:SourceVpc': vpcId };
}

/** A copy of a context without some keys: a condition must fail when its key is missing. */
export function without(context: Context, ...keys: string[]): Context {
  return Object.fromEntries(Object.entries(context).filter(([key]) => !keys.includes(key)));
}
