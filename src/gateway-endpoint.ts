import { Stack, Token } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct, IConstruct } from 'constructs';
import { EndpointPolicy, EndpointPolicyMode } from './endpoint-policy';
import { EndpointPolicyBinding, EndpointService } from './private/endpoint-binding';
import { DynamoDbKitError } from './private/errors';
import { sharedConstruct } from './private/shared-construct';
import { RenderedTable } from './private/table-introspection';
import {
  arrayOf, gatewayEndpointSpec, instanceOf, Kinds, required, streamsEndpointSpec, validateKind, validateShape,
} from './private/validation';
import { Guidance, warnGuidance } from './private/warnings';

// Fixed id under the VPC: one DynamoDB gateway endpoint per VPC, whichever table asks first.
const ENDPOINT_ID = 'DynamoDbKitEndpoint';

// What restrictTableToEndpoint denies outside the endpoint: the data plane of a table, and the
// two actions that copy its data to where this policy does not reach (an S3 export, a new table).
const DATA_ACTIONS = [
  'dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:Scan',
  'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem', 'dynamodb:ConditionCheckItem',
  'dynamodb:PartiQLSelect', 'dynamodb:PartiQLInsert', 'dynamodb:PartiQLUpdate', 'dynamodb:PartiQLDelete',
  'dynamodb:ExportTableToPointInTime', 'dynamodb:RestoreTableToPointInTime',
];

/**
 * Options of a VPC's DynamoDB gateway endpoint. They are accepted once, when the endpoint is
 * first made: configure it before the first table calls `addVpcEndpoint`.
 */
export interface DynamoDbGatewayEndpointOptions {
  /**
   * The endpoint's policy.
   *
   * @default EndpointPolicy.dataPerimeter() - principals and tables of this account; works for every workload
   * of the VPC and when the VPC is in another stack
   */
  readonly policy?: EndpointPolicy;

  /**
   * The subnets whose route tables get the route to DynamoDB. Each selected subnet must have a
   * known route table: a gateway endpoint is a route.
   *
   * @default - every subnet of the VPC: private, public and isolated
   */
  readonly subnets?: ec2.SubnetSelection[];

  /**
   * A DynamoDB gateway endpoint made outside this app, for an imported VPC that has one already
   * (a second one on the same route tables fails at deploy time). Its policy is managed where it
   * was made, so `policy` and `subnets` cannot be given with it.
   *
   * @default - reuse the DynamoDB gateway endpoint of this VPC in the construct tree, or make one
   */
  readonly existingEndpoint?: ec2.IGatewayVpcEndpoint;
}

/**
 * Options of `restrictTableToEndpoint`.
 */
export interface RestrictTableToEndpointOptions {
  /**
   * Roles that may still reach the table's data from outside the endpoint, by `aws:PrincipalArn`:
   * administrators, a break-glass role, a stream handler outside the VPC that reads or writes
   * items, or the service role of a service that reads the table for you (DAX).
   *
   * @default - none: only requests through the endpoint, and AWS services, reach the data
   */
  readonly exemptRoles?: iam.IRole[];
}

/**
 * Options of the interface endpoint for DynamoDB Streams.
 */
export interface StreamsEndpointOptions {
  /**
   * The endpoint's policy, applied to the streams of the endpoint's tables.
   *
   * @default EndpointPolicy.tablesOnly() - the streams of the tables added to this endpoint
   */
  readonly policy?: EndpointPolicy;

  /**
   * The subnets the endpoint's network interfaces are placed in.
   *
   * @default - the VPC's private subnets, or its isolated subnets when it has no private ones
   */
  readonly subnets?: ec2.SubnetSelection;
}

/**
 * The DynamoDB gateway endpoint of a VPC, with a policy that is a data perimeter by default.
 *
 * There is one per VPC: a second gateway endpoint for DynamoDB on the same route tables fails at
 * deploy time. Tables share it (`table.addVpcEndpoint(vpc)`, or `addTable` for any `ITable`), and
 * when the construct tree already holds a DynamoDB gateway endpoint for the VPC (say, from
 * `vpc.addGatewayEndpoint(...)`), it is reused: the policy's statements are added to its policy.
 * If it had statements of its own, they stay, and an Allow cannot be narrowed by another Allow, so
 * the warning `DynamoDbChecks::EndpointPolicyReviewed` asks for a review.
 *
 * DynamoDB Streams is not reachable through a gateway endpoint; `addStreamsEndpoint` makes the
 * interface endpoint that in-VPC stream readers (KCL applications) need. A Lambda stream consumer
 * needs none: Lambda reads the stream from the service side.
 *
 * @example
 * declare const vpc: ec2.IVpc;
 * declare const orders: dynamodb.ITable;
 * DynamoDbGatewayEndpoint.of(vpc).addTable(orders);
 */
