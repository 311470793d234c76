/**
 * Simulated authorization of TenantAccess: the synthesized policy, resolved, asked of an IAM policy
 * simulator for requests shaped as DynamoDB sends them (test/sim/context.ts), in both directions.
 */
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import { ProductionTable, TenantAccess, TenantAccessLevel, TenantAccessProps } from '../src';
import { newStack } from './fixtures';
import { ACCOUNT, DynamoDbItemOperation, DynamoDbItemRequest, REGION, dynamodbItemRequest, kmsViaService, roleRequest, without } from './sim/context';
import { Decision, SimulatedStack, decide } from './sim/simulator';

const S = dynamodb.AttributeType.STRING;
const TENANT_KEY = 'TENANT#${aws:PrincipalTag/tenantId}';
const ACME = 'TENANT#acme';
const GLOBEX = 'TENANT#globex';

/**
 * A shared table with one index of each kind: an LSI, a GSI partitioned by the table's partition
 * key, an inverted GSI (partitioned by the sort key), a GSI partitioned by an attribute that holds
 * the tenant's value (`ownerTenant`, declared tenant-keyed when asked), and one by an attribute
 * that does not (`region`).
 */
function simulated(props: Partial<TenantAccessProps> = {}) {
  const stack = newStack();
  const table = new ProductionTable(stack, 'Saas', {
    partitionKey: { name: 'pk', type: S },
    sortKey: { name: 'sk', type: S },
    localSecondaryIndexes: [{ indexName: 'byCreatedAt', sortKey: { name: 'createdAt', type: S } }],
    globalSecondaryIndexes: [
      { indexName: 'byTenantStatus', partitionKey: { name: 'pk', type: S }, sortKey: { name: 'status', type: S } },
      { indexName: 'inverted', partitionKey: { name: 'sk', type: S }, sortKey: { name: 'pk', type: S } },
      { indexName: 'byOwner', partitionKey: { name: 'ownerTenant', type: S }, sortKey: { name: 'createdAt', type: S } },
      { indexName: 'byRegion', partitionKey: { name: 'region', type: S } },
    ],
  });
  const role = new iam.Role(stack, 'AcmeRole', { assumedBy: new iam.AccountRootPrincipal() });
  new TenantAccess(stack, 'TenantAccess', { table, tenantKey: TENANT_KEY, ...props }).grant(role);

  const sim = SimulatedStack.of(stack);
  const tableArn = sim.arn(stack.getLogicalId(table.node.defaultChild as dynamodb.CfnGlobalTable));
  const principal = sim.role(stack.getLogicalId(role.node.defaultChild as iam.CfnRole));
  const keyId = stack.getLogicalId(table.encryptionKey!.node.defaultChild as any);
  const tags = { 'aws:PrincipalTag/tenantId': 'acme' };

  return {
    tableArn,
    /** The decision on an item request of the role tagged tenantId=acme (or as `context` says). */
    item: (operation: DynamoDbItemOperation, request: TenantRequest = {}): Promise<Decision> =>
      decide({
        principal: principal.session,
        action: `dynamodb:${operation}`,
        resource: request.index ? `${tableArn}/index/${request.index}` : tableArn,
        identityPolicies: principal.policies,
        context: roleRequest(principal.arn, { ...(request.context ?? tags), ...dynamodbItemRequest(operation, request) }),
      }),
    /** The decision on a KMS request of the role on the table's key. */
    key: (action: string, context: Record<string, string>): Promise<Decision> =>
      decide({
        principal: principal.session,
        action,
        resource: sim.arn(keyId),
        identityPolicies: principal.policies,
        resourcePolicy: sim.keyPolicy(keyId),
        context: roleRequest(principal.arn, { ...tags, ...context }),
      }),
  };
}

/** An item request, on an index if named, by a principal with these tags (acme's by default). */
type TenantRequest = DynamoDbItemRequest & { index?: string; context?: Record<string, string> };

