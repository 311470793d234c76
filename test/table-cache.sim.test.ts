/**
 * Simulated authorization of TableCache: the DAX service role on the table, its indexes and its
 * key; the clients' grants on the cluster; and the role's way past `restrictTableToEndpoint`. Each
 * request carries the keys AWS sends (test/sim/context.ts): DAX calls DynamoDB with a session of its
 * service role, from outside the VPC's endpoint, and not on a caller's behalf (aws:ViaAWSService
 * false); DynamoDB calls KMS for it with kms:ViaService.
 */
import { App, Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { DynamoDbGatewayEndpoint, ProductionTable, TableCache } from '../src';
import { ACCOUNT, REGION, dynamodbItemRequest, kmsViaService, roleRequest, throughEndpoint } from './sim/context';
import { decide, SimulatedStack } from './sim/simulator';

const S = dynamodb.AttributeType.STRING;

interface Options {
  /** Restrict the table to the VPC's endpoint, and exempt the cache's role unless told not to. */
  readonly restrict?: 'exempt' | 'not-exempt';
}

/**
 * A table with a GSI made before the cache and one added after it, its cache, a second table and
 * cache beside them, a reader and a writer of the cache, and an application role that reads the
 * table directly.
 */
function cached(options: Options = {}) {
  const stack = new Stack(new App(), 'Stack', { env: { account: ACCOUNT, region: REGION } });
  const vpc = new ec2.Vpc(stack, 'Vpc', {
    maxAzs: 3,
    natGateways: 0,
    subnetConfiguration: [{ name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
  });
  const orders = new ProductionTable(stack, 'Orders', {
    partitionKey: { name: 'pk', type: S },
    globalSecondaryIndexes: [{ indexName: 'byStatus', partitionKey: { name: 'status', type: S } }],
  });
  const cache = new TableCache(stack, 'OrdersCache', { table: orders, vpc });
  orders.addGlobalSecondaryIndex({ indexName: 'byCustomer', partitionKey: { name: 'customer', type: S } });
  const other = new ProductionTable(stack, 'Invoices', { partitionKey: { name: 'pk', type: S } });
  const otherCache = new TableCache(stack, 'InvoicesCache', { table: other, vpc });

  const reader = new iam.Role(stack, 'Reader', { assumedBy: new iam.AccountRootPrincipal() });
  const writer = new iam.Role(stack, 'Writer', { assumedBy: new iam.AccountRootPrincipal() });
  const app = new iam.Role(stack, 'App', { assumedBy: new iam.AccountRootPrincipal() });
  cache.grantReadData(reader);
  cache.grantReadWriteData(writer);
  orders.grantReadData(app);
  if (options.restrict) {
    const endpoint = DynamoDbGatewayEndpoint.of(vpc);
    endpoint.addTable(orders);
    endpoint.restrictTableToEndpoint(orders, { exemptRoles: options.restrict === 'exempt' ? [cache.role] : [] });
  }

  const sim = SimulatedStack.of(stack);
  const logicalId = (construct: { node: { defaultChild?: unknown } }) => stack.getLogicalId(construct.node.defaultChild as any);
  const roleOf = (role: iam.IRole) => sim.role(logicalId(role as iam.Role));
  const tableId = logicalId(orders);
  return {
    sim,
    tableArn: sim.arn(tableId),
    tablePolicy: options.restrict ? sim.tablePolicy(tableId) : undefined,
    otherTableArn: sim.arn(logicalId(other)),
    keyId: logicalId(orders.encryptionKey! as any),
    clusterArn: sim.arn(stack.getLogicalId(cache.cluster)),
    otherClusterArn: sim.arn(stack.getLogicalId(otherCache.cluster)),
    dax: roleOf(cache.role),
    reader: roleOf(reader),
    writer: roleOf(writer),
    app: roleOf(app),
    vpce: options.restrict ? throughEndpoint(sim.ref(sim.only('AWS::EC2::VPCEndpoint')), sim.ref(sim.only('AWS::EC2::VPC'))) : {},
  };
}

type Env = ReturnType<typeof cached>;
type Who = Env['dax'];

/** An item request of a role on a table or index ARN, from outside the VPC's endpoint unless `fromVpc`. */
function item(env: Env, who: Who, action: string, resource: string, fromVpc = false) {
  const operation = action.replace('dynamodb:', '') as Parameters<typeof dynamodbItemRequest>[0];
  const keys = operation === 'Scan' ? {} : { leadingKeys: ['order-1'] };
  return decide({
    principal: who.session,
    action,
    resource,
    context: roleRequest(who.arn, { ...dynamodbItemRequest(operation, keys), ...(fromVpc ? env.vpce : {}) }),
    identityPolicies: who.policies,
    resourcePolicy: resource.startsWith(env.tableArn) ? env.tablePolicy : undefined,
  });
}

/** A request that takes no item context (DescribeTable, DeleteTable, the dax: actions). */
function plain(env: Env, who: Who, action: string, resource: string) {
  return decide({
    principal: who.session,
    action,
    resource,
    context: roleRequest(who.arn),
    identityPolicies: who.policies,
    resourcePolicy: resource.startsWith(env.tableArn) ? env.tablePolicy : undefined,
  });
}

/** A KMS request of a role on the table's key, as DynamoDB makes it for the role (or directly). */
function key(env: Env, who: Who, action: string, via?: 'dynamodb' | 'sqs') {
  return decide({
    principal: who.session,
    action,
    resource: env.sim.arn(env.keyId),
    context: roleRequest(who.arn, via ? kmsViaService(via, REGION, ACCOUNT) : { 'kms:CallerAccount': ACCOUNT }),
    identityPolicies: who.policies,
    resourcePolicy: env.sim.keyPolicy(env.keyId),
  });
}

describe('the DAX service role reaches its table, and nothing else', () => {
  const env = cached();

  test.each([
    'dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:Scan', 'dynamodb:ConditionCheckItem',
    'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem',
  ])('%s on the table is allowed', async (action) => {
    expect(await item(env, env.dax, action, env.tableArn)).toBe('Allowed');
  });

  test('DescribeTable on the table is allowed: DAX keeps the table\'s metadata', async () => {
    expect(await plain(env, env.dax, 'dynamodb:DescribeTable', env.tableArn)).toBe('Allowed');
  });

  test.each([
    ['Query', 'byStatus', 'an index made before the cache'],
    ['Scan', 'byStatus', 'an index made before the cache'],
    ['Query', 'byCustomer', 'an index added after the cache'],
    ['Scan', 'byCustomer', 'an index added after the cache'],
  ])('%s on %s (%s) is allowed', async (operation, index) => {
    expect(await item(env, env.dax, `dynamodb:${operation}`, `${env.tableArn}/index/${index}`)).toBe('Allowed');
  });

  test.each([
    ['GetItem on another table', 'dynamodb:GetItem', 'other'],
    ['Query on another table', 'dynamodb:Query', 'other'],
    ['Query on an index that does not exist', 'dynamodb:Query', 'index/unknown'],
    ['Query on another table\'s index', 'dynamodb:Query', 'other/index/byStatus'],
  ])('%s is denied', async (_, action, where) => {
    const resource = where === 'other' ? env.otherTableArn
      : where.startsWith('other/') ? `${env.otherTableArn}/${where.slice(6)}` : `${env.tableArn}/${where}`;
    expect(await item(env, env.dax, action, resource)).toBe('ImplicitlyDenied');
  });

  test.each(['dynamodb:DeleteTable', 'dynamodb:UpdateTable', 'dynamodb:ExportTableToPointInTime', 'dynamodb:PutResourcePolicy'])(
    '%s on the table is denied: the role reads and writes items only', async (action) => {
      expect(await plain(env, env.dax, action, env.tableArn)).toBe('ImplicitlyDenied');
    });

  test.each(['kms:Decrypt', 'kms:GenerateDataKey'])('%s on the table\'s key through DynamoDB is allowed', async (action) => {
    expect(await key(env, env.dax, action, 'dynamodb')).toBe('Allowed');
  });

  test.each(['kms:Decrypt', 'kms:GenerateDataKey'])('%s on the table\'s key directly, or through another service, is denied', async (action) => {
    expect(await key(env, env.dax, action)).toBe('ImplicitlyDenied');
    expect(await key(env, env.dax, action, 'sqs')).toBe('ImplicitlyDenied');
  });
});

describe('clients use the cluster they are granted, as granted', () => {
  const env = cached();
  const READS = ['dax:GetItem', 'dax:BatchGetItem', 'dax:Query', 'dax:Scan', 'dax:ConditionCheckItem'];
  const WRITES = ['dax:PutItem', 'dax:UpdateItem', 'dax:DeleteItem', 'dax:BatchWriteItem'];

  test.each(READS)('a reader may %s', async (action) => {
    expect(await plain(env, env.reader, action, env.clusterArn)).toBe('Allowed');
  });

  test.each(WRITES)('a reader may not %s', async (action) => {
    expect(await plain(env, env.reader, action, env.clusterArn)).toBe('ImplicitlyDenied');
  });

  test.each([...READS, ...WRITES])('a writer may %s', async (action) => {
    expect(await plain(env, env.writer, action, env.clusterArn)).toBe('Allowed');
  });

  test.each(['dax:GetItem', 'dax:PutItem'])('a writer may not %s on another cluster', async (action) => {
    expect(await plain(env, env.writer, action, env.otherClusterArn)).toBe('ImplicitlyDenied');
  });

  test.each(['dax:CreateCluster', 'dax:DeleteCluster', 'dax:UpdateCluster'])('a writer may not %s', async (action) => {
    expect(await plain(env, env.writer, action, env.clusterArn)).toBe('ImplicitlyDenied');
  });

  test('a cache client reaches no item of the table directly: the grant is on the cluster only', async () => {
    expect(await item(env, env.reader, 'dynamodb:GetItem', env.tableArn)).toBe('ImplicitlyDenied');
  });
});

describe('a table restricted to its VPC endpoint', () => {
  test('lets the exempted DAX role in from outside the endpoint, as the README says to do', async () => {
    const env = cached({ restrict: 'exempt' });
    expect(await item(env, env.dax, 'dynamodb:GetItem', env.tableArn)).toBe('Allowed');
    expect(await item(env, env.dax, 'dynamodb:Query', `${env.tableArn}/index/byCustomer`)).toBe('Allowed');
    // The exemption names the cache's role only: the application's reads from outside stay denied.
    expect(await item(env, env.app, 'dynamodb:GetItem', env.tableArn)).toBe('ExplicitlyDenied');
    expect(await item(env, env.app, 'dynamodb:GetItem', env.tableArn, true)).toBe('Allowed');
  });

  test('denies the DAX role that is not exempted: why the README asks for the exemption', async () => {
    const env = cached({ restrict: 'not-exempt' });
    expect(await item(env, env.dax, 'dynamodb:GetItem', env.tableArn)).toBe('ExplicitlyDenied');
    expect(await item(env, env.dax, 'dynamodb:PutItem', env.tableArn)).toBe('ExplicitlyDenied');
  });
});
