import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import { ProductionTable, TenantAccess, TenantAccessLevel, TenantAccessProps } from '../src';
import { DynamoDbKitError } from '../src/private/errors';

const ENV = { account: '111111111111', region: 'eu-west-1' };
const pk = { name: 'pk', type: dynamodb.AttributeType.STRING };
const sk = { name: 'sk', type: dynamodb.AttributeType.STRING };
const TENANT_KEY = 'TENANT#${aws:PrincipalTag/tenantId}';

function build(props: Partial<TenantAccessProps> = {}, tableProps: Partial<dynamodb.TablePropsV2> = {}) {
  const stack = new Stack(new App(), 'Stack', { env: ENV });
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

interface Request {
  readonly action: string;
  readonly resource?: unknown;
  /** Partition key values the request names; absent for Scan and keyless PartiQL. */
  readonly leadingKeys?: string[];
  readonly attributes?: string[];
  readonly select?: string;
  readonly returnValues?: string;
}

/**
 * Whether any Allow statement grants the request for a principal tagged `tenantId`, evaluating
 * the condition operators the helper uses the way IAM does: ForAllValues is true when the key is
 * absent, Null 'false' requires the key, ...IfExists is true when the key is absent.
 */
function allows(rendered: any[], tenantId: string, request: Request): boolean {
  const context: Record<string, string[] | undefined> = {
    'dynamodb:LeadingKeys': request.leadingKeys,
    'dynamodb:Attributes': request.attributes,
    'dynamodb:Select': request.select ? [request.select] : undefined,
    'dynamodb:ReturnValues': request.returnValues ? [request.returnValues] : undefined,
  };
  const substitute = (value: string) => value.replace('${aws:PrincipalTag/tenantId}', tenantId);
  return rendered.filter(s => s.Effect === 'Allow').some(statement => {
    const actions = [statement.Action].flat();
    const resources = [statement.Resource].flat().map(r => JSON.stringify(r));
    if (!actions.includes(request.action)) {
      return false;
    }
    if (request.resource !== undefined && !resources.includes(JSON.stringify(request.resource))) {
      return false;
    }
    return Object.entries<Record<string, unknown>>(statement.Condition ?? {}).every(([operator, keys]) =>
      Object.entries(keys).every(([key, expected]) => {
        const allowed = [expected].flat().map(v => substitute(String(v)));
        const actual = context[key];
        switch (operator) {
          case 'ForAllValues:StringEquals': return actual === undefined || actual.every(v => allowed.includes(v));
          case 'Null': return (actual === undefined) === (expected === 'true');
          case 'StringEqualsIfExists': return actual === undefined || actual.every(v => allowed.includes(v));
          default: return key.startsWith('kms:');
        }
      }));
  });
}

describe('TenantAccess: the partition key scopes every grant', () => {
  test('a tenant reads its own partition, and not another tenant\'s', () => {
    const { stack } = build();
    const rendered = statements(stack);

    expect(allows(rendered, 'acme', { action: 'dynamodb:GetItem', leadingKeys: ['TENANT#acme'] })).toBe(true);
    expect(allows(rendered, 'acme', { action: 'dynamodb:Query', leadingKeys: ['TENANT#acme'] })).toBe(true);
    expect(allows(rendered, 'acme', { action: 'dynamodb:GetItem', leadingKeys: ['TENANT#globex'] })).toBe(false);
    expect(allows(rendered, 'acme', { action: 'dynamodb:BatchGetItem', leadingKeys: ['TENANT#acme', 'TENANT#globex'] })).toBe(false);
  });

  test('a cross-tenant Scan is not granted: Scan is not an action of the policy, and a request without a key fails the Null condition', () => {
    const { stack } = build({ access: TenantAccessLevel.READ_WRITE });
    const rendered = statements(stack);

    expect(allows(rendered, 'acme', { action: 'dynamodb:Scan' })).toBe(false);
    expect(allows(rendered, 'acme', { action: 'dynamodb:PartiQLSelect' })).toBe(false);
    // Even a granted action without a partition key is refused, where ForAllValues alone would allow it.
    expect(allows(rendered, 'acme', { action: 'dynamodb:Query' })).toBe(false);
  });

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

      expect(dynamoStatements.length).toBeGreaterThan(0);
      for (const statement of dynamoStatements) {
        expect(statement.Condition['ForAllValues:StringEquals']['dynamodb:LeadingKeys']).toEqual([TENANT_KEY]);
        expect(statement.Condition.Null).toEqual({ 'dynamodb:LeadingKeys': 'false' });
      }
    }
  });

  test('read: GetItem, BatchGetItem and Query only', () => {
    const { stack } = build();

    expect(statements(stack)[0].Action).toEqual(['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query']);
    expect(allows(statements(stack), 'acme', { action: 'dynamodb:PutItem', leadingKeys: ['TENANT#acme'] })).toBe(false);
  });

  test('read/write: writes and condition checks of transactions, on the own partition only', () => {
    const { stack } = build({ access: TenantAccessLevel.READ_WRITE });
    const rendered = statements(stack);

    expect(rendered[0].Action).toEqual([
      'dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query',
      'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem', 'dynamodb:ConditionCheckItem',
    ]);
    expect(allows(rendered, 'acme', { action: 'dynamodb:PutItem', leadingKeys: ['TENANT#acme'] })).toBe(true);
    expect(allows(rendered, 'acme', { action: 'dynamodb:BatchWriteItem', leadingKeys: ['TENANT#acme', 'TENANT#globex'] })).toBe(false);
  });
});

