import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import { ProductionTable, TenantAccess, TenantAccessLevel, TenantAccessProps } from '../src';
import { newStack, pk, sk } from './fixtures';
import { DynamoDbKitError } from '../src/private/errors';

const owner = { name: 'ownerTenant', type: dynamodb.AttributeType.STRING };
const TENANT_KEY = 'TENANT#${aws:PrincipalTag/tenantId}';

function build(props: Partial<TenantAccessProps> = {}, tableProps: Partial<dynamodb.TablePropsV2> = {}) {
  const stack = newStack();
  const table = new ProductionTable(stack, 'Saas', { partitionKey: pk, sortKey: sk, ...tableProps });
  const role = new iam.Role(stack, 'AcmeRole', { assumedBy: new iam.AccountRootPrincipal() });
  const access = new TenantAccess(stack, 'TenantAccess', { table, tenantKey: TENANT_KEY, ...props });
  access.grant(role);
  return { stack, table, role, access };
}

/** The rendered statements of the tenant policy. */
function statements(stack: Stack): any[] {
  const policies = Object.values(Template.fromStack(stack).findResources('AWS::IAM::ManagedPolicy'))
    .filter((p: any) => p.Properties.Description?.startsWith('Tenant isolation'));
  expect(policies).toHaveLength(1);
  return (policies[0] as any).Properties.PolicyDocument.Statement;
}

/** The rendered statement with a Sid. */
function statement(stack: Stack, sid: string): any {
  const found = statements(stack).filter(s => s.Sid === sid);
  expect(found).toHaveLength(1);
  return found[0];
}

// What the policy allows and denies is proven with the IAM simulator in tenant-access.sim.test.ts;
// these tests pin the policy's shape.
describe('TenantAccess: the partition key scopes every grant', () => {
  test('Scan and PartiQL are granted by no statement, in either access level', () => {
    for (const access of [TenantAccessLevel.READ, TenantAccessLevel.READ_WRITE]) {
      const actions = statements(build({ access }).stack).flatMap(s => [s.Action].flat());

      expect(actions.filter(a => /Scan|PartiQL|\*/.test(a))).toEqual([]);
    }
  });

  test('every statement that grants DynamoDB access carries the LeadingKeys and Null conditions', () => {
    for (const access of [TenantAccessLevel.READ, TenantAccessLevel.READ_WRITE]) {
      const dynamoStatements = statements(build({ access, attributes: ['pk', 'sk', 'name'] }).stack)
        .filter(s => [s.Action].flat().some((a: string) => a.startsWith('dynamodb:')));

      expect(dynamoStatements.length).toBe(access === TenantAccessLevel.READ ? 1 : 2);
      for (const s of dynamoStatements) {
        expect(s.Condition['ForAllValues:StringEquals']['dynamodb:LeadingKeys']).toEqual([TENANT_KEY]);
        expect(s.Condition.Null).toEqual({ 'dynamodb:LeadingKeys': 'false' });
      }
    }
  });

  test('read: GetItem, BatchGetItem and Query only, and no write statement', () => {
    const { stack } = build();

    expect(statement(stack, 'ReadOwnPartitionOnly').Action).toEqual(['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query']);
    expect(statements(stack).map(s => s.Sid)).toEqual(['ReadOwnPartitionOnly', 'UseTableKeyThroughDynamoDb']);
  });

  test('read/write: writes and condition checks of transactions, in their own statement, on the table only', () => {
    const { stack, table } = build({ access: TenantAccessLevel.READ_WRITE });

    const write = statement(stack, 'WriteOwnPartitionOnly');
    expect(write.Action).toEqual([
      'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem', 'dynamodb:ConditionCheckItem',
    ]);
    expect(write.Resource).toEqual(stack.resolve(table.tableArn));
    expect(statement(stack, 'ReadOwnPartitionOnly').Action).toEqual(['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query']);
  });
});

