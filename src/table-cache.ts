import { Aspects, Names, Stack, Token, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as dax from 'aws-cdk-lib/aws-dax';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct, IConstruct } from 'constructs';
import { AlarmActions } from './alarm-actions';
import { ONE_MINUTE, productAlarm } from './private/alarm';
import { DynamoDbKitError, refusedAt } from './private/errors';
import { RenderedTable } from './private/table-introspection';
import { Kinds, required, tableCacheSpec, validateConstructInput, validateKind, validateRange } from './private/validation';
import { LoosenedDefault, warnLoosened } from './private/warnings';
import { TenantAccess } from './tenant-access';

// DAX developer guide, "Step 4: Configure security group inbound rules": "port 8111 for
// unencrypted clusters or port 9111 for encrypted clusters".
const TLS_PORT = 9111;
// DAX developer guide, "DAX cluster components": "up to 11 nodes per cluster (the primary node plus
// a maximum of 10 read replicas)", and "Three nodes are required for a DAX cluster to be
// fault-tolerant", each in a different Availability Zone. CT.DAX.PR.2 checks three distinct zones.
const MAX_NODES = 11;
const FAULT_TOLERANT_NODES = 3;
// The smallest memory-optimised node: fixed performance, no CPU credits to run out of (DAX developer
// guide, "DAX T3/T2 burstable instances").
const DEFAULT_NODE_TYPE = 'dax.r5.large';
const NODE_TYPE = /^dax\.[a-z0-9]+\.[a-z0-9]+$/;

// The IAM actions of DAX's data plane (Service Authorization Reference, "Actions, resources, and
// condition keys for Amazon DynamoDB Accelerator (DAX)"); transactions through DAX are authorized
// by these same actions, with dax:EnclosingOperation naming the transaction.
const CACHE_READ_ACTIONS = ['dax:GetItem', 'dax:BatchGetItem', 'dax:Query', 'dax:Scan', 'dax:ConditionCheckItem'];
const CACHE_WRITE_ACTIONS = ['dax:PutItem', 'dax:UpdateItem', 'dax:DeleteItem', 'dax:BatchWriteItem'];

// What the cluster's service role needs (DAX developer guide, "DAX access control", "IAM service
// role for DAX"): DescribeTable to keep the table's metadata, the rest to read and write items.
const TABLE_ITEM_ACTIONS = [
  'dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:Scan', 'dynamodb:ConditionCheckItem',
  'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem',
];
// Indexes are only queried and scanned.
const INDEX_ACTIONS = ['dynamodb:Query', 'dynamodb:Scan'];
// As aws-cdk-lib's grantReadWriteData does for a table with a customer-managed key.
const KEY_ACTIONS = ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:ReEncryptFrom', 'kms:ReEncryptTo'];

/**
 * Properties of `TableCache`.
 */
export interface TableCacheProps {
  /**
   * The table to cache: a `Table`, `TableV2` or `ProductionTable` made in this app. Imported
   * tables are refused: the cache reads the table's indexes, and must be able to see that no
   * `TenantAccess` isolates tenants on it, which it cannot for a table defined elsewhere.
   */
  readonly table: dynamodb.ITable;

  /**
   * The VPC the cluster's nodes are placed in; clients reach the cache from inside it.
   */
  readonly vpc: ec2.IVpc;

  /**
   * The subnets of the cluster's subnet group. They must not be public, and must span as many
   * Availability Zones as the cluster has nodes, up to three.
   *
   * @default - the VPC's private subnets, or its isolated subnets when it has no private ones
   */
  readonly subnets?: ec2.SubnetSelection;

  /**
   * The node type, `dax.<family>.<size>`. `dax.r3.*` is refused: it cannot encrypt at rest.
   * Size the cache with the DAX sizing guide; the node type cannot be changed on a running cluster,
   * so a new one replaces the cluster.
   *
   * @default 'dax.r5.large' - the smallest memory-optimised node: fixed performance, without the
   * CPU credits of the burstable T types, which suit test and development
   */
  readonly nodeType?: string;

  /**
   * The number of nodes, 1 to 11: a primary and read replicas. Fewer than three is not fault
   * tolerant, fails Control Tower's CT.DAX.PR.2, and records the warning
   * `DynamoDbChecks::CacheFaultTolerant`.
   *
   * @default 3 - the fewest nodes that make a DAX cluster fault tolerant, one in each of three Availability Zones
   */
  readonly replicationFactor?: number;

