/**
 * Simulated authorization: what a stream consumer lets its handler's role do, decided as IAM would
 * decide it over the synthesized template. The role's identity policies are the ones in the
 * template (the consumer's customer-managed policy; the AWS managed basic-execution policy is
 * named by ARN only and left out). Each request carries the context keys that AWS sends with the
 * real one (test/sim/context.ts): Lambda polls the stream and sends to the failure destination with
 * the execution role's credentials, and DynamoDB and SQS call KMS with them on its behalf, which
 * adds kms:ViaService and kms:CallerAccount and sets aws:ViaAWSService.
 */
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { ProductionTable } from '../src';
import { newStack } from './fixtures';
import { ACCOUNT, kmsViaService, REGION, roleRequest } from './sim/context';
import { STREAM_LABEL } from './sim/resolve';
import { decide, SimulatedStack } from './sim/simulator';

type Context = Record<string, string | string[]>;

/**
 * A stack with one consumer. Its table has the library's customer-managed key, or, with
 * `ownedKey`, DynamoDB's own key, so that the failure queue takes the stack's shared key.
 */
function consumerStack(ownedKey = false) {
  const stack = newStack();
  const table = new ProductionTable(stack, 'Orders', {
    partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
    encryption: ownedKey ? dynamodb.TableEncryptionV2.dynamoOwnedKey() : undefined,
  });
  const handler = new lambda.Function(stack, 'Handler', {
    runtime: lambda.Runtime.NODEJS_24_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => ({ batchItemFailures: [] });'),
  });
  table.addStreamConsumer('Projector', { handler });

  const sim = SimulatedStack.of(stack);
  const tableId = sim.only('AWS::DynamoDB::GlobalTable');
  const tableKey = ownedKey ? undefined : sim.only('AWS::KMS::Key', p => p.Description === 'Encrypts the DynamoDB table Stack/Orders');
  const queue = sim.only('AWS::SQS::Queue');
  // The key the queue names, found through the template rather than assumed.
  const queueKeyArn: string = sim.properties(queue).KmsMasterKeyId;
  const role = sim.role(sim.only('AWS::IAM::Role', p => JSON.stringify(p.AssumeRolePolicyDocument).includes('lambda.amazonaws.com')));
  return { sim, role, streamArn: sim.arn(tableId, 'StreamArn'), tableKey, queue, queueKeyArn };
}

const { sim, role, streamArn, tableKey: maybeTableKey, queue, queueKeyArn } = consumerStack();
const tableKey = maybeTableKey!;
const queueArn = sim.arn(queue);
/** The logical ID of the key whose ARN is `arn`. */
function keyWithArn(stack: SimulatedStack, arn: string): string {
  const [id, ...others] = stack.logicalIds('AWS::KMS::Key').filter(candidate => stack.arn(candidate) === arn);
  expect(others).toEqual([]);
  return id;
}
const queueKey = keyWithArn(sim, queueKeyArn);

/** A request the handler's role makes itself (Lambda polling, Lambda sending to the destination). */
const asRole = (): Context => roleRequest(role.arn);
/** A KMS request that a service makes with the role's credentials. */
const viaService = (service: 'dynamodb' | 'sqs' | 'sns' | 'backup'): Context =>
  roleRequest(role.arn, { 'aws:ViaAWSService': 'true', ...kmsViaService(service, REGION, ACCOUNT) });

const byRole = (action: string, resource: string, context: Context, resourcePolicy?: any) => decide({
  principal: role.session, action, resource, context, identityPolicies: role.policies, resourcePolicy,
});

describe("the handler's role reads its table's stream, and no other", () => {
  const READ = ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator'];
  const otherStream = `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/Invoices/stream/${STREAM_LABEL}`;

  test.each(READ)("%s on the table's stream: allowed", async action => {
    expect(await byRole(action, streamArn, asRole())).toBe('Allowed');
  });

  test.each(READ)("%s on another table's stream: denied", async action => {
    expect(await byRole(action, otherStream, asRole())).toBe('ImplicitlyDenied');
  });

  test("the table itself: dynamodb:GetItem denied (the stream's ARN is not the table's)", async () => {
    expect(await byRole('dynamodb:GetItem', streamArn.replace(/\/stream\/.*$/, ''), asRole())).toBe('ImplicitlyDenied');
  });
});