const rw = { access: TenantAccessLevel.READ_WRITE };
const tenantKeyed = { ...rw, tenantKeyedIndexes: ['byOwner'] };

describe('a tenant reaches its own partition', () => {
  test.each<[string, DynamoDbItemOperation, DynamoDbItemRequest & { index?: string }]>([
    ['GetItem on the table', 'GetItem', { leadingKeys: [ACME], attributes: ['pk', 'sk'] }],
    ['BatchGetItem on the table', 'BatchGetItem', { leadingKeys: [ACME, ACME], attributes: ['pk', 'sk'] }],
    ['Query on the table', 'Query', { leadingKeys: [ACME], attributes: ['pk', 'sk'] }],
    ['Query on an LSI', 'Query', { index: 'byCreatedAt', leadingKeys: [ACME], attributes: ['pk', 'createdAt'] }],
    ['Query on a GSI partitioned by the table\'s partition key', 'Query', { index: 'byTenantStatus', leadingKeys: [ACME], attributes: ['pk', 'status'] }],
    ['PutItem', 'PutItem', { leadingKeys: [ACME], attributes: ['pk', 'sk', 'name'] }],
    ['UpdateItem', 'UpdateItem', { leadingKeys: [ACME], attributes: ['pk', 'sk', 'name'] }],
    ['DeleteItem', 'DeleteItem', { leadingKeys: [ACME], attributes: ['pk', 'sk'] }],
    ['BatchWriteItem', 'BatchWriteItem', { leadingKeys: [ACME, ACME], attributes: ['pk', 'sk', 'name'] }],
    ['ConditionCheckItem (a transaction\'s condition)', 'ConditionCheckItem', { leadingKeys: [ACME], attributes: ['pk', 'sk', 'version'] }],
  ])('GIVEN read/write access WHEN acme makes %s on TENANT#acme THEN it is allowed', async (_name, operation, request) => {
    const { item } = simulated(rw);

    expect(await item(operation, request)).toBe('Allowed');
  });

  test('GIVEN read access WHEN acme writes its own partition THEN it is denied', async () => {
    const { item } = simulated();

    expect(await item('Query', { leadingKeys: [ACME] })).toBe('Allowed');
    expect(await item('PutItem', { leadingKeys: [ACME], attributes: ['pk', 'sk'] })).toBe('ImplicitlyDenied');
  });
});

describe('and nothing else', () => {
  test('GIVEN read/write access WHEN acme names another tenant\'s partition THEN every operation is denied (ForAllValues:StringEquals on LeadingKeys)', async () => {
    const { item } = simulated(rw);

    expect(await item('GetItem', { leadingKeys: [GLOBEX] })).toBe('ImplicitlyDenied');
    expect(await item('Query', { leadingKeys: [GLOBEX] })).toBe('ImplicitlyDenied');
    expect(await item('Query', { index: 'byTenantStatus', leadingKeys: [GLOBEX] })).toBe('ImplicitlyDenied');
    expect(await item('PutItem', { leadingKeys: [GLOBEX], attributes: ['pk', 'sk'] })).toBe('ImplicitlyDenied');
    expect(await item('BatchGetItem', { leadingKeys: [ACME, GLOBEX] })).toBe('ImplicitlyDenied');
    expect(await item('BatchWriteItem', { leadingKeys: [ACME, GLOBEX], attributes: ['pk', 'sk'] })).toBe('ImplicitlyDenied');
  });

  test('GIVEN a request that names no partition key WHEN acme makes it THEN it is denied (the Null guard; ForAllValues alone would allow it)', async () => {
    const { item } = simulated(rw);

    expect(await item('Query', { attributes: ['pk', 'sk'] })).toBe('ImplicitlyDenied');
    expect(await item('GetItem', {})).toBe('ImplicitlyDenied');
    expect(await item('UpdateItem', { attributes: ['name'] })).toBe('ImplicitlyDenied');
  });

  test('GIVEN a principal without the tenantId tag WHEN it names any partition THEN it is denied', async () => {
    const { item } = simulated(rw);
    const untagged = { 'aws:PrincipalTag/other': 'acme' };

    expect(await item('Query', { leadingKeys: [ACME], context: untagged })).toBe('ImplicitlyDenied');
    expect(await item('Query', { leadingKeys: ['TENANT#'], context: untagged })).toBe('ImplicitlyDenied');
    expect(await item('Query', { leadingKeys: ['TENANT#${aws:PrincipalTag/tenantId}'], context: untagged })).toBe('ImplicitlyDenied');
  });

  test('GIVEN an inverted index (partitioned by the sort key) WHEN acme queries it, even for its own value THEN it is denied: it is no resource of the policy', async () => {
    const { item } = simulated(rw);

    expect(await item('Query', { index: 'inverted', leadingKeys: [ACME] })).toBe('ImplicitlyDenied');
  });

  test('GIVEN a GSI partitioned by another attribute, not declared tenant-keyed WHEN acme queries it for its own value THEN it is denied', async () => {
    const { item } = simulated(rw);

    expect(await item('Query', { index: 'byRegion', leadingKeys: [ACME] })).toBe('ImplicitlyDenied');
    expect(await item('Query', { index: 'byOwner', leadingKeys: [ACME] })).toBe('ImplicitlyDenied');
  });

  test('GIVEN read/write access WHEN acme scans the table or an index, or runs PartiQL THEN it is denied', async () => {
    const { item } = simulated(rw);

    expect(await item('Scan', {})).toBe('ImplicitlyDenied');
    expect(await item('Scan', { index: 'byTenantStatus' })).toBe('ImplicitlyDenied');
    expect(await item('PartiQLSelect', { leadingKeys: [ACME] })).toBe('ImplicitlyDenied');
  });
});

