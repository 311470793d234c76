import { Aspects, Aws, Stack, Token } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct, IConstruct } from 'constructs';
import { DynamoDbKitError } from './private/errors';
import { validateKeyAttributeName } from './private/validation';

/**
 * How much of its own partition a tenant's principal may do.
 */
export enum TenantAccessLevel {
  /** GetItem, BatchGetItem and Query on its own partition keys. */
  READ = 'READ',
  /** READ, plus PutItem, UpdateItem, DeleteItem, BatchWriteItem and ConditionCheckItem (transactions). */
  READ_WRITE = 'READ_WRITE',
}

// Listed here on purpose, not taken from aws-cdk-lib's read and write action lists: those include
// Scan and PartiQL, which need no partition key. `ForAllValues` is true when the request carries
// no dynamodb:LeadingKeys, so such an action would pass for every tenant.
const READ_ACTIONS = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'];
const WRITE_ACTIONS = [
  'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem', 'dynamodb:ConditionCheckItem',
];
const KEY_READ_ACTIONS = ['kms:Decrypt', 'kms:DescribeKey'];
const KEY_WRITE_ACTIONS = ['kms:Encrypt', 'kms:GenerateDataKey', 'kms:ReEncryptFrom', 'kms:ReEncryptTo'];

// A policy variable such as ${aws:PrincipalTag/tenantId} or ${cognito-identity.amazonaws.com:sub};
// ${*}, ${?} and ${$} are escapes, not variables.
const POLICY_VARIABLE = /\$\{[A-Za-z0-9.-]+:[^}]+\}/;

/**
 * Properties of `TenantAccess`.
 */
export interface TenantAccessProps {
  /**
   * The table the tenants share.
   */
  readonly table: dynamodb.ITable;

  /**
   * The partition key value a principal may use, as an IAM policy template with a policy
   * variable, for example `TENANT#${aws:PrincipalTag/tenantId}`. Each principal gets the value
   * its own variable resolves to: a role tagged `tenantId=acme` reaches the partition
   * `TENANT#acme` only. Write it in single quotes in TypeScript, so that it is not a template literal.
   */
  readonly tenantKey: string;

  /**
   * Read, or read and write.
   *
   * @default TenantAccessLevel.READ - the least that a tenant needs
   */
  readonly access?: TenantAccessLevel;

  /**
   * Restrict the principal to these attributes (`dynamodb:Attributes`); reads must then ask for
   * specific attributes (`dynamodb:Select` `SPECIFIC_ATTRIBUTES`), and writes may return only
   * updated attributes (`dynamodb:ReturnValues`). List the key attributes too: every request names them.
   *
   * @default - every attribute
   */
  readonly attributes?: string[];

  /**
   * The secondary indexes the principal may query. A GSI is isolated only when its partition key
   * also carries the tenant's value: `dynamodb:LeadingKeys` is the partition key of what is queried.
   *
   * @default - every index of the table at synth, for a `Table` or `TableV2` of this app; none for an imported table
   */
  readonly indexes?: string[];
}

/**
 * Tenant isolation on a shared table: a customer-managed policy that lets a principal reach only
 * the items whose partition key is its own (`dynamodb:LeadingKeys`), on the table and its indexes.
 *
 * Attach it to as many roles as there are tenants: the policy is the same for all of them, and
 * each role's tag (or session tag) selects its partition.
 *
 * - Every statement that grants DynamoDB access carries the condition
 *   `ForAllValues:StringEquals` on `dynamodb:LeadingKeys`, and a `Null` condition that requires
 *   the key: `ForAllValues` alone is true when a request has no partition key.
 * - Scan and PartiQL are not granted: they need no partition key, so LeadingKeys cannot bound them.
 *   A tenant cannot scan; design its access patterns as queries on its own partition.
 * - Use of the table's customer-managed key is granted only through DynamoDB (`kms:ViaService`).
 *
 * @example
 * declare const table: dynamodb.ITable;
 * declare const tenantRole: iam.IRole;
 * const access = new TenantAccess(this, 'TenantAccess', {
 *   table,
 *   tenantKey: 'TENANT#${aws:PrincipalTag/tenantId}',
 *   access: TenantAccessLevel.READ_WRITE,
 * });
 * access.grant(tenantRole);
 */
export class TenantAccess extends Construct {
  /** The customer-managed policy that holds the tenant's permissions. */
  public readonly policy: iam.ManagedPolicy;
  /** The access level granted. */
  public readonly access: TenantAccessLevel;

  private readonly itemsStatement: iam.PolicyStatement;