describe('resources: indexes follow their key', () => {
  test('the table, its LSIs and its GSIs partitioned by the table\'s partition key, including an index added after the helper was made', () => {
    const stack = newStack();
    const table = new ProductionTable(stack, 'Saas', {
      partitionKey: pk,
      sortKey: sk,
      localSecondaryIndexes: [{ indexName: 'byCreatedAt', sortKey: { name: 'createdAt', type: dynamodb.AttributeType.STRING } }],
    });
    new TenantAccess(stack, 'TenantAccess', { table, tenantKey: TENANT_KEY });
    table.addGlobalSecondaryIndex({ indexName: 'byTenantStatus', partitionKey: pk, sortKey: { name: 'status', type: dynamodb.AttributeType.STRING } });

    const arn = { 'Fn::GetAtt': [stack.getLogicalId(table.node.defaultChild as dynamodb.CfnGlobalTable), 'Arn'] };
    expect(statement(stack, 'ReadOwnPartitionOnly').Resource).toEqual([
      arn,
      { 'Fn::Join': ['', [arn, '/index/byTenantStatus']] },
      { 'Fn::Join': ['', [arn, '/index/byCreatedAt']] },
    ]);
  });

  test('GSIs partitioned by another attribute (an inverted index, a multi-attribute key) are not granted by default', () => {
    const { stack } = build({}, {
      globalSecondaryIndexes: [
        { indexName: 'inverted', partitionKey: sk, sortKey: pk },
        { indexName: 'byOwner', partitionKey: owner },
        { indexName: 'multi', partitionKeys: [pk, owner] },
      ],
    });

    expect(JSON.stringify(statement(stack, 'ReadOwnPartitionOnly').Resource)).not.toContain('/index/');
  });

  test('a declared tenant-keyed GSI is granted, and writes may not name its partition key, as AWS\'s example "prevent updates on certain attributes" does', () => {
    const { stack } = build({ access: TenantAccessLevel.READ_WRITE, tenantKeyedIndexes: ['byOwner'] }, {
      globalSecondaryIndexes: [{ indexName: 'byOwner', partitionKey: owner }, { indexName: 'inverted', partitionKey: sk }],
    });

    const reads = JSON.stringify(statement(stack, 'ReadOwnPartitionOnly').Resource);
    expect(reads).toContain('/index/byOwner');
    expect(reads).not.toContain('/index/inverted');
    expect(statement(stack, 'WriteOwnPartitionOnly').Condition).toEqual({
      'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': [TENANT_KEY] },
      'Null': { 'dynamodb:LeadingKeys': 'false' },
      'ForAllValues:StringNotLike': { 'dynamodb:Attributes': ['ownerTenant'] },
      'StringEqualsIfExists': { 'dynamodb:Select': 'SPECIFIC_ATTRIBUTES', 'dynamodb:ReturnValues': ['NONE', 'UPDATED_OLD', 'UPDATED_NEW'] },
    });
    expect(statement(stack, 'ReadOwnPartitionOnly').Condition['ForAllValues:StringNotLike']).toBeUndefined();
  });

  test('indexes narrows the granted indexes', () => {
    const { stack } = build({ indexes: ['byTenantStatus'] }, {
      globalSecondaryIndexes: [{ indexName: 'byTenantStatus', partitionKey: pk }, { indexName: 'byOther', partitionKey: pk }],
    });

    const reads = JSON.stringify(statement(stack, 'ReadOwnPartitionOnly').Resource);
    expect(reads).toContain('/index/byTenantStatus');
    expect(reads).not.toContain('/index/byOther');
  });

  test('a plain Table (CfnTable) is read the same way', () => {
    const stack = newStack();
    const table = new dynamodb.Table(stack, 'Plain', { partitionKey: pk, sortKey: sk });
    table.addGlobalSecondaryIndex({ indexName: 'byTenantStatus', partitionKey: pk });
    table.addGlobalSecondaryIndex({ indexName: 'inverted', partitionKey: sk });

    new TenantAccess(stack, 'TenantAccess', { table, tenantKey: TENANT_KEY });

    const reads = JSON.stringify(statement(stack, 'ReadOwnPartitionOnly').Resource);
    expect(reads).toContain('/index/byTenantStatus');
    expect(reads).not.toContain('/index/inverted');
  });

  test('an imported table gets the table only', () => {
    const stack = newStack();
    const imported = dynamodb.TableV2.fromTableName(stack, 'Imported', 'saas');

    new TenantAccess(stack, 'TenantAccess', { table: imported, tenantKey: TENANT_KEY });

    expect(JSON.stringify(statement(stack, 'ReadOwnPartitionOnly').Resource)).toContain(':table/saas"');
    expect(JSON.stringify(statement(stack, 'ReadOwnPartitionOnly').Resource)).not.toContain('/index/');
  });

  test('no wildcard resource, so no acknowledgement is needed', () => {
    const { stack } = build({ access: TenantAccessLevel.READ_WRITE });

    expect(JSON.stringify(statements(stack))).not.toContain('*');
  });
});