  /**
   * The Availability Zones to place the nodes in, each listed once; the nodes are spread over them
   * in turn. Each must hold a selected subnet.
   *
   * @default - the Availability Zones of the selected subnets, in order
   */
  readonly availabilityZones?: string[];

  /**
   * Who is told when the cache runs hot, runs out of memory, throttles or fails.
   * `AlarmActions.none()` creates no alarms and records the warning `DynamoDbChecks::AlarmsNotify`.
   *
   * @default AlarmActions.stackTopic() - the stack's encrypted alarm topic, like the table's alarms
   */
  readonly alarmActions?: AlarmActions;

  /**
   * The CPU utilization of the busiest node, in percent, that raises the CPU alarm when it lasts
   * five minutes.
   *
   * @default 70 - room to add replicas (reads) or move to a larger node type (writes and misses,
   * which the primary serves) before clients wait
   */
  readonly cpuUtilizationPercent?: number;

  /**
   * The cache memory utilization of the fullest node, in percent, that raises the memory alarm
   * when it lasts five minutes.
   *
   * @default 90 - DAX evicts before memory is full, and throttles writes when a node reaches 100 %
   */
  readonly cacheMemoryUtilizationPercent?: number;
}

/**
 * A DynamoDB Accelerator (DAX) cluster in front of a table: an in-memory, write-through cache that
 * answers eventually consistent reads (`GetItem`, `BatchGetItem`, `Query`, `Scan`) in
 * microseconds. Clients use a DAX client, inside the VPC.
 *
 * - Encrypted at rest and in transit (TLS, port 9111). DAX encrypts at rest with its own AWS
 *   managed key, never with the table's customer-managed key: DAX supports no customer-managed key.
 * - Three nodes by default, one per Availability Zone, listed explicitly.
 * - A security group that admits nobody until you allow clients in:
 *   `cache.connections.allowDefaultPortFrom(client)`.
 * - The cluster's service role may reach only this table and its indexes, with a customer-managed
 *   policy. DAX calls DynamoDB with that role, so a table restricted to a VPC endpoint
 *   (`restrictTableToEndpoint`) must exempt it: `exemptRoles: [cache.role]`, since the role's
 *   requests do not come through your endpoint and are not marked as made by an AWS service for you.
 * - Clients are granted use of the cluster with `grantReadData` / `grantReadWriteData`.
 * - Alarms on CPU, cache memory, throttled requests and faults.
 *
 * What DAX does not do:
 * - It does not enforce per-user separation: whoever may use the cluster reaches what its role
 *   reaches, so fine-grained conditions such as `dynamodb:LeadingKeys` are bypassed. A table with
 *   `TenantAccess` is refused at synth.
 * - Writes do not invalidate the query cache: a `Query` or `Scan` answered from the cache returns
 *   the same result until its TTL (5 minutes by default) expires, even after a write through DAX.
 * - Strongly consistent reads and transactional reads are passed to DynamoDB and not cached.
 *
 * @example
 * import { TableCache } from 'cdk-dynamodb-kit';
 *
 * declare const table: ProductionTable;
 * declare const vpc: ec2.IVpc;
 * declare const api: lambda.Function;
 * const cache = new TableCache(this, 'Cache', { table, vpc });
 * cache.connections.allowDefaultPortFrom(api);
 * cache.grantReadData(api.role!);
 */
export class TableCache extends Construct implements ec2.IConnectable {
  /** The cached table. */
  public readonly table: dynamodb.ITable;
  /** The DAX cluster (the L1: aws-cdk-lib has no L2 for DAX). */
  public readonly cluster: dax.CfnCluster;
  /** The cluster's ARN, the resource of `dax:` grants. */
  public readonly clusterArn: string;
  /** The cluster's discovery endpoint URL, for DAX clients. */
  public readonly endpointUrl: string;
  /**
   * The service role DAX assumes to reach the table. List it in `exemptRoles` of
   * `restrictTableToEndpoint`.
   */
  public readonly role: iam.IRole;
  /** The customer-managed policy of the service role. */
  public readonly policy: iam.ManagedPolicy;
  /** The cluster's security group: no ingress until clients are allowed in. */
  public readonly securityGroup: ec2.ISecurityGroup;
  /** The cluster's network connections, with the TLS port as the default port. */
  public readonly connections: ec2.Connections;
  /** The Availability Zone of each node, in order. */
  public readonly availabilityZones: string[];
  /** The cache's alarms; empty when `alarmActions` is `AlarmActions.none()`. */
  public readonly alarms: cloudwatch.Alarm[];