describe('resources', () => {
  test('the table and each of its indexes by name, including an index added after the helper was made', () => {
    const stack = new Stack(new App(), 'Stack', { env: ENV });
    const table = new ProductionTable(stack, 'Saas', {
      partitionKey: pk,
      sortKey: sk,
      localSecondaryIndexes: [{ indexName: 'byCreatedAt', sortKey: { name: 'createdAt', type: dynamodb.AttributeType.STRING } }],
    });
    new TenantAccess(stack, 'TenantAccess', { table, tenantKey: TENANT_KEY });
    table.addGlobalSecondaryIndex({ indexName: 'byTenantStatus', partitionKey: pk, sortKey: { name: 'status', type: dynamodb.AttributeType.STRING } });

    const arn = { 'Fn::GetAtt': [stack.getLogicalId(table.node.defaultChild as dynamodb.CfnGlobalTable), 'Arn'] };
    expect(statements(stack)[0].Resource).toEqual([
      arn,
      { 'Fn::Join': ['', [arn, '/index/byTenantStatus']] },
      { 'Fn::Join': ['', [arn, '/index/byCreatedAt']] },
    ]);
  });

  test('named indexes only, when given; an imported table gets none unless named', () => {
    const stack = new Stack(new App(), 'Stack', { env: ENV });
    const imported = dynamodb.TableV2.fromTableName(stack, 'Imported', 'saas');

    new TenantAccess(stack, 'TenantAccess', { table: imported, tenantKey: TENANT_KEY, indexes: ['byStatus'] });

    expect(JSON.stringify(statements(stack)[0].Resource)).toContain(':table/saas/index/byStatus');
    expect(statements(stack)[0].Resource).toHaveLength(2);
  });

  test('no wildcard resource, so no acknowledgement is needed', () => {
    const { stack } = build({ access: TenantAccessLevel.READ_WRITE });

    expect(JSON.stringify(statements(stack))).not.toContain('*');
  });
});

describe('the table key', () => {
  test('read: kms:Decrypt and DescribeKey on the table key, only through DynamoDB', () => {
    const { stack, table } = build();

    expect(statements(stack)[1]).toEqual({
      Sid: 'UseTableKeyThroughDynamoDb',
      Effect: 'Allow',
      Action: ['kms:Decrypt', 'kms:DescribeKey'],
      Resource: stack.resolve(table.encryptionKey!.keyArn),
      Condition: { StringEquals: { 'kms:ViaService': { 'Fn::Join': ['', ['dynamodb.', { Ref: 'AWS::Region' }, '.amazonaws.com']] } } },
    });
  });

  test('read/write: encrypt and data keys too, without wildcard actions', () => {
    const { stack } = build({ access: TenantAccessLevel.READ_WRITE });

    expect(statements(stack)[1].Action).toEqual([
      'kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:ReEncryptFrom', 'kms:ReEncryptTo',
    ]);
  });

  test('a table without a customer-managed key gets no key statement', () => {
    const stack = new Stack(new App(), 'Stack', { env: ENV });
    const table = new dynamodb.TableV2(stack, 'Plain', { partitionKey: pk });

    new TenantAccess(stack, 'TenantAccess', { table, tenantKey: TENANT_KEY });

    expect(statements(stack)).toHaveLength(1);
  });
});

describe('attribute restriction', () => {
  test('reads must name allowed attributes and ask for specific attributes', () => {
    const { stack } = build({ attributes: ['pk', 'sk', 'name'] });
    const rendered = statements(stack);

    expect(rendered[0].Condition).toEqual({
      'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': [TENANT_KEY], 'dynamodb:Attributes': ['pk', 'sk', 'name'] },
      'Null': { 'dynamodb:LeadingKeys': 'false' },
      'StringEqualsIfExists': { 'dynamodb:Select': 'SPECIFIC_ATTRIBUTES' },
    });
    expect(allows(rendered, 'acme', { action: 'dynamodb:Query', leadingKeys: ['TENANT#acme'], attributes: ['pk', 'name'], select: 'SPECIFIC_ATTRIBUTES' })).toBe(true);
    expect(allows(rendered, 'acme', { action: 'dynamodb:Query', leadingKeys: ['TENANT#acme'], attributes: ['pk', 'salary'], select: 'SPECIFIC_ATTRIBUTES' })).toBe(false);
    expect(allows(rendered, 'acme', { action: 'dynamodb:Query', leadingKeys: ['TENANT#acme'], select: 'ALL_ATTRIBUTES' })).toBe(false);
  });

  test('writes may return only updated attributes', () => {
    const { stack } = build({ access: TenantAccessLevel.READ_WRITE, attributes: ['pk', 'sk', 'name'] });

    expect(statements(stack)[0].Condition.StringEqualsIfExists).toEqual({
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
    expect(() => build({ tenantKey: 'TENANT#${*}' })).toThrow(/^tenantKey must contain an IAM policy variable/);
  });

  test('a tenantKey with any policy variable is accepted', () => {
    expect(() => build({ tenantKey: '${aws:userid}' })).not.toThrow();
    expect(() => build({ tenantKey: 'USER#${cognito-identity.amazonaws.com:sub}' })).not.toThrow();
  });

  test('an empty attribute list is refused; a bad attribute name is refused with its index', () => {
    expect(() => build({ attributes: [] })).toThrow(/^attributes must list at least one attribute/);
    expect(() => build({ attributes: ['pk', ''] })).toThrow(/^attributes\[1\] must be 1-255 bytes of UTF-8, got 0 bytes/);
  });

  test('a bad index name is refused with its index', () => {
    expect(() => build({ indexes: ['ok-index', 'x'] })).toThrow("indexes[1] must be an index name of 3-255 characters of a-z, A-Z, 0-9, '_', '-' and '.', got 'x'");
  });
});