describe('a declared tenant-keyed index', () => {
  test('GIVEN byOwner declared WHEN acme queries it THEN its own value is allowed, another\'s is denied', async () => {
    const { item } = simulated(tenantKeyed);

    expect(await item('Query', { index: 'byOwner', leadingKeys: [ACME], attributes: ['ownerTenant', 'createdAt'] })).toBe('Allowed');
    expect(await item('Query', { index: 'byOwner', leadingKeys: [GLOBEX], attributes: ['ownerTenant', 'createdAt'] })).toBe('ImplicitlyDenied');
  });

  test.each<DynamoDbItemOperation>(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem', 'ConditionCheckItem'])(
    'GIVEN byOwner declared WHEN acme\'s %s on its own partition names ownerTenant THEN it is denied; without it, allowed',
    async (operation) => {
      const { item } = simulated(tenantKeyed);

      expect(await item(operation, { leadingKeys: [ACME], attributes: ['pk', 'sk', 'name', 'ownerTenant'] })).toBe('ImplicitlyDenied');
      expect(await item(operation, { leadingKeys: [ACME], attributes: ['pk', 'sk', 'name'] })).toBe('Allowed');
    });

  test('GIVEN byOwner declared WHEN a transaction puts or updates an item naming ownerTenant THEN its part is denied; without it, allowed', async () => {
    const { item } = simulated(tenantKeyed);
    const transaction = { enclosingOperation: 'TransactWriteItems', leadingKeys: [ACME] };

    expect(await item('PutItem', { ...transaction, attributes: ['pk', 'sk', 'ownerTenant'] })).toBe('ImplicitlyDenied');
    expect(await item('UpdateItem', { ...transaction, attributes: ['pk', 'sk', 'ownerTenant'] })).toBe('ImplicitlyDenied');
    expect(await item('PutItem', { ...transaction, attributes: ['pk', 'sk', 'name'] })).toBe('Allowed');
    expect(await item('UpdateItem', { ...transaction, attributes: ['pk', 'sk', 'name'] })).toBe('Allowed');
  });

  test('TransactWriteItems is not an IAM action: the simulator, on AWS\'s service authorization data, refuses it', async () => {
    const { tableArn } = simulated(tenantKeyed);

    await expect(decide({ principal: `arn:aws:iam::${ACCOUNT}:root`, action: 'dynamodb:TransactWriteItems', resource: tableArn, context: {} }))
      .rejects.toThrow(/refused the request dynamodb:TransactWriteItems/);
  });

  test('GIVEN byOwner declared WHEN a write asks for whole items back (ReturnValues ALL_NEW or ALL_OLD) THEN it is denied', async () => {
    const { item } = simulated(tenantKeyed);

    expect(await item('UpdateItem', { leadingKeys: [ACME], attributes: ['pk', 'sk', 'name'], returnValues: 'ALL_NEW' })).toBe('ImplicitlyDenied');
    expect(await item('PutItem', { leadingKeys: [ACME], attributes: ['pk', 'sk', 'name'], returnValues: 'ALL_OLD' })).toBe('ImplicitlyDenied');
    expect(await item('UpdateItem', { leadingKeys: [ACME], attributes: ['pk', 'sk', 'name'], returnValues: 'UPDATED_NEW' })).toBe('Allowed');
  });

  test('GIVEN no tenant-keyed index WHEN a write names any attribute or asks for whole items back THEN it is allowed: the restriction comes with the declaration only', async () => {
    const { item } = simulated(rw);

    expect(await item('UpdateItem', { leadingKeys: [ACME], attributes: ['pk', 'sk', 'ownerTenant'], returnValues: 'ALL_NEW' })).toBe('Allowed');
  });
});