describe('the table key', () => {
  test('read: kms:Decrypt and DescribeKey on the table key, only through DynamoDB', () => {
    const { stack, table } = build();

    expect(statement(stack, 'UseTableKeyThroughDynamoDb')).toEqual({
      Sid: 'UseTableKeyThroughDynamoDb',
      Effect: 'Allow',
      Action: ['kms:Decrypt', 'kms:DescribeKey'],
      Resource: stack.resolve(table.encryptionKey!.keyArn),
      Condition: { StringEquals: { 'kms:ViaService': { 'Fn::Join': ['', ['dynamodb.', { Ref: 'AWS::Region' }, '.amazonaws.com']] } } },
    });
  });

  test('read/write: encrypt and data keys too, without wildcard actions', () => {
    const { stack } = build({ access: TenantAccessLevel.READ_WRITE });

    expect(statement(stack, 'UseTableKeyThroughDynamoDb').Action).toEqual([
      'kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:ReEncryptFrom', 'kms:ReEncryptTo',
    ]);
  });

  test('a table without a customer-managed key gets no key statement', () => {
    const stack = newStack();
    const table = new dynamodb.TableV2(stack, 'Plain', { partitionKey: pk });

    new TenantAccess(stack, 'TenantAccess', { table, tenantKey: TENANT_KEY });

    expect(statements(stack)).toHaveLength(1);
  });
});

describe('attribute restriction', () => {
  test('reads must name allowed attributes and ask for specific attributes', () => {
    const { stack } = build({ attributes: ['pk', 'sk', 'name'] });

    expect(statement(stack, 'ReadOwnPartitionOnly').Condition).toEqual({
      'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': [TENANT_KEY], 'dynamodb:Attributes': ['pk', 'sk', 'name'] },
      'Null': { 'dynamodb:LeadingKeys': 'false' },
      'StringEqualsIfExists': { 'dynamodb:Select': 'SPECIFIC_ATTRIBUTES' },
    });
  });

  test('writes may return only updated attributes', () => {
    const { stack } = build({ access: TenantAccessLevel.READ_WRITE, attributes: ['pk', 'sk', 'name'] });

    expect(statement(stack, 'WriteOwnPartitionOnly').Condition.StringEqualsIfExists).toEqual({
      'dynamodb:Select': 'SPECIFIC_ATTRIBUTES',
      'dynamodb:ReturnValues': ['NONE', 'UPDATED_OLD', 'UPDATED_NEW'],
    });
  });
});

describe('a customer-managed policy', () => {
  test('one policy, attached to every tenant role; no inline policy', () => {
    const { stack, access } = build();
    const globex = new iam.Role(stack, 'GlobexRole', { assumedBy: new iam.AccountRootPrincipal() });

    access.grant(globex);

    const template = Template.fromStack(stack);
    template.resourcePropertiesCountIs('AWS::IAM::ManagedPolicy', { Description: Match.stringLikeRegexp('^Tenant isolation') }, 1);
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      Description: Match.stringLikeRegexp('^Tenant isolation'),
      Roles: [{ Ref: Match.stringLikeRegexp('^AcmeRole') }, { Ref: Match.stringLikeRegexp('^GlobexRole') }],
    });
    template.resourceCountIs('AWS::IAM::Policy', 0);
  });
});

