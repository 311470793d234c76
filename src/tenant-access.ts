import { Aspects, Aws, Token } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct, IConstruct } from 'constructs';
import { DynamoDbKitError, refusedAt } from './private/errors';
import { IndexKeySchema, RenderedTable, TableKeySchema } from './private/table-introspection';
import {
  Kinds, required, tenantAccessSpec, validateConstructInput, validateEnum, validateKeyAttributeName, validateKind, validateResourceName,
} from './private/validation';

/**
 * How much of its own partition a tenant's principal may do.
 */
export enum TenantAccessLevel {
  /** GetItem, BatchGetItem and Query on its own partition keys. */
  READ = 'READ',
  /**
   * READ, plus PutItem, UpdateItem, DeleteItem, BatchWriteItem and ConditionCheckItem, which also
   * authorize the parts of TransactWriteItems (it is not an IAM action of its own).
   */
  READ_WRITE = 'READ_WRITE',
}

// Listed here on purpose, not taken from aws-cdk-lib's read and write action lists: those include
// Scan and PartiQL, which need no partition key. `ForAllValues` is true when the request carries
// no dynamodb:LeadingKeys, so such an action would pass for every tenant.
const READ_ACTIONS = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'];
const WRITE_ACTIONS = [
  'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem', 'dynamodb:ConditionCheckItem',
];
// ALL_OLD and ALL_NEW return whole items, attributes the request did not name included.
const RETURN_UPDATED_ONLY = ['NONE', 'UPDATED_OLD', 'UPDATED_NEW'];
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
   * updated attributes (`dynamodb:ReturnValues`). List the key attributes too, of the table and of
   * every index granted: every request names them.
   *
   * @default - every attribute
   */
  readonly attributes?: string[];

  /**
   * Global secondary indexes whose partition key is another attribute than the table's, and which
   * carries the tenant's value: the same value that `tenantKey` resolves to (`TENANT#acme`).
   * Tenants may query these indexes for their own value only, and may no longer name the index's
   * partition key attribute in any write (`PutItem`, `UpdateItem`, `DeleteItem`, `BatchWriteItem`,
   * `ConditionCheckItem`): a trusted writer sets it, from the item's partition key, so that no
   * tenant can place an item in another tenant's index partition.
   *
   * Each must be a GSI of the table (a `Table` or `TableV2` of this app) with a one-attribute
   * partition key that is not the table's partition key; with `READ_WRITE`, not the table's sort
   * key either (every write names it). Checked at synth.
   *
   * @default - none: a GSI partitioned by another attribute is never granted
   */
  readonly tenantKeyedIndexes?: string[];

  /**
   * Narrow the secondary indexes the principal may query. Each must be an index that isolates
   * tenants: a local secondary index, a global secondary index partitioned by the table's partition
   * key, or one of `tenantKeyedIndexes`. Any other index is refused at synth, because a tenant could
   * read other tenants' items through it.
   *
   * @default - every index that isolates tenants, read from the table at synth; an imported table
   * gets none (its index key schemas are unknown, so `indexes` and `tenantKeyedIndexes` are refused for it)
   */
  readonly indexes?: string[];
}