describe("the handler's role decrypts the stream with the table's key, through DynamoDB", () => {
  const keyPolicy = sim.keyPolicy(tableKey);
  const tableKeyArn = sim.arn(tableKey);

  test('kms:Decrypt via DynamoDB: allowed', async () => {
    expect(await byRole('kms:Decrypt', tableKeyArn, viaService('dynamodb'), keyPolicy)).toBe('Allowed');
  });

  test('kms:GenerateDataKey of the table key: denied (reading needs no encryption)', async () => {
    expect(await byRole('kms:GenerateDataKey', tableKeyArn, viaService('dynamodb'), keyPolicy)).toBe('ImplicitlyDenied');
  });

  test('another key with the same key policy: denied', async () => {
    const otherKey = `arn:aws:kms:${REGION}:${ACCOUNT}:key/00000000-0000-4000-8000-000000000000`;
    expect(await byRole('kms:Decrypt', otherKey, viaService('dynamodb'), keyPolicy)).toBe('ImplicitlyDenied');
  });

  test('kms:Decrypt called by the role itself, without kms:ViaService: denied', async () => {
    expect(await byRole('kms:Decrypt', tableKeyArn, asRole(), keyPolicy)).toBe('ImplicitlyDenied');
  });

  test('kms:Decrypt via another service (SNS): denied', async () => {
    expect(await byRole('kms:Decrypt', tableKeyArn, viaService('sns'), keyPolicy)).toBe('ImplicitlyDenied');
  });

  test('kms:Decrypt via DynamoDB of another region: denied (keys are regional)', async () => {
    const elsewhere = roleRequest(role.arn, { 'aws:ViaAWSService': 'true', ...kmsViaService('dynamodb', 'us-east-1', ACCOUNT) });
    expect(await byRole('kms:Decrypt', tableKeyArn, elsewhere, keyPolicy)).toBe('ImplicitlyDenied');
  });
});

describe("the handler's role records failed batches in the failure queue, and in no other", () => {
  const queuePolicy = sim.queuePolicy(queue);
  const otherQueue = `arn:aws:sqs:${REGION}:${ACCOUNT}:other-failures`;

  test('sqs:SendMessage over TLS: allowed', async () => {
    expect(await byRole('sqs:SendMessage', queueArn, asRole(), queuePolicy)).toBe('Allowed');
  });

  test("without TLS: denied explicitly by the queue's policy", async () => {
    expect(await byRole('sqs:SendMessage', queueArn, { ...asRole(), 'aws:SecureTransport': 'false' }, queuePolicy)).toBe('ExplicitlyDenied');
  });

  test('another queue: denied', async () => {
    expect(await byRole('sqs:SendMessage', otherQueue, asRole())).toBe('ImplicitlyDenied');
  });

  test('reading or deleting from the failure queue: denied (that is for the person who redrives)', async () => {
    expect(await byRole('sqs:ReceiveMessage', queueArn, asRole(), queuePolicy)).toBe('ImplicitlyDenied');
    expect(await byRole('sqs:DeleteMessage', queueArn, asRole(), queuePolicy)).toBe('ImplicitlyDenied');
  });
});

describe("the handler's role uses the failure queue's key, the table's, through SQS", () => {
  const keyPolicy = sim.keyPolicy(queueKey);

  test("the queue is encrypted with the table's key: no key of its own", () => {
    expect(queueKey).toBe(tableKey);
    expect(sim.logicalIds('AWS::KMS::Key', p => /failure queue/.test(p.Description ?? ''))).toEqual([]);
  });

  test.each(['kms:GenerateDataKey', 'kms:Decrypt'])('%s via SQS: allowed', async action => {
    expect(await byRole(action, queueKeyArn, viaService('sqs'), keyPolicy)).toBe('Allowed');
  });

  test.each(['kms:GenerateDataKey', 'kms:Decrypt'])('%s called by the role itself, without kms:ViaService: denied', async action => {
    expect(await byRole(action, queueKeyArn, asRole(), keyPolicy)).toBe('ImplicitlyDenied');
  });

  test.each(['kms:GenerateDataKey', 'kms:Decrypt'])('%s via another service (SNS): denied', async action => {
    expect(await byRole(action, queueKeyArn, viaService('sns'), keyPolicy)).toBe('ImplicitlyDenied');
  });

  test('kms:GenerateDataKey via DynamoDB: denied (only SQS encrypts with it for the role)', async () => {
    expect(await byRole('kms:GenerateDataKey', queueKeyArn, viaService('dynamodb'), keyPolicy)).toBe('ImplicitlyDenied');
  });
});

