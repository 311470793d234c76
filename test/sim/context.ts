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
 *   `aws:sns:topicArn`), but the simulator ignores `kms:EncryptionContext:` keys whose name holds a
 *   colon, so requests leave it out or allow it to be ignored; no policy of the library conditions on it.
 */
import { accountOf } from './simulator';

export { ACCOUNT, OTHER_ACCOUNT, REGION } from '../fixtures';

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
 * encrypting or decrypting with a customer-managed key. `encryptionContext` is what the service
 * sends, each key prefixed here with `kms:EncryptionContext:`; the simulator ignores such keys when
 * their name holds a colon, so a request that sends them must allow them to be ignored.
 */
export function kmsViaService(service: 'dynamodb' | 'sqs' | 'sns' | 'backup' | 'dax', region: string, callerAccount: string, encryptionContext: Context = {}): Context {
  const context: Context = {
    'kms:ViaService': `${service}.${region}.amazonaws.com`,
    'kms:CallerAccount': callerAccount,
  };
  for (const [key, value] of Object.entries(encryptionContext)) {
    context[`kms:EncryptionContext:${key}`] = value;
  }
  return context;
}

/** The keys of a request that arrives through a VPC endpoint. */
export function throughEndpoint(vpceId: string, vpcId: string): Context {
  return { 'aws:SourceVpce': vpceId, 'aws:SourceVpc': vpcId };
}

/** A copy of a context without some keys: a condition must fail when its key is missing. */
export function without(context: Context, ...keys: string[]): Context {
  return Object.fromEntries(Object.entries(context).filter(([key]) => !keys.includes(key)));
}

/** The DynamoDB item operations whose context keys `dynamodbItemRequest` knows. */
export type DynamoDbItemOperation =
  'GetItem' | 'BatchGetItem' | 'Query' | 'Scan' | 'PutItem' | 'UpdateItem' | 'DeleteItem' | 'BatchWriteItem' | 'ConditionCheckItem' | 'PartiQLSelect';

/** What a DynamoDB item request names, for `dynamodbItemRequest`. */
export interface DynamoDbItemRequest {
  /** The partition key values the request names (of every item, for a batch). Absent: a request that names none. */
  readonly leadingKeys?: string[];
  /** Every top-level attribute the request names: keys, projection, item, update, condition and filter attributes. */
  readonly attributes?: string[];
  /** The Select parameter of a read. @default 'ALL_ATTRIBUTES' */
  readonly select?: string;
  /** The ReturnValues parameter of a write. @default 'NONE' */
  readonly returnValues?: string;
  /** 'TransactWriteItems' or 'TransactGetItems' for a part of a transaction. */
  readonly enclosingOperation?: string;
}

/**
 * Which of dynamodb:LeadingKeys, Attributes, Select, ReturnValues and EnclosingOperation each item
 * operation carries.
 *
 * AWS's words (DynamoDB developer guide, "Using IAM policy conditions for fine-grained access
 * control", https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/specifying-conditions.html):
 * LeadingKeys is "the partition key"; Attributes lists the top-level attributes "specified in the
 * request parameters"; for the reads GetItem, BatchGetItem, Query and Scan "the Select parameter
 * always has a value (ALL_ATTRIBUTES, unless otherwise specified)" and they take no ReturnValues;
 * UpdateItem "does not use the Select parameter" and its ReturnValues "always has a value (NONE
 * unless otherwise specified)". Which action takes which key at all: the Service Authorization
 * Reference, "Actions, resources, and condition keys for Amazon DynamoDB"
 * (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazondynamodb.html),
 * which the simulator's data mirrors: Scan takes no LeadingKeys, BatchWriteItem no ReturnValues,
 * EnclosingOperation only GetItem, PutItem, UpdateItem, DeleteItem and the PartiQL actions.
 *
 * Our reading, not AWS's words:
 * - for a Query on an index, LeadingKeys is the value of the index's partition key;
 * - PutItem and DeleteItem carry ReturnValues as UpdateItem does (always, NONE by default), and
 *   BatchWriteItem's Attributes include every attribute of every item it puts;
 * - GetItem and BatchGetItem carry Select although their API has no Select parameter (the guide's
 *   note says the key "applies to all DynamoDB operations that return item attributes");
 * - ConditionCheckItem carries no ReturnValues (its API has only ReturnValuesOnConditionCheckFailure);
 * - a PartiQL SELECT that names a partition key carries it as LeadingKeys.
 */
export function dynamodbItemRequest(operation: DynamoDbItemOperation, request: DynamoDbItemRequest): Context {
  const takes = ITEM_OPERATION_KEYS[operation];
  const context: Context = {};
  if (request.leadingKeys !== undefined) {
    if (!takes.leadingKeys) {
      throw new Error(`${operation} carries no dynamodb:LeadingKeys`);
    }
    context['dynamodb:LeadingKeys'] = request.leadingKeys;
  }
  if (request.attributes !== undefined) {
    context['dynamodb:Attributes'] = request.attributes;
  }
  if (takes.select) {
    context['dynamodb:Select'] = request.select ?? 'ALL_ATTRIBUTES';
  } else if (request.select !== undefined) {
    throw new Error(`${operation} carries no dynamodb:Select`);
  }
  if (takes.returnValues) {
    context['dynamodb:ReturnValues'] = request.returnValues ?? 'NONE';
  } else if (request.returnValues !== undefined) {
    throw new Error(`${operation} carries no dynamodb:ReturnValues`);
  }
  if (request.enclosingOperation !== undefined) {
    if (!takes.enclosingOperation) {
      throw new Error(`${operation} carries no dynamodb:EnclosingOperation`);
    }
    context['dynamodb:EnclosingOperation'] = request.enclosingOperation;
  }
  return context;
}

interface ItemOperationKeys { leadingKeys: boolean; select: boolean; returnValues: boolean; enclosingOperation: boolean }

const ITEM_OPERATION_KEYS: Record<DynamoDbItemOperation, ItemOperationKeys> = {
  GetItem: { leadingKeys: true, select: true, returnValues: false, enclosingOperation: true },
  BatchGetItem: { leadingKeys: true, select: true, returnValues: false, enclosingOperation: false },
  Query: { leadingKeys: true, select: true, returnValues: false, enclosingOperation: false },
  Scan: { leadingKeys: false, select: true, returnValues: false, enclosingOperation: false },
  PutItem: { leadingKeys: true, select: false, returnValues: true, enclosingOperation: true },
  UpdateItem: { leadingKeys: true, select: false, returnValues: true, enclosingOperation: true },
  DeleteItem: { leadingKeys: true, select: false, returnValues: true, enclosingOperation: true },
  BatchWriteItem: { leadingKeys: true, select: false, returnValues: false, enclosingOperation: false },
  ConditionCheckItem: { leadingKeys: true, select: false, returnValues: false, enclosingOperation: false },
  PartiQLSelect: { leadingKeys: true, select: true, returnValues: false, enclosingOperation: true },
};