export class DynamoDbGatewayEndpoint extends Construct {
  /**
   * The DynamoDB gateway endpoint of `vpc`, made (or found in the construct tree) on first use.
   *
   * @param options accepted only on the first call for a VPC
   */
  public static of(vpc: ec2.IVpc, options?: DynamoDbGatewayEndpointOptions): DynamoDbGatewayEndpoint {
    validateKind('vpc', vpc, required(Kinds.vpc));
    if (options !== undefined) {
      validateShape('options', options, gatewayEndpointSpec(), (vpc as unknown as Construct).node.path);
    }
    const parent = vpc as unknown as Construct;
    return sharedConstruct(parent, ENDPOINT_ID, DynamoDbGatewayEndpoint,
      () => new DynamoDbGatewayEndpoint(parent, ENDPOINT_ID, vpc, planEndpoint(vpc, options ?? {})),
      options === undefined ? undefined :
        `The DynamoDB gateway endpoint of ${parent.node.path} exists already, so its options cannot be given again: ` +
        'call DynamoDbGatewayEndpoint.of(vpc, options) before the first table calls addVpcEndpoint(vpc)');
  }

  /** The gateway endpoint: made here, found in the construct tree, or the `existingEndpoint`. */
  public readonly endpoint: ec2.IGatewayVpcEndpoint;
  /** The endpoint's policy; undefined for an `existingEndpoint`, whose policy is managed elsewhere. */
  public readonly policy?: EndpointPolicy;
  /** The VPC. */
  public readonly vpc: ec2.IVpc;

  private readonly binding?: EndpointPolicyBinding;
  private readonly tables: dynamodb.ITable[] = [];
  private streams?: { endpoint: ec2.InterfaceVpcEndpoint; binding: EndpointPolicyBinding };

  // Options are checked by planEndpoint() before this runs, so that bad input leaves nothing in the tree.
  private constructor(scope: Construct, id: string, vpc: ec2.IVpc, plan: EndpointPlan) {
    super(scope, id);
    this.vpc = vpc;
    this.policy = plan.policy;

    if (plan.existing) {
      this.endpoint = plan.existing;
      return;
    }
    const policy = plan.policy!;
    if (plan.found) {
      this.binding = policy._bind(plan.found, EndpointService.TABLES);
      this.endpoint = reuse(plan.found, this.binding.statements, this);
    } else {
      const endpoint = new ec2.GatewayVpcEndpoint(this, 'Resource', {
        vpc,
        service: ec2.GatewayVpcEndpointAwsService.DYNAMODB,
        subnets: plan.subnets,
      });
      this.binding = policy._bind(endpoint, EndpointService.TABLES);
      this.binding.statements.forEach(statement => endpoint.addToPolicy(statement));
      this.endpoint = endpoint;
    }

    this.node.addValidation({ validate: () => this.validateEndpoint() });
  }

  /**
   * Register a table: with `EndpointPolicy.tablesOnly()`, the policy lists it and its indexes
   * (and its stream on the streams endpoint). Registering a table twice is harmless.
   */
  public addTable(table: dynamodb.ITable): void {
    validateKind('table', table, required(Kinds.table), this);
    if (this.tables.includes(table)) {
      return;
    }
    this.binding?.addTable(table);
    this.streams?.binding.addTable(table);
    this.tables.push(table);
  }