  private readonly grants = new Map<iam.IRole, { policy: iam.ManagedPolicy; statement: iam.PolicyStatement }>();

  constructor(scope: Construct, id: string, props: TableCacheProps) {
    validateConstructInput(scope, id, props, tableCacheSpec());
    super(scope, id);
    const replicationFactor = refusedAt(this, () => validateProps(props));
    if (!RenderedTable.of(props.table)) {
      throw new DynamoDbKitError(
        `TableCache ${this.node.path} cannot cache table ${props.table.node.path}: it is imported. TableCache needs a Table or ` +
        'TableV2 made in this app, to read its indexes and to make sure no TenantAccess isolates tenants on it (DAX would ' +
        'bypass that isolation). Make the cache in the app that defines the table',
      );
    }
    this.table = props.table;

    const subnets = this.selectSubnets(props);
    this.availabilityZones = this.placeNodes(props, subnets, replicationFactor);

    const role = new iam.Role(this, 'ServiceRole', {
      assumedBy: new iam.ServicePrincipal('dax.amazonaws.com'),
      description: `DAX cluster ${this.node.path} reads and writes table ${props.table.node.path} with this role`,
    });
    this.role = role;
    this.policy = this.createServicePolicy(role);

    const securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: `DAX cluster ${this.node.path}: TLS on port ${TLS_PORT} from the clients allowed in`,
      // Security groups are stateful: answers to clients need no egress rule.
      allowAllOutbound: false,
    });
    this.securityGroup = securityGroup;
    this.connections = new ec2.Connections({ securityGroups: [securityGroup], defaultPort: ec2.Port.tcp(TLS_PORT) });

    const subnetGroup = new dax.CfnSubnetGroup(this, 'SubnetGroup', {
      description: `Subnets of DAX cluster ${this.node.path}`,
      subnetIds: subnets.subnetIds,
    });

    this.cluster = new dax.CfnCluster(this, 'Cluster', {
      description: `Cache of table ${props.table.node.path}`,
      iamRoleArn: role.roleArn,
      nodeType: props.nodeType ?? DEFAULT_NODE_TYPE,
      replicationFactor,
      availabilityZones: this.availabilityZones,
      subnetGroupName: subnetGroup.ref,
      securityGroupIds: [securityGroup.securityGroupId],
      // Neither can be turned on later: a cluster is made with them or replaced.
      sseSpecification: { sseEnabled: true },
      clusterEndpointEncryptionType: 'TLS',
    });
    // DAX uses the role as soon as the cluster exists.
    this.cluster.node.addDependency(this.policy);
    // aws-cdk-lib's built-in cfn-lint (2.269+) warns on literal zones, and `cdk synth --strict` stops on it.
    Validations.of(this.cluster).acknowledge({
      id: 'CloudFormation-Validate::W3010',
      reason: 'Control Tower CT.DAX.PR.2 requires the cluster to list its Availability Zones; they are those of the selected subnets.',
    });
    if (replicationFactor < FAULT_TOLERANT_NODES) {
      warnLoosened(this, LoosenedDefault.CACHE_NOT_FAULT_TOLERANT,
        `replicationFactor is ${replicationFactor}: AWS does not recommend fewer than ${FAULT_TOLERANT_NODES} nodes in production, ` +
        'as a one- or two-node DAX cluster is not fault tolerant and can become unavailable or lose cached data. ' +
        'Control Tower\'s CT.DAX.PR.2 (cdk-validator-cfnguard::dax_cluster_multi_az_check) reports it too.', this.cluster);
    }
    this.clusterArn = this.cluster.attrArn;
    this.endpointUrl = this.cluster.attrClusterDiscoveryEndpointUrl;

    this.alarms = this.createAlarms(props);
    this.node.addValidation({ validate: () => this.tenantIsolationConflicts() });
  }

  /**
   * Let a role use the cluster with the given DAX actions, in a customer-managed policy attached
   * to the role (one per role, shared by every grant to it).
   *
   * @param role the client's role, for example `fn.role!`
   * @param actions DAX actions such as `dax:GetItem`; no wildcards
   */
  public grant(role: iam.IRole, ...actions: string[]): iam.ManagedPolicy {
    validateKind('role', role, required(Kinds.role), this);
    if (actions.length === 0) {
      throw new DynamoDbKitError(`TableCache ${this.node.path}: grant needs at least one action, such as dax:GetItem, got none`);
    }
    actions.forEach((action, index) => {
      if (!/^dax:[A-Za-z]+$/.test(action)) {
        throw new DynamoDbKitError(
          `TableCache ${this.node.path}: actions[${index}] must be a DAX action without wildcards, such as dax:GetItem, got '${action}'`,
        );
      }
    });
    let grant = this.grants.get(role);
    if (!grant) {
      const statement = new iam.PolicyStatement({ sid: 'UseTableCache', resources: [this.clusterArn] });
      const policy = new iam.ManagedPolicy(this, `Grant${Names.nodeUniqueId(role.node)}`, {
        description: `Lets ${role.node.path} use DAX cluster ${this.node.path}`,
        statements: [statement],
        roles: [role],
      });
      grant = { policy, statement };
      this.grants.set(role, grant);
    }
    grant.statement.addActions(...actions.filter(action => !grant!.statement.actions.includes(action)));
    return grant.policy;
  }

  /**
   * Let a role read through the cache: GetItem, BatchGetItem, Query, Scan and ConditionCheckItem.
   */
  public grantReadData(role: iam.IRole): iam.ManagedPolicy {
    return this.grant(role, ...CACHE_READ_ACTIONS);
  }

  /**
   * Let a role read and write through the cache: the read actions, and PutItem, UpdateItem,
   * DeleteItem and BatchWriteItem.
   */
  public grantReadWriteData(role: iam.IRole): iam.ManagedPolicy {
    return this.grant(role, ...CACHE_READ_ACTIONS, ...CACHE_WRITE_ACTIONS);
  }

  private selectSubnets(props: TableCacheProps): ec2.SelectedSubnets {
    const vpc = props.vpc;
    let selection = props.subnets;
    if (selection === undefined) {
      if (vpc.privateSubnets.length === 0 && vpc.isolatedSubnets.length === 0) {
        throw new DynamoDbKitError(
          `TableCache ${this.node.path}: vpc ${vpc.node.path} has no private or isolated subnets, and DAX nodes do not belong in ` +
          'public ones. Add private or isolated subnets, or pass subnets',
        );
      }
      selection = { subnetType: vpc.privateSubnets.length > 0 ? ec2.SubnetType.PRIVATE_WITH_EGRESS : ec2.SubnetType.PRIVATE_ISOLATED };
    }
    const selected = vpc.selectSubnets(selection);
    const publicIds = vpc.publicSubnets.map(subnet => subnet.subnetId);
    const exposed = selected.subnetIds.filter(subnetId => publicIds.includes(subnetId));
    if (exposed.length > 0) {
      throw new DynamoDbKitError(
        `TableCache ${this.node.path}: subnets selects ${exposed.length} public subnet(s) of ${vpc.node.path}; only private or ` +
        'isolated subnets are allowed',
      );
    }
    return selected;
  }

  /** One Availability Zone per node, spread over the zones in turn. */
  private placeNodes(props: TableCacheProps, subnets: ec2.SelectedSubnets, replicationFactor: number): string[] {
    let subnetZones: string[];
    try {
      subnetZones = [...new Set(subnets.subnets.map(subnet => subnet.availabilityZone))];
    } catch {
      throw new DynamoDbKitError(
        `TableCache ${this.node.path}: the selected subnets of ${props.vpc.node.path} have no known Availability Zone, which ` +
        'the cluster must list. Import the subnets with their zones (ec2.Subnet.fromSubnetAttributes)',
      );
    }
    const zones = props.availabilityZones ?? subnetZones;
    props.availabilityZones?.forEach((zone, index) => {
      if (Token.isUnresolved(zone)) {
        return;
      }
      if (props.availabilityZones!.indexOf(zone) !== index) {
        throw new DynamoDbKitError(`availabilityZones must list each zone once, got '${zone}' twice; the nodes are spread over them in turn`);
      }
      if (!subnetZones.some(subnetZone => Token.isUnresolved(subnetZone)) && !subnetZones.includes(zone)) {
        throw new DynamoDbKitError(
          `availabilityZones[${index}] is '${zone}', but the selected subnets of ${props.vpc.node.path} are in ` +
          `${subnetZones.join(', ')}: DAX places each node in a subnet of its zone`,
        );
      }
    });

    const needed = Math.min(replicationFactor, FAULT_TOLERANT_NODES);
    if (props.availabilityZones && props.availabilityZones.length < needed) {
      throw new DynamoDbKitError(
        `availabilityZones must list at least ${needed} zones for replicationFactor ${replicationFactor}, one node in each, ` +
        `got ${props.availabilityZones.length}`,
      );
    }
    if (subnetZones.length < needed) {
      const agnostic = Token.isUnresolved(Stack.of(this).region);
      throw new DynamoDbKitError(
        `TableCache ${this.node.path}: replicationFactor ${replicationFactor} needs subnets in ${needed} Availability Zones, ` +
        `one node in each, but the selected subnets of ${props.vpc.node.path} span ${subnetZones.length}. ` +
        (agnostic
          ? 'The stack is environment-agnostic, and aws-cdk-lib then knows only two Availability Zones, so a VPC made in it spans two: ' +
            'give the stack an account and a region (env) and the VPC maxAzs of 3 or more, or import a VPC whose subnets span three zones. '
          : 'Give the VPC subnets in three or more zones (maxAzs), or select subnets that span them. ') +
        'A one- or two-node cluster for development fits fewer zones (replicationFactor 1 or 2, a warned choice)',
      );
    }
    return Array.from({ length: replicationFactor }, (_, index) => zones[index % zones.length]);
  }

  private createServicePolicy(role: iam.IRole): iam.ManagedPolicy {
    const table = this.table;
    const statements = [
      new iam.PolicyStatement({
        sid: 'DescribeTable',
        actions: ['dynamodb:DescribeTable'],
        resources: [table.tableArn],
      }),
      new iam.PolicyStatement({
        sid: 'ReadAndWriteItems',
        actions: TABLE_ITEM_ACTIONS,
        resources: [table.tableArn],
      }),
    ];
    if (table.encryptionKey) {
      statements.push(new iam.PolicyStatement({
        sid: 'UseTableKeyThroughDynamoDb',
        actions: KEY_ACTIONS,
        resources: [table.encryptionKey.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `dynamodb.${Stack.of(table).region}.amazonaws.com` } },
      }));
    }
    const policy = new iam.ManagedPolicy(this, 'ServiceRolePolicy', {
      description: `Lets DAX cluster ${this.node.path} read and write items of table ${table.node.path} and query its indexes`,
      statements,
      roles: [role],
    });
    // Indexes can be added to the table after the cache is made, so they are named at synth, one
    // ARN each: no index wildcard.
    Aspects.of(this).add({
      visit: (node: IConstruct) => {
        const names = node === this ? RenderedTable.of(table)?.indexNames() ?? [] : [];
        if (names.length > 0) {
          policy.addStatements(new iam.PolicyStatement({
            sid: 'QueryIndexes',
            actions: INDEX_ACTIONS,
            resources: names.map(name => `${table.tableArn}/index/${name}`),
          }));
        }
      },
    });
    return policy;
  }

  private createAlarms(props: TableCacheProps): cloudwatch.Alarm[] {
    const alarmActions = props.alarmActions ?? AlarmActions.stackTopic();
    if (!alarmActions.enabled) {
      warnLoosened(this, LoosenedDefault.ALARMS,
        'alarmActions is AlarmActions.none(): nobody is told when the cache runs hot, runs out of memory, throttles or fails.');
      return [];
    }
    const actions = alarmActions.bind(this);
    const subject = `DAX cluster ${this.node.path} (cache of ${this.table.node.path})`;
    // DAX publishes a metric only when its value is not zero (DAX developer guide, "Viewing DAX
    // metrics and dimensions"): missing data is zero, never a breach.
    const notBreaching = cloudwatch.TreatMissingData.NOT_BREACHING;
    const cpu = props.cpuUtilizationPercent ?? 70;
    const memory = props.cacheMemoryUtilizationPercent ?? 90;

    return [
      productAlarm(this, 'CpuUtilizationAlarm', {
        metric: this.metric('CPUUtilization', cloudwatch.Stats.MAXIMUM),
        threshold: cpu,
        evaluationPeriods: 5,
        treatMissingData: notBreaching,
        description: `${subject}: CPU utilization is above ${cpu} % for five minutes. Add read replicas (IncreaseReplicationFactor) ` +
          'if reads load the nodes; writes and cache misses load the primary, which only a larger node type (a new cluster) relieves.',
      }, actions),
      productAlarm(this, 'CacheMemoryAlarm', {
        metric: this.metric('CacheMemoryUtilization', cloudwatch.Stats.MAXIMUM),
        threshold: memory,
        evaluationPeriods: 5,
        treatMissingData: notBreaching,
        description: `${subject}: cache memory utilization is above ${memory} % for five minutes. DAX is evicting items ` +
          '(EvictedSize) and throttles writes when a node reaches 100 %. Move to a node type with more memory, or shorten the TTLs.',
      }, actions),
      productAlarm(this, 'ThrottledRequestsAlarm', {
        metric: this.metric('ThrottledRequestCount', cloudwatch.Stats.SUM),
        threshold: 1,
        evaluationPeriods: 5,
        datapointsToAlarm: 3,
        treatMissingData: notBreaching,
        description: `${subject}: the cluster throttles requests (DynamoDB's own throttles are in the table's alarms). ` +
          'Check the CPU and memory alarms; add replicas or move to a larger node type.',
      }, actions),
      productAlarm(this, 'FaultsAlarm', {
        metric: this.metric('FaultRequestCount', cloudwatch.Stats.SUM),
        threshold: 1,
        evaluationPeriods: 5,
        datapointsToAlarm: 3,
        treatMissingData: notBreaching,
        description: `${subject}: requests fail with internal errors of DAX. Check the cluster's events and the AWS Health ` +
          'Dashboard; open a support case if they persist.',
      }, actions),
    ];
  }

  /**
   * A cluster-level DAX metric: dimension `ClusterId`, the cluster's name (DAX developer guide,
   * "Viewing DAX metrics and dimensions"). Node IDs are not known at synth, so alarms watch the
   * cluster, with the statistic chosen to show the busiest node.
   */
  private metric(metricName: string, statistic: string): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: 'AWS/DAX',
      metricName,
      dimensionsMap: { ClusterId: this.cluster.ref },
      statistic,
      period: ONE_MINUTE,
    });
  }

  /** Refuses a table that TenantAccess isolates, wherever in the app either was made. */
  private tenantIsolationConflicts(): string[] {
    const tableArn = this.table.tableArn;
    return this.node.root.node.findAll()
      .filter((node): node is TenantAccess => node instanceof TenantAccess)
      .filter(access => JSON.stringify(access.policy.document.toJSON()).includes(tableArn))
      .map(access =>
        `TableCache ${this.node.path} cannot cache table ${this.table.node.path}: TenantAccess ${access.node.path} isolates tenants ` +
        'on it with dynamodb:LeadingKeys, and DAX does not enforce per-user separation. Whoever may use the cluster reaches every ' +
        'item the cluster\'s role reaches, so the isolation would be bypassed (DAX developer guide, "DAX access control"). ' +
        'Serve tenants from the table directly, or cache a table without TenantAccess');
  }
}

