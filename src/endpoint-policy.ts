import { Aws, Stack, Token } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';
import { EndpointPolicyBinding, EndpointService } from './private/endpoint-binding';
import { DynamoDbKitError } from './private/errors';
import { RenderedTable } from './private/table-introspection';
import { LoosenedDefault, warnLoosened } from './private/warnings';

// "Characters per VPC endpoint policy: 20,480, including white space" (AWS PrivateLink quotas; not adjustable).
const POLICY_MAX_CHARACTERS = 20_480;
// Worst cases for an estimate that never undercounts: 'aws-us-gov', a 20-character region, a
// 12-digit account and a 255-character table name (the DynamoDB maximum) when none is given.
const ARN_FIXED_CHARACTERS = 'arn:aws-us-gov:dynamodb::123456789012:table/'.length + 20;
const TABLE_NAME_MAX = 255;
// Everything of the policy but the table ARNs, rendered compactly, with room to spare.
const POLICY_BASE_CHARACTERS = 600;

// What a stream reader (KCL, the DynamoDB Streams Kinesis Adapter) calls on a stream ARN.
// ListStreams takes only Resource "*" and is not granted: give readers the stream ARN.
const STREAM_ACTIONS = ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator'];

/**
 * What an `EndpointPolicy` lets through a DynamoDB VPC endpoint.
 */
export enum EndpointPolicyMode {
  /** Principals of this account, on tables of this account. */
  DATA_PERIMETER = 'DATA_PERIMETER',
  /** Principals of this account, on the tables registered with the endpoint. */
  TABLES_ONLY = 'TABLES_ONLY',
  /** No policy: AWS's default, which lets anything through. */
  OPEN = 'OPEN',
}

/**
 * The policy of a DynamoDB VPC endpoint. Made only by its factories.
 *
 * A gateway endpoint carries all DynamoDB traffic of the route tables it is in, so its policy
 * governs every workload in the VPC, not only the tables of this library.
 */
export class EndpointPolicy {
  /**
   * A data perimeter: principals of this account may act on tables of this account, and nothing
   * else passes the endpoint (`aws:PrincipalAccount` and `aws:ResourceAccount`, and table ARNs of
   * this account and region).
   *
   * It stops data leaving for another account's tables and reaching in from another account's
   * principals, without breaking a neighbour's table of the same account. It names no table, so
   * it also works when the VPC lives in another stack than the tables.
   *
   * Actions that take no table ARN (`dynamodb:ListTables`, `dynamodb:DescribeLimits`,
   * `dynamodb:ListBackups`, ...) accept only `Resource: "*"`, and the perimeter grants no `"*"`: they
   * do not pass the endpoint. Call them from outside the VPC.
   */
  public static dataPerimeter(): EndpointPolicy {
    return new EndpointPolicy(EndpointPolicyMode.DATA_PERIMETER);
  }

  /**
   * Only the registered tables and their indexes (or, on a streams endpoint, their streams), for
   * principals of this account.
   *
   * The tables must be in the endpoint's stack: their ARNs in a network stack's endpoint policy
   * would make it depend on the tables' stack, and the tables' stack usually depends on the
   * network. An endpoint policy holds at most 20,480 characters, so the number of tables is
   * bounded (about 30 whose names CloudFormation generates); the library refuses a policy that
   * could exceed it.
   */
  public static tablesOnly(): EndpointPolicy {
    return new EndpointPolicy(EndpointPolicyMode.TABLES_ONLY);
  }

  /**
   * No policy: AWS's default, which lets any principal reach any DynamoDB table, in any account,
   * through the endpoint. An explicit choice, recorded with the warning
   * `DynamoDbChecks::EndpointPolicyIsPerimeter`.
   */
  public static open(): EndpointPolicy {
    return new EndpointPolicy(EndpointPolicyMode.OPEN);
  }

  /**
   * Private, and the class is not abstract: `_bind` is internal, so a subclass written in another
   * jsii language could not implement it. The mode says everything a policy is.
   *
   * @param mode what the policy lets through
   */
  private constructor(public readonly mode: EndpointPolicyMode) {}