describe('attribute restriction', () => {
  test('GIVEN attributes WHEN acme reads THEN only listed attributes, asked for specifically, are allowed', async () => {
    const { item } = simulated({ attributes: ['pk', 'sk', 'name'] });

    expect(await item('Query', { leadingKeys: [ACME], attributes: ['pk', 'name'], select: 'SPECIFIC_ATTRIBUTES' })).toBe('Allowed');
    expect(await item('Query', { leadingKeys: [ACME], attributes: ['pk', 'salary'], select: 'SPECIFIC_ATTRIBUTES' })).toBe('ImplicitlyDenied');
    expect(await item('Query', { leadingKeys: [ACME], attributes: ['pk', 'name'], select: 'ALL_ATTRIBUTES' })).toBe('ImplicitlyDenied');
  });

  test('GIVEN attributes and read/write WHEN acme writes THEN only listed attributes, returning updated attributes only, are allowed', async () => {
    const { item } = simulated({ ...rw, attributes: ['pk', 'sk', 'name'] });

    expect(await item('UpdateItem', { leadingKeys: [ACME], attributes: ['pk', 'sk', 'name'], returnValues: 'UPDATED_NEW' })).toBe('Allowed');
    expect(await item('UpdateItem', { leadingKeys: [ACME], attributes: ['pk', 'sk', 'salary'] })).toBe('ImplicitlyDenied');
    expect(await item('UpdateItem', { leadingKeys: [ACME], attributes: ['pk', 'sk', 'name'], returnValues: 'ALL_NEW' })).toBe('ImplicitlyDenied');
  });
});

describe('the table key', () => {
  test('GIVEN read/write access WHEN acme uses the table key through DynamoDB THEN it is allowed; directly or through another service, denied', async () => {
    const { key } = simulated(rw);
    // Without the encryption context DynamoDB also sends: the policy has no condition on it, and the
    // simulator does not take kms:EncryptionContext:<key> keys for kms:Decrypt.
    const throughDynamoDb = kmsViaService('dynamodb', REGION, ACCOUNT) as Record<string, string>;

    expect(await key('kms:Decrypt', throughDynamoDb)).toBe('Allowed');
    expect(await key('kms:GenerateDataKey', throughDynamoDb)).toBe('Allowed');
    expect(await key('kms:Decrypt', without(throughDynamoDb, 'kms:ViaService') as Record<string, string>)).toBe('ImplicitlyDenied');
    expect(await key('kms:Decrypt', kmsViaService('sqs', REGION, ACCOUNT) as Record<string, string>)).toBe('ImplicitlyDenied');
  });
});