describe('bad input', () => {
  test('a tenantKey without a policy variable is refused, naming the option', () => {
    expect(() => build({ tenantKey: 'TENANT#acme' })).toThrow(DynamoDbKitError);
    expect(() => build({ tenantKey: 'TENANT#acme' })).toThrow(
      "tenantKey must contain an IAM policy variable such as ${aws:PrincipalTag/tenantId}, so that each principal reaches its own partition only, got 'TENANT#acme'",
    );
    expect(() => build({ tenantKey: 'TENANT#${*}' })).toThrow(/^Stack\/TenantAccess: tenantKey must contain an IAM policy variable/);
  });

  test('a tenantKey with any policy variable is accepted', () => {
    expect(() => build({ tenantKey: '${aws:userid}' })).not.toThrow();
    expect(() => build({ tenantKey: 'USER#${cognito-identity.amazonaws.com:sub}' })).not.toThrow();
  });

  test('an empty attribute list is refused; a bad attribute name is refused with its index', () => {
    expect(() => build({ attributes: [] })).toThrow(/^Stack\/TenantAccess: attributes must list at least one attribute/);
    expect(() => build({ attributes: ['pk', ''] })).toThrow(/^Stack\/TenantAccess: attributes\[1\] must be 1-255 bytes of UTF-8, got 0 bytes/);
  });

  test('a bad index name is refused with its index', () => {
    expect(() => build({ indexes: ['ok-index', 'x'] })).toThrow("indexes[1] must be 3-255 characters of a-z, A-Z, 0-9, '_', '-' and '.', got 'x'");
    expect(() => build({ tenantKeyedIndexes: ['x'] })).toThrow("tenantKeyedIndexes[0] must be 3-255 characters of a-z, A-Z, 0-9, '_', '-' and '.', got 'x'");
  });
});