/**
 * Tenant isolation on a shared table: a customer-managed policy that lets a principal reach only
 * the items whose partition key is its own (`dynamodb:LeadingKeys`), on the table and on the
 * indexes that keep tenants apart.
 *
 * Attach it to as many roles as there are tenants: the policy is the same for all of them, and
 * each role's tag (or session tag) selects its partition.
 *
 * - Every statement that grants DynamoDB access carries the condition
 *   `ForAllValues:StringEquals` on `dynamodb:LeadingKeys`, and a `Null` condition that requires
 *   the key: `ForAllValues` alone is true when a request has no partition key.
 * - Indexes follow their key: local secondary indexes and global secondary indexes partitioned by
 *   the table's partition key are granted (a write's LeadingKeys fixes that value); a global
 *   secondary index partitioned by another attribute only when it is declared in
 *   `tenantKeyedIndexes`, and tenants may then not write that attribute; any other index never.
 *   Indexes with a multi-attribute partition key are never granted.
 * - Writes (`READ_WRITE`): `PutItem`, `UpdateItem`, `DeleteItem`, `BatchWriteItem` and
 *   `ConditionCheckItem` on the table, which also authorize the parts of `TransactWriteItems`.
 *   With `tenantKeyedIndexes`, a write that names one of their partition key attributes is refused,
 *   and writes may return only updated attributes (`ReturnValues` `NONE`, `UPDATED_OLD`, `UPDATED_NEW`).
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

  private readonly readStatement: iam.PolicyStatement;
  private readonly writeStatement?: iam.PolicyStatement;

  constructor(scope: Construct, id: string, props: TenantAccessProps) {
    validateConstructInput(scope, id, props, tenantAccessSpec());
    super(scope, id);
    refusedAt(this, () => {
      validateTenantKey(props.tenantKey);
      props.attributes?.forEach((name, index) => validateKeyAttributeName(`attributes[${index}]`, name));
      if (props.attributes !== undefined && props.attributes.length === 0) {
        throw new DynamoDbKitError('attributes must list at least one attribute (the key attributes at least), got none; omit it to allow every attribute');
      }
      validateIndexNames('indexes', props.indexes);
      validateIndexNames('tenantKeyedIndexes', props.tenantKeyedIndexes);
      if (RenderedTable.of(props.table) === undefined) {
        refuseIndexesOfImportedTable(props);
      }
      validateEnum('access', props.access, TenantAccessLevel);
    });
    this.access = props.access ?? TenantAccessLevel.READ;
    const write = this.access === TenantAccessLevel.READ_WRITE;
    const table = props.table;

    this.readStatement = new iam.PolicyStatement({
      sid: 'ReadOwnPartitionOnly',
      actions: READ_ACTIONS,
      resources: [table.tableArn],
      conditions: itemConditions(props.tenantKey, props.attributes, false),
    });
    const statements = [this.readStatement];
    if (write) {
      // Writes name the table only: the Service Authorization Reference lists no index resource for
      // PutItem, UpdateItem, DeleteItem, BatchWriteItem or ConditionCheckItem.
      this.writeStatement = new iam.PolicyStatement({
        sid: 'WriteOwnPartitionOnly',
        actions: WRITE_ACTIONS,
        resources: [table.tableArn],
        conditions: itemConditions(props.tenantKey, props.attributes, true),
      });
      statements.push(this.writeStatement);
    }
    if (table.encryptionKey) {
      statements.push(new iam.PolicyStatement({
        sid: 'UseTableKeyThroughDynamoDb',
        actions: write ? [...KEY_READ_ACTIONS, ...KEY_WRITE_ACTIONS] : KEY_READ_ACTIONS,
        resources: [table.encryptionKey.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `dynamodb.${Aws.REGION}.amazonaws.com` } },
      }));
    }
    this.policy = new iam.ManagedPolicy(this, 'Policy', {
      description: `Tenant isolation: ${write ? 'read and write' : 'read'} items of the principal's own partition only`,
      statements,
    });

    // Indexes can be added to a table after this construct is made, so they are read at synth.
    Aspects.of(this).add({
      visit: (node: IConstruct) => {
        if (node !== this) {
          return;
        }
        const schema = RenderedTable.of(table)?.keySchema();
        if (schema === undefined) {
          return;
        }
        const grants = indexGrants(schema, props, write);
        this.readStatement.addResources(...grants.indexes.map(name => `${table.tableArn}/index/${name}`));
        if (this.writeStatement && grants.protectedAttributes.length > 0) {
          // AWS's pattern for "prevent updates on certain attributes" (DynamoDB developer guide,
          // "Using IAM policy conditions for fine-grained access control", example 4,
          // https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/specifying-conditions.html):
          // ForAllValues:StringNotLike on dynamodb:Attributes, which lists every top-level attribute
          // that the request names, with Select and ReturnValues restricted if present. Unlike that
          // example, PutItem, DeleteItem and BatchWriteItem stay granted, although AWS notes that they
          // replace a whole item: that lets a tenant drop the index attribute from its own item (which
          // only takes the item out of the index), never set it, because a put names every attribute
          // it writes (our reading of AWS's "specified in the request parameters"). No write action
          // takes dynamodb:Select, so that part never applies to them.
          this.writeStatement.addCondition('ForAllValues:StringNotLike', { 'dynamodb:Attributes': grants.protectedAttributes });
          this.writeStatement.addCondition('StringEqualsIfExists', {
            'dynamodb:Select': 'SPECIFIC_ATTRIBUTES',
            'dynamodb:ReturnValues': RETURN_UPDATED_ONLY,
          });
        }
      },
    });
  }

  /**
   * Attach the tenant policy to a role. The role's principal tag (or session tag) named in
   * `tenantKey` decides its partition; a role without it is refused every item.
   */
  public grant(role: iam.IRole): void {
    validateKind('role', role, required(Kinds.role), this);
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
      ifExists['dynamodb:ReturnValues'] = RETURN_UPDATED_ONLY;
    }
  }
  return {
    'ForAllValues:StringEquals': allValues,
    // ForAllValues is true when the request has no partition key at all; this requires one.
    'Null': { 'dynamodb:LeadingKeys': 'false' },
    ...(attributes ? { StringEqualsIfExists: ifExists } : {}),
  };
}

function validateIndexNames(property: string, names: string[] | undefined): void {
  names?.forEach((name, index) => validateResourceName(`${property}[${index}]`, name));
}