describe("without a customer-managed table key, the handler's role uses the stack's failure-queue key, through SQS", () => {
  const owned = consumerStack(true);
  const ownedKey = keyWithArn(owned.sim, owned.queueKeyArn);
  const keyPolicy = owned.sim.keyPolicy(ownedKey);
  const request = (context: Context) => roleRequest(owned.role.arn, context);
  const byOwnedRole = (action: string, context: Context) => decide({
    principal: owned.role.session, action, resource: owned.queueKeyArn, context, identityPolicies: owned.role.policies, resourcePolicy: keyPolicy,
  });

  test('the queue is encrypted with the stack key', () => {
    expect(owned.sim.properties(ownedKey).Description).toBe('Encrypts the stream failure queues of Stack');
  });

  test.each(['kms:GenerateDataKey', 'kms:Decrypt'])('%s via SQS: allowed', async action => {
    expect(await byOwnedRole(action, request({ 'aws:ViaAWSService': 'true', ...kmsViaService('sqs', REGION, ACCOUNT) }))).toBe('Allowed');
  });

  test.each(['kms:GenerateDataKey', 'kms:Decrypt'])('%s without kms:ViaService: denied', async action => {
    expect(await byOwnedRole(action, request({}))).toBe('ImplicitlyDenied');
  });

  test.each(['kms:GenerateDataKey', 'kms:Decrypt'])('%s via another service (DynamoDB): denied', async action => {
    expect(await byOwnedRole(action, request({ 'aws:ViaAWSService': 'true', ...kmsViaService('dynamodb', REGION, ACCOUNT) }))).toBe('ImplicitlyDenied');
  });
});

describe("the consumer's queue key lets only AWS services create grants", () => {
  const keyPolicy = sim.keyPolicy(queueKey);
  const admin = { arn: `arn:aws:iam::${ACCOUNT}:role/KeyAdmin`, session: `arn:aws:sts::${ACCOUNT}:assumed-role/KeyAdmin/session` };
  const everyKmsAction = [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'kms:*', Resource: '*' }] }];
  // CreateGrant carries the grantee and the operations; a service that creates the grant for one of
  // its resources adds kms:GrantIsForAWSResource.
  const grant = (extra: Context): Context => roleRequest(admin.arn, {
    'kms:GranteePrincipal': `arn:aws:iam::${ACCOUNT}:role/Worker`,
    'kms:GrantOperations': ['Decrypt'],
    ...extra,
  });
  const createGrant = (principal: string, identityPolicies: any[], context: Context) => decide({
    principal, action: 'kms:CreateGrant', resource: queueKeyArn, context, identityPolicies, resourcePolicy: keyPolicy,
  });

  test('a grant that SQS creates for its queue, for a principal allowed every KMS action: allowed', async () => {
    const context = grant({ 'aws:ViaAWSService': 'true', ...kmsViaService('sqs', REGION, ACCOUNT), 'kms:GrantIsForAWSResource': 'true' });
    expect(await createGrant(admin.session, everyKmsAction, context)).toBe('Allowed');
  });

  test('the same principal creating a grant itself: denied explicitly', async () => {
    expect(await createGrant(admin.session, everyKmsAction, grant({ 'kms:GrantIsForAWSResource': 'false' }))).toBe('ExplicitlyDenied');
  });

  test('the same principal, without kms:GrantIsForAWSResource: denied explicitly', async () => {
    expect(await createGrant(admin.session, everyKmsAction, grant({}))).toBe('ExplicitlyDenied');
  });

  test("the handler's role: no grant at all", async () => {
    expect(await createGrant(role.session, role.policies, { ...grant({}), 'aws:PrincipalArn': role.arn })).toBe('ExplicitlyDenied');
  });
});