  constructor(scope: Construct, id: string, props: TenantAccessProps) {
    super(scope, id);
    validateTenantKey(props.tenantKey);
    props.attributes?.forEach((name, index) => validateKeyAttributeName(`attributes[${index}]`, name));
    if (props.attributes !== undefined && props.attributes.length === 0) {
      throw new DynamoDbKitError('attributes must list at least one attribute (the key attributes at least), got none; omit it to allow every attribute');
    }
    props.indexes?.forEach((name, index) => {
      if (!Token.isUnresolved(name) && !/^[a-zA-Z0-9_.-]{3,255}$/.test(name)) {
        throw new DynamoDbKitError(`indexes[${index}] must be an index name of 3-255 characters of a-z, A-Z, 0-9, '_', '-' and '.', got '${name}'`);
      }
    });
    this.access = props.access ?? TenantAccessLevel.READ;
    const write = this.access === TenantAccessLevel.READ_WRITE;

    this.itemsStatement = new iam.PolicyStatement({
      sid: 'OwnPartitionOnly',
      actions: write ? [...READ_ACTIONS, ...WRITE_ACTIONS] : READ_ACTIONS,
      resources: [props.table.tableArn, ...(props.indexes ?? []).map(name => `${props.table.tableArn}/index/${name}`)],
      conditions: itemConditions(props.tenantKey, props.attributes, write),
    });
    const statements = [this.itemsStatement];
    if (props.table.encryptionKey) {
      statements.push(new iam.PolicyStatement({
        sid: 'UseTableKeyThroughDynamoDb',
        actions: write ? [...KEY_READ_ACTIONS, ...KEY_WRITE_ACTIONS] : KEY_READ_ACTIONS,
        resources: [props.table.encryptionKey.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `dynamodb.${Aws.REGION}.amazonaws.com` } },
      }));
    }
    this.policy = new iam.ManagedPolicy(this, 'Policy', {
      description: `Tenant isolation: ${this.access === TenantAccessLevel.READ ? 'read' : 'read and write'} items of the principal's own partition only`,
      statements,
    });

    if (props.indexes === undefined) {
      // Indexes can be added to a table after this construct is made, so they are read at synth.
      const table = props.table;
      Aspects.of(this).add({
        visit: (node: IConstruct) => {
          if (node === this) {
            this.itemsStatement.addResources(...indexNames(table).map(name => `${table.tableArn}/index/${name}`));
          }
        },
      });
    }
  }

  /**
   * Attach the tenant policy to a role. The role's principal tag (or session tag) named in
   * `tenantKey` decides its partition; a role without it is refused every item.
   */
  public grant(role: iam.IRole): void {
    this.policy.attachToRole(role);
  }
}

function validateTenantKey(tenantKey: string): void {
  if (Token.isUnresolved(tenantKey)) {
    return;
  }
  if (!POLICY_VARIABLE.test(tenantKey)) {
    throw new DynamoDbKitError(
      'tenantKey must contain an IAM policy variable such as ${aws:PrincipalTag/tenantId}, so that each principal reaches ' +
      `its own partition only, got '${tenantKey}'`,
    );
  }
}

function itemConditions(tenantKey: string, attributes: string[] | undefined, write: boolean): Record<string, Record<string, unknown>> {
  const allValues: Record<string, unknown> = { 'dynamodb:LeadingKeys': [tenantKey] };
  const ifExists: Record<string, unknown> = {};
  if (attributes) {
    allValues['dynamodb:Attributes'] = attributes;
    ifExists['dynamodb:Select'] = 'SPECIFIC_ATTRIBUTES';
    if (write) {
      // ALL_OLD and ALL_NEW would return attributes outside the list.
      ifExists['dynamodb:ReturnValues'] = ['NONE', 'UPDATED_OLD', 'UPDATED_NEW'];
    }
  }
  return {
    'ForAllValues:StringEquals': allValues,
    // ForAllValues is true when the request has no partition key at all; this requires one.
    'Null': { 'dynamodb:LeadingKeys': 'false' },
    ...(attributes ? { StringEqualsIfExists: ifExists } : {}),
  };
}

/** The names of the table's secondary indexes, read from its L1, or none for an imported table. */
function indexNames(table: dynamodb.ITable): string[] {
  const cfn = table.node.defaultChild;
  if (!(cfn instanceof dynamodb.CfnGlobalTable) && !(cfn instanceof dynamodb.CfnTable)) {
    return [];
  }
  const stack = Stack.of(cfn);
  const indexes: any[] = [
    ...(stack.resolve(cfn.globalSecondaryIndexes) ?? []),
    ...(stack.resolve(cfn.localSecondaryIndexes) ?? []),
  ];
  return indexes.map(index => index.indexName).filter((name): name is string => typeof name === 'string');
}