function refuseIndexesOfImportedTable(props: TenantAccessProps): void {
  for (const property of ['indexes', 'tenantKeyedIndexes'] as const) {
    const names = props[property];
    if (names !== undefined && names.length > 0) {
      throw new DynamoDbKitError(
        `${property} must be empty for an imported table, got ${names.map(name => `'${name}'`).join(', ')}: TenantAccess cannot read ` +
        'the key schema of an imported table, so it cannot tell an index that keeps tenants apart from one through which a tenant ' +
        'reads other tenants\' items. Make the TenantAccess in the app that defines the table, or grant the table only',
      );
    }
  }
}

/** The indexes to grant and the attributes tenants may not write, by the rule in the class's doc comment. */
function indexGrants(schema: TableKeySchema, props: TenantAccessProps, write: boolean): { indexes: string[]; protectedAttributes: string[] } {
  const isolating = schema.indexes.filter(index => index.kind === 'LOCAL' || isKeyedBy(index, [schema.partitionKey]));
  const tenantKeyable = schema.indexes.filter(index => index.kind === 'GLOBAL' && index.partitionKeys.length === 1
    && index.partitionKeys[0] !== schema.partitionKey && !(write && index.partitionKeys[0] === schema.sortKey));
  const allowedNames = (indexes: IndexKeySchema[]) => indexes.length === 0 ? 'none' : indexes.map(index => `'${index.indexName}'`).join(', ');

  const tenantKeyed = (props.tenantKeyedIndexes ?? []).map((name, i) => {
    const index = schema.indexes.find(candidate => candidate.indexName === name);
    if (index === undefined || !tenantKeyable.includes(index)) {
      throw new DynamoDbKitError(
        `tenantKeyedIndexes[${i}] must name a global secondary index of the table whose partition key is one attribute other than ` +
        `the table's partition key '${schema.partitionKey}'${write && schema.sortKey ? ` and sort key '${schema.sortKey}'` : ''}, ` +
        `got '${name}', ${describe(index, schema, write)}; allowed: ${allowedNames(tenantKeyable)}`,
      );
    }
    return index;
  });

  const grantable = [...isolating, ...tenantKeyed];
  const granted = props.indexes === undefined ? grantable : props.indexes.map((name, i) => {
    const index = grantable.find(candidate => candidate.indexName === name);
    if (index === undefined) {
      const found = schema.indexes.find(candidate => candidate.indexName === name);
      throw new DynamoDbKitError(
        `indexes[${i}] must name an index that keeps tenants apart (a local secondary index, a global secondary index partitioned ` +
        `by the table's partition key '${schema.partitionKey}', or one of tenantKeyedIndexes), got '${name}', ${describe(found, schema, write)}; ` +
        `allowed: ${allowedNames(grantable)}`,
      );
    }
    return index;
  });

  return {
    indexes: granted.map(index => index.indexName),
    protectedAttributes: [...new Set(tenantKeyed.flatMap(index => index.partitionKeys))],
  };
}

function isKeyedBy(index: IndexKeySchema, partitionKeys: string[]): boolean {
  return index.kind === 'GLOBAL' && JSON.stringify(index.partitionKeys) === JSON.stringify(partitionKeys);
}

/** Why an index is not acceptable where it was named, for an error message. */
function describe(index: IndexKeySchema | undefined, schema: TableKeySchema, write: boolean): string {
  if (index === undefined) {
    return 'which is not an index of the table';
  }
  if (index.kind === 'LOCAL') {
    return 'a local secondary index, which shares the table\'s partition key and is granted without being declared';
  }
  if (index.partitionKeys.length > 1) {
    // The DynamoDB developer guide documents dynamodb:FirstPartitionKeyValues to FourthPartitionKeyValues
    // for such keys, but AWS's service authorization data attaches them to no action, so an IAM
    // simulator ignores them and no test here could prove a policy that relies on them.
    return `a global secondary index with a multi-attribute partition key (${index.partitionKeys.join(', ')}), which TenantAccess ` +
      'does not grant: the condition keys for such keys (dynamodb:FirstPartitionKeyValues to FourthPartitionKeyValues) cannot be verified';
  }
  const [key] = index.partitionKeys;
  if (key === schema.partitionKey) {
    return `a global secondary index partitioned by the table's partition key '${key}', which is granted without being declared`;
  }
  if (write && key === schema.sortKey) {
    return `a global secondary index partitioned by the table's sort key '${key}', which every write names, so tenants could not write at all`;
  }
  return `a global secondary index partitioned by '${key}', through which a tenant could reach other tenants' items; ` +
    `list it in tenantKeyedIndexes if '${key}' carries the tenant's value, set by a trusted writer`;
}