describe('bad input: indexes that would let a tenant reach another tenant\'s items', () => {
  const indexes: Partial<dynamodb.TablePropsV2> = {
    globalSecondaryIndexes: [
      { indexName: 'byOwner', partitionKey: owner },
      { indexName: 'inverted', partitionKey: sk },
      { indexName: 'byTenantStatus', partitionKey: pk },
      { indexName: 'multi', partitionKeys: [owner, { name: 'region', type: dynamodb.AttributeType.STRING }] },
    ],
    localSecondaryIndexes: [{ indexName: 'byCreatedAt', sortKey: { name: 'createdAt', type: dynamodb.AttributeType.STRING } }],
  };
  /** Synthesis, where indexes are read and checked. */
  const synth = (props: Partial<TenantAccessProps>) => () => Template.fromStack(build(props, indexes).stack);

  test('GIVEN an inverted GSI WHEN indexes names it THEN synth refuses it, saying why and what is allowed', () => {
    expect(synth({ indexes: ['inverted'] })).toThrow(DynamoDbKitError);
    expect(synth({ indexes: ['inverted'] })).toThrow(
      "indexes[0] must name an index that keeps tenants apart (a local secondary index, a global secondary index partitioned by the table's " +
      "partition key 'pk', or one of tenantKeyedIndexes), got 'inverted', a global secondary index partitioned by 'sk', through which a tenant " +
      "could reach other tenants' items; list it in tenantKeyedIndexes if 'sk' carries the tenant's value, set by a trusted writer; " +
      "allowed: 'byTenantStatus', 'byCreatedAt'",
    );
  });

  test('GIVEN an index the table does not have WHEN indexes names it THEN synth refuses it', () => {
    expect(synth({ indexes: ['byNothing'] })).toThrow(/^indexes\[0\] must name an index that keeps tenants apart .* got 'byNothing', which is not an index of the table; allowed: /);
  });

  test('GIVEN a declared tenant-keyed GSI WHEN indexes names it THEN it is allowed', () => {
    expect(synth({ indexes: ['byOwner'], tenantKeyedIndexes: ['byOwner'] })).not.toThrow();
  });

  test('GIVEN tenantKeyedIndexes WHEN it names no GSI partitioned by another attribute THEN synth refuses it, naming the allowed ones', () => {
    const allowed = "allowed: 'byOwner', 'inverted'";
    expect(synth({ tenantKeyedIndexes: ['byNothing'] })).toThrow(DynamoDbKitError);
    expect(synth({ tenantKeyedIndexes: ['byNothing'] })).toThrow(
      "tenantKeyedIndexes[0] must name a global secondary index of the table whose partition key is one attribute other than the table's " +
      `partition key 'pk', got 'byNothing', which is not an index of the table; ${allowed}`,
    );
    expect(synth({ tenantKeyedIndexes: ['byCreatedAt'] })).toThrow(/got 'byCreatedAt', a local secondary index, which shares the table's partition key and is granted without being declared; allowed: 'byOwner', 'inverted'$/);
    expect(synth({ tenantKeyedIndexes: ['byTenantStatus'] })).toThrow(/got 'byTenantStatus', a global secondary index partitioned by the table's partition key 'pk', which is granted without being declared/);
  });

  test('GIVEN read/write WHEN tenantKeyedIndexes names a GSI partitioned by the table\'s sort key THEN synth refuses it: tenants could not write at all', () => {
    expect(synth({ access: TenantAccessLevel.READ_WRITE, tenantKeyedIndexes: ['inverted'] })).toThrow(
      /^tenantKeyedIndexes\[0\] must name .* other than the table's partition key 'pk' and sort key 'sk', got 'inverted', a global secondary index partitioned by the table's sort key 'sk', which every write names, so tenants could not write at all; allowed: 'byOwner'$/,
    );
    expect(synth({ tenantKeyedIndexes: ['inverted'] })).not.toThrow();
  });

  test('GIVEN a GSI with a multi-attribute partition key WHEN it is declared tenant-keyed or named THEN synth refuses it: its condition keys cannot be verified', () => {
    expect(synth({ tenantKeyedIndexes: ['multi'] })).toThrow(
      /got 'multi', a global secondary index with a multi-attribute partition key \(ownerTenant, region\), which TenantAccess does not grant: the condition keys for such keys \(dynamodb:FirstPartitionKeyValues to FourthPartitionKeyValues\) cannot be verified/,
    );
    expect(synth({ indexes: ['multi'] })).toThrow(/^indexes\[0\] .* got 'multi', a global secondary index with a multi-attribute partition key/);
  });

  test('GIVEN an imported table WHEN indexes or tenantKeyedIndexes are given THEN they are refused: its key schema is unknown', () => {
    for (const property of ['indexes', 'tenantKeyedIndexes'] as const) {
      const stack = newStack();
      const imported = dynamodb.TableV2.fromTableName(stack, 'Imported', 'saas');

      expect(() => new TenantAccess(stack, 'TenantAccess', { table: imported, tenantKey: TENANT_KEY, [property]: ['byStatus'] })).toThrow(
        `${property} must be empty for an imported table, got 'byStatus': TenantAccess cannot read the key schema of an imported table, so it ` +
        "cannot tell an index that keeps tenants apart from one through which a tenant reads other tenants' items. Make the TenantAccess in " +
        'the app that defines the table, or grant the table only',
      );
    }
  });
});

describe('an access level outside TenantAccessLevel', () => {
  test.each(['READWRITE', 'write', ''])('%j is refused, rather than granting read-only', access => {
    const stack = newStack();
    const table = new ProductionTable(stack, 'Saas', { partitionKey: pk, sortKey: sk });

    expect(() => new TenantAccess(stack, 'TenantAccess', { table, tenantKey: TENANT_KEY, access: access as TenantAccessLevel }))
      .toThrow(`Stack/TenantAccess: access must be one of 'READ', 'READ_WRITE', got '${access}'`);
  });
});
