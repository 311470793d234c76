/**
 * Simulated authorization of the access paths that cross stacks: a stream consumer placed in its
 * handler's stack (its failure queue encrypted with that stack's own key, CT.SQS.PR.2), and a grant
 * on a global table to a role of a stack in a replica's region (the replica key named by its ARN).
 * Policies that name another stack's resource (`Fn::ImportValue`, `Fn::GetStackOutput`) resolve to
 * that resource's ARN in its own account and region (test/sim/simulator.ts). Each request carries
 * the keys AWS sends (test/sim/context.ts).
 */
import { App, PhysicalName, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { ProductionTable } from '../src';
import { ACCOUNT, envIn, pk, REGION } from './fixtures';
import { kmsViaService, roleRequest } from './sim/context';
import { STREAM_LABEL } from './sim/resolve';
import { decide, SimulatedStack } from './sim/simulator';

type Context = Record<string, string | string[]>;
const REPLICA_REGION = 'us-east-1';

describe('a consumer in its handler\'s stack, reading a table of a data stack', () => {
  const app = new App();
  const data = new Stack(app, 'Data', { env: envIn(REGION) });
  const service = new Stack(app, 'Service', { env: envIn(REGION) });
  const orders = new ProductionTable(data, 'Orders', { partitionKey: pk });
  const handler = new lambda.Function(service, 'Projector', {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => ({ batchItemFailures: [] });'),
  });
  orders.addStreamConsumer('Projection', { handler });

  const dataSim = SimulatedStack.of(data);
  const sim = SimulatedStack.of(service);
  const role = sim.role(service.getLogicalId(handler.role!.node.defaultChild as iam.CfnRole));
  const tableId = dataSim.only('AWS::DynamoDB::GlobalTable');
  const tableKey = dataSim.only('AWS::KMS::Key', p => p.Description === 'Encrypts the DynamoDB table Data/Orders');
  const queue = sim.only('AWS::SQS::Queue');
  const queueKey = sim.only('AWS::KMS::Key', p => String(p.Description).startsWith('Encrypts the stream failure queues'));
  const viaService = (service_: 'dynamodb' | 'sqs'): Context =>
    roleRequest(role.arn, { 'aws:ViaAWSService': 'true', ...kmsViaService(service_, REGION, ACCOUNT) });
  const byRole = (action: string, resource: string, context: Context, resourcePolicy?: any) => decide({
    principal: role.session, action, resource, context, identityPolicies: role.policies, resourcePolicy,
  });

  test('the failure queue is encrypted with the service stack\'s own key, not one imported from the data stack', () => {
    expect(sim.properties(queue).KmsMasterKeyId).toEqual(sim.arn(queueKey));
  });

  test('the role reads the data stack\'s table stream, and no other', async () => {
    const streamArn = dataSim.arn(tableId, 'StreamArn');
    expect(await byRole('dynamodb:GetRecords', streamArn, roleRequest(role.arn))).toBe('Allowed');
    const otherStream = `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/Invoices/stream/${STREAM_LABEL}`;
    expect(await byRole('dynamodb:GetRecords', otherStream, roleRequest(role.arn))).toBe('ImplicitlyDenied');
  });

  test('the role decrypts the stream with the data stack\'s table key through DynamoDB only', async () => {
    const keyArn = dataSim.arn(tableKey);
    const keyPolicy = dataSim.keyPolicy(tableKey);
    expect(await byRole('kms:Decrypt', keyArn, viaService('dynamodb'), keyPolicy)).toBe('Allowed');
    expect(await byRole('kms:Decrypt', keyArn, viaService('sqs'), keyPolicy)).toBe('ImplicitlyDenied');
    expect(await byRole('kms:Decrypt', keyArn, roleRequest(role.arn), keyPolicy)).toBe('ImplicitlyDenied');
  });

  test('the role sends failures to its queue, with the service stack\'s key through SQS only', async () => {
    expect(await byRole('sqs:SendMessage', sim.arn(queue), roleRequest(role.arn), sim.queuePolicy(queue))).toBe('Allowed');
    const keyArn = sim.arn(queueKey);
    const keyPolicy = sim.keyPolicy(queueKey);
    expect(await byRole('kms:GenerateDataKey', keyArn, viaService('sqs'), keyPolicy)).toBe('Allowed');
    expect(await byRole('kms:GenerateDataKey', keyArn, viaService('dynamodb'), keyPolicy)).toBe('ImplicitlyDenied');
    expect(await byRole('kms:GenerateDataKey', dataSim.arn(tableKey), viaService('sqs'), dataSim.keyPolicy(tableKey))).toBe('ImplicitlyDenied');
  });
});

describe('a grant on a global table to a role of a stack in the replica\'s region', () => {
  // The replica key's ARN and the table's cross regions: the app chooses weak references.
  const app = new App({ context: { '@aws-cdk/core:defaultCrossStackReferences': 'weak' } });
  const tables = new Stack(app, 'Tables', { env: envIn(REGION) });
  const reader = new Stack(app, 'Reader', { env: envIn(REPLICA_REGION) });
  const profiles = new ProductionTable(tables, 'Profiles', { partitionKey: pk, replicas: [{ region: REPLICA_REGION }] });
  // A role used in another region than its stack needs a name known at synth (aws-cdk-lib's rule).
  const role = new iam.Role(reader, 'Reader', { assumedBy: new iam.AccountRootPrincipal(), roleName: PhysicalName.GENERATE_IF_NEEDED });
  profiles.grantReadData(role);

  const sim = SimulatedStack.of(reader);
  const keyStack = app.node.findAll().find((c): c is Stack => Stack.isStack(c) && c.region === REPLICA_REGION && c !== reader)!;
  const keySim = SimulatedStack.of(keyStack);
  const replicaKey = keySim.only('AWS::KMS::Key');
  const tablesSim = SimulatedStack.of(tables);
  const tableKey = tables.getLogicalId(profiles.encryptionKey!.node.defaultChild as kms.CfnKey);
  const who = sim.role(reader.getLogicalId(role.node.defaultChild as iam.CfnRole));
  const inReplicaRegion = (service: 'dynamodb' | 'sqs'): Context =>
    roleRequest(who.arn, { 'aws:ViaAWSService': 'true', ...kmsViaService(service, REPLICA_REGION, ACCOUNT) });
  const byRole = (action: string, resource: string, context: Context, resourcePolicy?: any) => decide({
    principal: who.session, action, resource, context, identityPolicies: who.policies, resourcePolicy,
  });

  test('the role decrypts with the replica\'s key in its region through DynamoDB', async () => {
    expect(await byRole('kms:Decrypt', keySim.arn(replicaKey), inReplicaRegion('dynamodb'), keySim.keyPolicy(replicaKey))).toBe('Allowed');
  });

  test('the grant names the replica key by its ARN', () => {
    expect(kmsResources()).toContain(keySim.arn(replicaKey));
  });

  // The table's key is in the table's region, the role's stack in the replica's: aws-kms's Key.grant
  // would name it as "*" in the role's policy. HardenedKey names it by its ARN, read across regions.
  test('the grant names the table key by its ARN, and no key as "*"', () => {
    expect(kmsResources()).toContain(tablesSim.arn(tableKey));
    expect(kmsResources()).not.toContain('*');
  });

  test('the role decrypts with the table\'s key in the table\'s region, and may not use a key it was not granted', async () => {
    const throughDynamoDbIn = (region: string): Context =>
      roleRequest(who.arn, { 'aws:ViaAWSService': 'true', ...kmsViaService('dynamodb', region, ACCOUNT) });
    expect(await byRole('kms:Decrypt', tablesSim.arn(tableKey), throughDynamoDbIn(REGION), tablesSim.keyPolicy(tableKey))).toBe('Allowed');
    // Another key of each region, with the key policy the library's keys have there (the account's identities decide).
    for (const [region, keyPolicy] of [[REGION, tablesSim.keyPolicy(tableKey)], [REPLICA_REGION, keySim.keyPolicy(replicaKey)]] as const) {
      const otherKey = `arn:aws:kms:${region}:${ACCOUNT}:key/00000000-0000-4000-8000-000000000000`;
      expect(await byRole('kms:Decrypt', otherKey, throughDynamoDbIn(region), keyPolicy)).toBe('ImplicitlyDenied');
    }
    // Like TableV2's own grants in any region, grant* give the key actions by the key's ARN without
    // kms:ViaService; the policies the library writes itself (stream consumers, tenant access, the
    // cache) add it.
  });

  /** The resources of the role's KMS statements. */
  function kmsResources(): string[] {
    return who.policies.flatMap(policy => policy.Statement)
      .filter((statement: any) => [statement.Action].flat().some((action: string) => action.startsWith('kms:')))
      .flatMap((statement: any) => [statement.Resource].flat());
  }
});

describe('a grant through table.replica(region) to a role of a stack in the replica\'s region', () => {
  const app = new App({ context: { '@aws-cdk/core:defaultCrossStackReferences': 'weak' } });
  const tables = new Stack(app, 'Tables', { env: envIn(REGION) });
  const reader = new Stack(app, 'Reader', { env: envIn(REPLICA_REGION) });
  const profiles = new ProductionTable(tables, 'Profiles', { partitionKey: pk, replicas: [{ region: REPLICA_REGION }] });
  const role = new iam.Role(reader, 'Reader', { assumedBy: new iam.AccountRootPrincipal() });
  // The replica is the role's table: it reads it in its own region, through the replica's view.
  profiles.replica(REPLICA_REGION).grantReadData(role);

  const sim = SimulatedStack.of(reader);
  const keyStack = app.node.findAll().find((c): c is Stack => Stack.isStack(c) && c.region === REPLICA_REGION && c !== reader)!;
  const keySim = SimulatedStack.of(keyStack);
  const replicaKey = keySim.only('AWS::KMS::Key');
  const who = sim.role(reader.getLogicalId(role.node.defaultChild as iam.CfnRole));
  const throughDynamoDb = roleRequest(who.arn, { 'aws:ViaAWSService': 'true', ...kmsViaService('dynamodb', REPLICA_REGION, ACCOUNT) });
  const decrypt = (keyArn: string) => decide({
    principal: who.session,
    action: 'kms:Decrypt',
    resource: keyArn,
    context: throughDynamoDb,
    identityPolicies: who.policies,
    resourcePolicy: keySim.keyPolicy(replicaKey),
  });

  test('the role decrypts with the replica\'s key', async () => {
    expect(await decrypt(keySim.arn(replicaKey))).toBe('Allowed');
  });

  // aws-kms's imported key names "*" for a grantee whose stack is in another region than the stack
  // the key is imported into (the table's); ReplicaKeyImport names the key by its ARN.
  test('and with no other key of its region', async () => {
    expect(await decrypt(`arn:aws:kms:${REPLICA_REGION}:${ACCOUNT}:key/00000000-0000-4000-8000-000000000000`)).toBe('ImplicitlyDenied');
  });
});