  /**
   * Deny the table's data to every request that does not come through this endpoint
   * (`aws:SourceVpce`), with a statement in the table's resource policy. The table is registered too.
   *
   * Denied from outside the endpoint: item reads and writes (GetItem, BatchGetItem, Query, Scan,
   * PutItem, UpdateItem, DeleteItem, BatchWriteItem, ConditionCheckItem, PartiQL), and the two
   * actions that copy the data out of the table, `ExportTableToPointInTime` and
   * `RestoreTableToPointInTime` (the restored table carries no resource policy).
   *
   * Who still reaches the table, and why:
   * - the deploying role, administrators and CloudFormation: the control plane (describe, update,
   *   delete, the resource policy itself) is never denied, so nobody is locked out;
   * - AWS Backup's role: it calls `StartAwsBackupJob` and `CreateBackup`, which are not denied;
   * - a stream consumer: it reads the stream, whose resource policy is separate. A handler outside
   *   the VPC that also reads or writes items must be listed in `exemptRoles`;
   * - AWS services acting as themselves or for a principal (`aws:PrincipalIsAWSService`,
   *   `aws:ViaAWSService`). A service that acts with a service role of yours (such as DAX) sends
   *   `aws:ViaAWSService` false, so its role must be listed in `exemptRoles`;
   * - the roles in `exemptRoles`, by `aws:PrincipalArn`.
   *
   * Not covered: stream reads (`GetRecords`), restores from AWS Backup or on-demand backups (they
   * are governed by AWS Backup's permissions and the vault's access policy), and the console's item
   * explorer from outside the VPC, which is denied like any other item request.
   *
   * Tables with replicas are refused: replication is not covered. An endpoint with
   * `EndpointPolicy.tablesOnly()` is refused too: each policy would name the other.
   */
  public restrictTableToEndpoint(table: dynamodb.TableV2, options: RestrictTableToEndpointOptions = {}): void {
    validateKind('table', table, required(instanceOf(dynamodb.TableV2, 'a TableV2 made in this app')), this);
    validateShape('options', options, { exemptRoles: arrayOf(Kinds.role) }, this);
    const replicas = RenderedTable.of(table)?.replicaCount() ?? 1;
    if (replicas > 1) {
      throw new DynamoDbKitError(
        `restrictTableToEndpoint cannot restrict ${table.node.path}: it has ${replicas - 1} replica(s), and the replication ` +
        'of a global table is not covered by the restriction. Restrict a table without replicas',
        this,
      );
    }
    if (this.policy?.mode === EndpointPolicyMode.TABLES_ONLY) {
      throw new DynamoDbKitError(
        `restrictTableToEndpoint cannot restrict ${table.node.path} on an endpoint with EndpointPolicy.tablesOnly(): the endpoint's ` +
        'policy would name the table and the table\'s policy the endpoint, a dependency cycle. Use EndpointPolicy.dataPerimeter()',
        this,
      );
    }
    this.addTable(table);
    const exempt = (options.exemptRoles ?? []).map(role => role.roleArn);
    // Resource "*" is the table itself: a table's resource policy cannot name the table's own ARN in CloudFormation.
    table.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'DataOnlyThroughVpcEndpoint',
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: DATA_ACTIONS,
      resources: ['*'],
      conditions: {
        StringNotEquals: { 'aws:SourceVpce': this.endpoint.vpcEndpointId },
        BoolIfExists: { 'aws:PrincipalIsAWSService': 'false', 'aws:ViaAWSService': 'false' },
        ...(exempt.length > 0 ? { ArnNotLike: { 'aws:PrincipalArn': exempt } } : {}),
      },
    }));
  }

  /**
   * The VPC's interface endpoint for DynamoDB Streams, for stream readers inside the VPC, such as
   * KCL applications: AWS serves DynamoDB Streams through interface endpoints only. A Lambda stream
   * consumer does not need it: Lambda's pollers read the stream from the service side, not through
   * this endpoint. Made on first call. Its security group admits nobody until you allow the readers
   * in: `streamsEndpoint.connections.allowDefaultPortFrom(readers)`.
   *
   * DynamoDB Streams offers no private DNS, so the endpoint has none, and the default
   * `streams.dynamodb.<region>.amazonaws.com` name does not lead to it. Point each reader's DynamoDB
   * Streams client at the endpoint's own DNS name instead, as its endpoint URL:
   * `https://vpce-<id>-<suffix>.streams.dynamodb.<region>.vpce.amazonaws.com`, the first of
   * `vpcEndpointDnsEntries` (each entry is `<hosted zone id>:<dns name>`).
   *
   * @param options accepted only on the first call
   */
  public addStreamsEndpoint(options?: StreamsEndpointOptions): ec2.InterfaceVpcEndpoint {
    if (options !== undefined) {
      validateShape('options', options, streamsEndpointSpec(), this);
    }
    if (this.streams) {
      if (options !== undefined) {
        throw new DynamoDbKitError(
          `The DynamoDB Streams endpoint of ${this.node.path} exists already, so its options cannot be given again`,
          this,
        );
      }
      return this.streams.endpoint;
    }
    // No ingress until readers are allowed in by security group: least privilege, and the
    // EC2 ingress rules of the packs cannot read a CIDR that is a token.
    const securityGroup = new ec2.SecurityGroup(this, 'StreamsEndpointSecurityGroup', {
      vpc: this.vpc,
      description: 'DynamoDB Streams interface endpoint: HTTPS from the stream readers allowed in',
      allowAllOutbound: false,
    });
    const endpoint = new ec2.InterfaceVpcEndpoint(this, 'StreamsEndpoint', {
      vpc: this.vpc,
      service: ec2.InterfaceVpcEndpointAwsService.DYNAMODB_STREAMS,
      subnets: options?.subnets,
      securityGroups: [securityGroup],
      open: false,
      // AWS PrivateLink for DynamoDB Streams does not support private DNS; clients use the endpoint
      // URL directly: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/privatelink-streams.html
      privateDnsEnabled: false,
    });
    const binding = (options?.policy ?? EndpointPolicy.tablesOnly())._bind(endpoint, EndpointService.STREAMS);
    binding.statements.forEach(statement => endpoint.addToPolicy(statement));
    this.tables.forEach(table => binding.addTable(table));
    this.streams = { endpoint, binding };
    this.node.addValidation({ validate: () => this.streams && !this.streams.binding.statements.every(hasResources) ? [NO_TABLES('addStreamsEndpoint')] : [] });
    return endpoint;
  }

  private validateEndpoint(): string[] {
    const errors: string[] = [];
    if (this.binding && !this.binding.statements.every(hasResources)) {
      errors.push(NO_TABLES('DynamoDbGatewayEndpoint'));
    }
    const endpoints = dynamoDbGatewayEndpoints(this.vpc);
    if (endpoints.length > 1) {
      errors.push(
        `The VPC ${(this.vpc as unknown as Construct).node.path} has ${endpoints.length} DynamoDB gateway endpoints ` +
        `(${endpoints.map(e => e.node.path).join(', ')}); a second one on the same route tables fails at deploy time. ` +
        'Make one before the first table calls addVpcEndpoint(vpc), and the library reuses it',
      );
    }
    return errors;
  }
}