  /**
   * The statements for one endpoint, and how a table joins them.
   *
   * @internal
   */
  public _bind(endpoint: IConstruct, service: EndpointService): EndpointPolicyBinding {
    switch (this.mode) {
      case EndpointPolicyMode.DATA_PERIMETER:
        return bindDataPerimeter(service);
      case EndpointPolicyMode.TABLES_ONLY:
        return bindTablesOnly(endpoint, service);
      case EndpointPolicyMode.OPEN:
        warnLoosened(endpoint, LoosenedDefault.OPEN_ENDPOINT_POLICY,
          'The endpoint policy is open (EndpointPolicy.open()): any principal may reach any DynamoDB table, in any account, through it.');
        return { statements: [], addTable: () => undefined };
    }
  }
}

function bindDataPerimeter(service: EndpointService): EndpointPolicyBinding {
  return {
    statements: [new iam.PolicyStatement({
      sid: service === EndpointService.TABLES ? 'TablesOfThisAccount' : 'StreamsOfThisAccount',
      principals: [new iam.AnyPrincipal()],
      actions: service === EndpointService.TABLES ? ['dynamodb:*'] : STREAM_ACTIONS,
      resources: [`arn:${Aws.PARTITION}:dynamodb:${Aws.REGION}:${Aws.ACCOUNT_ID}:table/*`],
      conditions: {
        StringEquals: { 'aws:PrincipalAccount': Aws.ACCOUNT_ID, 'aws:ResourceAccount': Aws.ACCOUNT_ID },
      },
    })],
    addTable: () => undefined,
  };
}

function bindTablesOnly(endpoint: IConstruct, service: EndpointService): EndpointPolicyBinding {
  const statement = new iam.PolicyStatement({
    sid: service === EndpointService.TABLES ? 'RegisteredTables' : 'StreamsOfRegisteredTables',
    principals: [new iam.AnyPrincipal()],
    actions: service === EndpointService.TABLES ? ['dynamodb:*'] : STREAM_ACTIONS,
    conditions: { StringEquals: { 'aws:PrincipalAccount': Aws.ACCOUNT_ID } },
  });
  let estimate = POLICY_BASE_CHARACTERS;
  const tables: string[] = [];
  return {
    statements: [statement],
    addTable: table => {
      if (tables.includes(table.tableArn)) {
        return;
      }
      if (Stack.of(table) !== Stack.of(endpoint)) {
        throw new DynamoDbKitError(
          `EndpointPolicy.tablesOnly() cannot list table ${table.node.path}: it is in stack ${Stack.of(table).node.path}, ` +
          `the endpoint ${endpoint.node.path} in stack ${Stack.of(endpoint).node.path}, and a table ARN in the endpoint's ` +
          'stack would make it depend on the table\'s stack (a cycle when the tables\' stack uses the VPC). Use ' +
          'EndpointPolicy.dataPerimeter(), which names no table, or import the table into the endpoint\'s stack by name',
          endpoint,
        );
      }
      const resources = service === EndpointService.TABLES
        ? [table.tableArn, `${table.tableArn}/index/*`]
        : [`${table.tableArn}/stream/*`];
      const arnLength = ARN_FIXED_CHARACTERS + tableNameLength(table);
      estimate += resources.length * (arnLength + 3) + (service === EndpointService.TABLES ? '/index/*'.length : '/stream/*'.length);
      if (estimate > POLICY_MAX_CHARACTERS) {
        throw new DynamoDbKitError(
          `EndpointPolicy.tablesOnly() of ${endpoint.node.path} could reach ${estimate} characters with ${tables.length + 1} ` +
          `tables (a table name that is not given counts at its maximum, ${TABLE_NAME_MAX} characters); an endpoint policy ` +
          `holds at most ${POLICY_MAX_CHARACTERS.toLocaleString('en-US')}. Give the tables a tableName, or use EndpointPolicy.dataPerimeter()`,
          endpoint,
        );
      }
      tables.push(table.tableArn);
      statement.addResources(...resources);
    },
  };
}

/** The table's name length when it is known at synth, else the DynamoDB maximum. */
function tableNameLength(table: dynamodb.ITable): number {
  if (!Token.isUnresolved(table.tableName)) {
    return table.tableName.length;
  }
  return RenderedTable.of(table)?.literalTableName()?.length ?? TABLE_NAME_MAX;
}