function validateProps(props: TableCacheProps): number {
  const replicationFactor = props.replicationFactor ?? FAULT_TOLERANT_NODES;
  if (Token.isUnresolved(replicationFactor)) {
    throw new DynamoDbKitError(
      'replicationFactor must be a number known at synth, since the cluster lists one Availability Zone per node; got a token',
    );
  }
  validateRange('replicationFactor', replicationFactor, 1, MAX_NODES);
  const nodeType = props.nodeType;
  if (nodeType !== undefined && !Token.isUnresolved(nodeType)) {
    if (!NODE_TYPE.test(nodeType)) {
      throw new DynamoDbKitError(`nodeType must be a DAX node type such as dax.r5.large or dax.t3.small, got '${nodeType}'`);
    }
    if (nodeType.startsWith('dax.r3.')) {
      throw new DynamoDbKitError(
        `nodeType ${nodeType} cannot encrypt at rest (DAX developer guide, "DAX encryption at rest"), which the cache requires; ` +
        'use dax.r5.* or dax.t3.*',
      );
    }
  }
  if (props.availabilityZones !== undefined && props.availabilityZones.length === 0) {
    throw new DynamoDbKitError('availabilityZones must list at least one zone, got none; omit it to use the zones of the selected subnets');
  }
  validateRange('cpuUtilizationPercent', props.cpuUtilizationPercent, 1, 100, '%');
  validateRange('cacheMemoryUtilizationPercent', props.cacheMemoryUtilizationPercent, 1, 100, '%');
  return replicationFactor;
}