/** What the endpoint of a VPC will be: an existing one, one found in the tree, or a new one on these subnets. */
interface EndpointPlan {
  readonly policy?: EndpointPolicy;
  readonly existing?: ec2.IGatewayVpcEndpoint;
  readonly found?: ec2.GatewayVpcEndpoint | ec2.CfnVPCEndpoint;
  readonly subnets?: ec2.SubnetSelection[];
}

/**
 * Checked before the endpoint exists, so that bad input leaves nothing in the tree; the VPC, which
 * the endpoint would be made in, is the construct named in the errors.
 */
function planEndpoint(vpc: ec2.IVpc, options: DynamoDbGatewayEndpointOptions): EndpointPlan {
  const scope = vpc as unknown as Construct;
  if (options.existingEndpoint) {
    refuseWithExisting(scope, options, 'existingEndpoint');
    return { existing: options.existingEndpoint };
  }
  const policy = options.policy ?? EndpointPolicy.dataPerimeter();
  const found = findGatewayEndpoint(vpc);
  if (found) {
    refuseWithExisting(scope, options, `the DynamoDB gateway endpoint ${found.node.path}, which is reused`, true);
    return { policy, found };
  }
  return { policy, subnets: selectRouteTableSubnets(vpc, options.subnets) };
}

const NO_TABLES = (what: string) =>
  `${what} with EndpointPolicy.tablesOnly() lists no table: an empty policy would fall back to AWS's full-access default. ` +
  'Add a table with addTable(table) or table.addVpcEndpoint(vpc), or use EndpointPolicy.dataPerimeter()';

function hasResources(statement: iam.PolicyStatement): boolean {
  return statement.hasResource;
}

/** The subnets of the selection, each of which must have a known route table. */
function selectRouteTableSubnets(vpc: ec2.IVpc, selections: ec2.SubnetSelection[] | undefined): ec2.SubnetSelection[] {
  const scope = vpc as unknown as Construct;
  const subnets = selections
    ? selections.flatMap(selection => vpc.selectSubnets(selection).subnets)
    : [...vpc.privateSubnets, ...vpc.publicSubnets, ...vpc.isolatedSubnets];
  const property = selections ? 'subnets' : 'subnets (default: every subnet of the VPC)';
  if (subnets.length === 0) {
    throw new DynamoDbKitError(`${property} selects no subnet of ${scope.node.path}: a gateway endpoint needs route tables to add its route to`, scope);
  }
  const withoutRouteTable = subnets.filter(subnet => subnet.routeTable?.routeTableId === undefined);
  if (withoutRouteTable.length > 0) {
    throw new DynamoDbKitError(
      `${property} selects ${withoutRouteTable.length} subnet(s) without a known route table ` +
      `(${withoutRouteTable.map(subnet => subnet.subnetId).join(', ')}): a gateway endpoint is a route in a route table. ` +
      'For an imported VPC, give the route table IDs (privateSubnetRouteTableIds, isolatedSubnetRouteTableIds, ...) ' +
      'to Vpc.fromVpcAttributes, or select subnets that have them',
      scope,
    );
  }
  return [{ subnets }];
}

function refuseWithExisting(scope: IConstruct, options: DynamoDbGatewayEndpointOptions, what: string, policyAllowed = false): void {
  if (!policyAllowed && options.policy) {
    throw new DynamoDbKitError(`policy cannot be given with ${what}: its policy is managed where it was made`, scope);
  }
  if (options.subnets) {
    throw new DynamoDbKitError(`subnets cannot be given with ${what}: its route tables are set where it was made`, scope);
  }
}

/** DynamoDB gateway endpoints of the VPC, found among the L1 resources of the VPC's stack. */
function dynamoDbGatewayEndpoints(vpc: ec2.IVpc): ec2.CfnVPCEndpoint[] {
  const stack = Stack.of(vpc);
  const vpcId = JSON.stringify(stack.resolve(vpc.vpcId));
  return stack.node.findAll()
    .filter((c): c is ec2.CfnVPCEndpoint => c instanceof ec2.CfnVPCEndpoint)
    .filter(cfn => typeof cfn.serviceName === 'string' && cfn.serviceName.endsWith('.dynamodb'))
    .filter(cfn => cfn.vpcEndpointType === undefined || cfn.vpcEndpointType === ec2.VpcEndpointType.GATEWAY)
    .filter(cfn => JSON.stringify(stack.resolve(cfn.vpcId)) === vpcId);
}

/** The DynamoDB gateway endpoint of the VPC already in the tree: its L2 when it has one, else its L1. */
function findGatewayEndpoint(vpc: ec2.IVpc): ec2.GatewayVpcEndpoint | ec2.CfnVPCEndpoint | undefined {
  const [cfn] = dynamoDbGatewayEndpoints(vpc);
  if (cfn === undefined) {
    return undefined;
  }
  const parent = cfn.node.scope;
  return parent instanceof ec2.GatewayVpcEndpoint && parent.node.defaultChild === cfn ? parent : cfn;
}

/**
 * Adds the statements to the policy of an endpoint found in the tree. Its own statements stay:
 * with none (AWS's full-access default), the result is exactly the chosen policy.
 */
function reuse(found: ec2.GatewayVpcEndpoint | ec2.CfnVPCEndpoint, statements: iam.PolicyStatement[], scope: Construct): ec2.IGatewayVpcEndpoint {
  let existingStatements: number;
  let endpoint: ec2.IGatewayVpcEndpoint;
  if (found instanceof ec2.GatewayVpcEndpoint) {
    // VpcEndpoint keeps its policy document protected; reading its size is all that is needed.
    existingStatements = (found as unknown as { policyDocument?: iam.PolicyDocument }).policyDocument?.statementCount ?? 0;
    statements.forEach(statement => found.addToPolicy(statement));
    endpoint = found;
  } else {
    const current = found.policyDocument;
    let document: iam.PolicyDocument;
    if (current === undefined) {
      document = new iam.PolicyDocument();
    } else if (current instanceof iam.PolicyDocument) {
      document = current;
    } else if (!Token.isUnresolved(current)) {
      document = iam.PolicyDocument.fromJson(current);
    } else {
      throw new DynamoDbKitError(
        `The policy of the DynamoDB gateway endpoint ${found.node.path} is a token, so the endpoint policy cannot be added to it: ` +
        'give it a PolicyDocument, or pass the endpoint as existingEndpoint and manage its policy yourself',
        scope,
      );
    }
    existingStatements = document.statementCount;
    document.addStatements(...statements);
    if (statements.length > 0) {
      found.policyDocument = document;
    }
    endpoint = ec2.GatewayVpcEndpoint.fromGatewayVpcEndpointId(scope, 'Reused', found.ref);
  }
  if (existingStatements > 0 && statements.length > 0) {
    warnGuidance(found, Guidance.REUSED_ENDPOINT_POLICY,
      `This DynamoDB gateway endpoint is reused by ${scope.node.path}, and its policy already had ${existingStatements} ` +
      'statement(s). The endpoint policy\'s statements were added; Allow statements add up, so a broader existing one still ' +
      'allows what the endpoint policy would refuse. Review them.');
  }
  return endpoint;
}
