import { CfnResource, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { Workload } from './capacity-planner';
import { HardenedKey } from './encryption-key';
import { DynamoDbGatewayEndpoint } from './gateway-endpoint';
import { DynamoDbKitError, refusedAt } from './private/errors';
import { checkLocalIndexAllowed, checkMrsc, checkReplicaAddedLater, checkReplicasHaveRegion } from './private/global-table-validation';
import { annotateCapacityPlan } from './private/plan-summary';
import { regionAgnosticEncryption } from './private/region-agnostic-encryption';
import { KEY_PENDING_WINDOW_DAYS } from './private/removal';
import { KeyUse, ReplicaKeys } from './private/replica-keys';
import { checkProvisionedCapacity, validateGlobalIndex, validateLocalIndex, validateReplica, validateTableProps } from './private/table-validation';
import {
  globalIndexSpec, Kinds, localIndexSpec, productionTableSpec, replicaSpec, required, validateConstructId, validateConstructInput, validateKind,
  validateShape,
} from './private/validation';
import { LoosenedDefault, warnLoosened } from './private/warnings';
import { StreamConsumer, StreamConsumerOptions } from './stream-consumer';
import { TableAlarms, TableAlarmsOptions } from './table-alarms';
import { TableBackup } from './table-backup';

/** The longest point-in-time recovery window DynamoDB keeps, in days. */
const PITR_MAX_DAYS = 35;

/**
 * Properties of a `ProductionTable`: every `TablePropsV2` property, with production defaults.
 *
 * Where a property is not given, a ProductionTable uses:
 * - `encryption`: a new customer-managed KMS key with rotation, retained, that only AWS services
 *   may create grants on (see `HardenedKey`); for each replica, such a key in the replica's region,
 *   in a `ReplicaKeyStack` that the table adds to its app;
 * - `pointInTimeRecoverySpecification`: enabled, with the 35-day maximum window;
 * - `deletionProtection`: true; `removalPolicy`: RETAIN;
 * - `billing`: on demand;
 * - `dynamoStream`: NEW_AND_OLD_IMAGES, so stream consumers can be added at any time;
 * - `contributorInsightsSpecification`: enabled in THROTTLED_KEYS mode, which costs less than
 *   ACCESSED_AND_THROTTLED_KEYS and is enough to name the keys behind a throttle;
 * - `backup`: the stack's AWS Backup plan; `alarms`: every alarm, to the stack's alarm topic.
 *
 * Loosening a safety default (no PITR, no deletion protection, DESTROY, an AWS-owned or AWS-managed
 * key, no contributor insights, no backup, no alarms, fixed capacity) is allowed and leaves a
 * warning with a stable id.
 *
 * `removalPolicy: RemovalPolicy.DESTROY` is the one setting for a removable dev stack, one finding
 * (`DynamoDbChecks::TableRetained`). It also turns deletion protection off, deletes the table's key
 * with the stack (after KMS's shortest waiting period, 7 days) and its stream consumers' failure
 * queues, and leaves the table out of AWS Backup (point-in-time recovery stays). When every table
 * of the stack is DESTROY, the stack's alarm-topic key and dead-letter queue and its failure-queue
 * key are deleted with it too. `deletionProtection`, `backup` and `encryption` given explicitly win.
 */
export interface ProductionTableProps extends dynamodb.TablePropsV2 {
  /**
   * Whether the table joins its stack's AWS Backup plan (`TableBackup`): a daily backup kept 35
   * days in an encrypted, retained vault.
   *
   * @default - true, unless `removalPolicy` is DESTROY: DynamoDbChecks and the HIPAA, NIST and PCI
   * packs require a backup plan, and a removable table has none, because a vault that holds a
   * recovery point cannot be deleted
   */
  readonly backup?: boolean;

  /**
   * The table's alarms: throttles by cause (hot key, capacity, on-demand maximum, account quota)
   * on the table and every GSI, consumption near the capacity ceiling, system errors and
   * replication latency. See `TableAlarms`.
   *
   * @default - every alarm, notifying the stack's `AlarmTopic`
   */
  readonly alarms?: TableAlarmsOptions;

  /**
   * The traffic the table expects. The table then records, as an info annotation, the billing
   * mode `CapacityPlanner` recommends, the capacity units and the monthly cost of each mode. It
   * does not change `billing`: pass `CapacityPlanner.forWorkload(workload).billing` for that.
   *
   * @default - no capacity plan
   */
  readonly workload?: Workload;
}

/**
 * A DynamoDB `TableV2` with its production envelope: a customer-managed key, point-in-time
 * recovery, deletion protection, AWS Backup, a stream, contributor insights and alarms that say why
 * the table throttles, all on by default.
 *
 * It is a `TableV2`: grants, metrics and event sources work on it. Replacing
 * `new TableV2(scope, 'Orders', props)` with `new ProductionTable(scope, 'Orders', props)` keeps the
 * table's logical ID, so an existing stack migrates without replacing its table.
 *
 * @example
 * new ProductionTable(this, 'Orders', {
 *   partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
 *   sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
 * });
 */
export class ProductionTable extends dynamodb.TableV2 {
  /** The stack's backup plan that this table belongs to, unless `backup` is false. */
  public readonly backup?: TableBackup;

  /** The table's alarms: none when `alarms.alarmActions` is `AlarmActions.none()`. */
  public readonly alarms: TableAlarms;

  private readonly tablePartitionKey: string;
  private readonly fixedCapacityWarned = new Set<string>();
  private readonly tableProps: ProductionTableProps;
  /** Set after super(): TableV2's constructor calls addReplica() for props.replicas before it is. */
  private readonly globalKeys: ReplicaKeys;
  private readonly replicaViews = new Map<string, dynamodb.ITableV2>();

  constructor(scope: Construct, id: string, props: ProductionTableProps) {
    validateConstructInput(scope, id, props, productionTableSpec());
    refusedAt(`${scope.node.path}/${id}`, () => validateTableProps(props));
    checkReplicasHaveRegion(scope, props.replicas?.length ?? 0);
    const encryption: DefaultEncryption = props.encryption ? { encryption: props.encryption } : defaultEncryption(scope, id, props.removalPolicy);
    super(scope, id, withDefaults(props, encryption.encryption));
    this.tablePartitionKey = props.partitionKey.name;
    this.tableProps = props;
    checkMrsc(this, props);
    // Keys are made once TableV2 has accepted the replicas, so that its own messages come first.
    this.globalKeys = new ReplicaKeys(this, props.encryption ?? encryption.encryption, encryption.replicaKeyArns);
    for (const replica of props.replicas ?? []) {
      this.globalKeys.add(replica.region);
    }

    this.warnOnFixedCapacity();
    warnOnLoosenedDefaults(this, props);
    if (props.backup ?? !removable(props)) {
      this.backup = TableBackup.of(this);
      this.backup.addTable(this);
    }
    this.alarms = new TableAlarms(this, 'Alarms', { ...props.alarms, table: this });
    if (props.workload) {
      annotateCapacityPlan(this, props.workload, this.alarms);
    }
  }

  /**
   * Add a replica in another region. It gets the table's defaults (point-in-time recovery,
   * deletion protection, contributor insights) unless `props` overrides them, a customer-managed key
   * in its region when the library chose the table's encryption (in that region's
   * `ReplicaKeyStack`), and a replication-latency alarm.
   */
  public addReplica(props: dynamodb.ReplicaTableProps): void {
    validateShape('replica', props, replicaSpec(), this);
    refusedAt(this, () => validateReplica(props));
    const constructed = this.globalKeys !== undefined;
    if (constructed) {
      checkReplicasHaveRegion(this, 1);
      checkReplicaAddedLater(this, this.tableProps, props.region);
    }
    super.addReplica(constructed ? withSpecifiedInsights(props, this.tableProps) : props);
    warnOnLoosenedReplica(this, props);
    if (constructed) {
      this.globalKeys.add(props.region);
      // Now rather than at synth: the replica's alarm stack, if any, is a stack of the app.
      this.alarms.addReplica(props.region);
    }
  }

  /**
   * The replica in `region`, as an imported table whose `encryptionKey` is the replica's key.
   *
   * Its grants name that key by its ARN, also for a principal of a stack in the replica's region.
   * Asked again for the same region, it returns the same table (TableV2 would import it twice,
   * under one construct id, and fail).
   */
  public replica(region: string): dynamodb.ITableV2 {
    validateKind('region', region, required(Kinds.string), this);
    let view = this.replicaViews.get(region);
    if (view === undefined) {
      view = this.globalKeys.withKey(region, super.replica(region));
      this.replicaViews.set(region, view);
    }
    return view;
  }

  /**
   * Grant `actions` on the table's key and on every replica's key: IAM authorizes KMS by the key's
   * ARN, and a replica's key is another key in another region.
   */
  public grantOnKey(grantee: iam.IGrantable, ...actions: string[]): iam.GrantOnKeyResult {
    const result = super.grantOnKey(grantee, ...actions);
    this.globalKeys?.grant(grantee, actions);
    return result;
  }

  /** Read data from the table and its indexes, with the table's and every replica's key. */
  public grantReadData(grantee: iam.IGrantable): iam.Grant {
    return this.globalKeys.extend(grantee, KeyUse.READ, super.grantReadData(grantee));
  }

  /** Write data to the table and its indexes, with the table's and every replica's key. */
  public grantWriteData(grantee: iam.IGrantable): iam.Grant {
    return this.globalKeys.extend(grantee, KeyUse.READ_WRITE, super.grantWriteData(grantee));
  }

  /** Read and write data, with the table's and every replica's key. */
  public grantReadWriteData(grantee: iam.IGrantable): iam.Grant {
    return this.globalKeys.extend(grantee, KeyUse.READ_WRITE, super.grantReadWriteData(grantee));
  }

  /** Every DynamoDB action on the table, with the table's and every replica's key. */
  public grantFullAccess(grantee: iam.IGrantable): iam.Grant {
    return this.globalKeys.extend(grantee, KeyUse.READ_WRITE, super.grantFullAccess(grantee));
  }

  /** Read the table's stream, with the table's and every replica's key. */
  public grantStreamRead(grantee: iam.IGrantable): iam.Grant {
    return this.globalKeys.extend(grantee, KeyUse.READ, super.grantStreamRead(grantee));
  }

  /**
   * Add a global secondary index, validated like the ones given in the props.
   */
  public addGlobalSecondaryIndex(props: dynamodb.GlobalSecondaryIndexPropsV2): void {
    validateShape('index', props, globalIndexSpec(), this);
    refusedAt(this, () => validateGlobalIndex(props));
    super.addGlobalSecondaryIndex(props);
    // While super() runs, the constructor checks capacity once all the props indexes are in. The
    // alarms read the index from the table themselves.
    if (this.tablePartitionKey !== undefined) {
      this.warnOnFixedCapacity();
    }
  }

  /**
   * Add a local secondary index, validated like the ones given in the props.
   */
  public addLocalSecondaryIndex(props: dynamodb.LocalSecondaryIndexProps): void {
    validateShape('index', props, localIndexSpec(), this);
    refusedAt(this, () => validateLocalIndex(props, this.tablePartitionKey));
    // While super() runs, the props' indexes are checked by checkMrsc() once the table exists.
    if (this.tableProps !== undefined) {
      checkLocalIndexAllowed(this, this.tableProps, props.indexName);
    }
    super.addLocalSecondaryIndex(props);
  }

  /**
   * Wire the table's stream to a Lambda function, with bounded retries, an alarmed failure queue
   * and the handler's permissions in a customer-managed policy. See `StreamConsumer`.
   *
   * When the handler is in another stack, the consumer is made in the handler's stack, with the id
   * `<table's stack id><table id><id>`: its resources refer to the table, as the handler's grants do,
   * so the handler's stack depends on the table's and never the other way round.
   *
   * @param id the consumer's construct id, under the table (or in the handler's stack)
   */
  public addStreamConsumer(id: string, options: StreamConsumerOptions): StreamConsumer {
    validateConstructId(this, id);
    validateShape('options', options, {}, this);
    // A handler in another stack (the common data stack / service stack layout) already depends on
    // this table's stack through its grants: the consumer's mapping, queue and alarms go into the
    // handler's stack, so that the dependency keeps one direction.
    const handlerStack = options.handler?.node ? Stack.of(options.handler) : Stack.of(this);
    if (handlerStack !== Stack.of(this)) {
      return new StreamConsumer(handlerStack, `${Stack.of(this).node.id}${this.node.id}${id}`, { ...options, table: this });
    }
    return new StreamConsumer(this, id, { ...options, table: this });
  }

  /**
   * Reach the table from `vpc` through the VPC's one DynamoDB gateway endpoint, made on first use
   * (or found in the construct tree) and shared by every table. Its policy is a data perimeter
   * unless configured otherwise with `DynamoDbGatewayEndpoint.of(vpc, options)` before the first
   * table. See `DynamoDbGatewayEndpoint`.
   */
  public addVpcEndpoint(vpc: ec2.IVpc): ec2.IGatewayVpcEndpoint {
    validateKind('vpc', vpc, required(Kinds.vpc), this);
    const endpoint = DynamoDbGatewayEndpoint.of(vpc);
    endpoint.addTable(this);
    return endpoint.endpoint;
  }

  private warnOnFixedCapacity(): void {
    for (const where of refusedAt(this, () => checkProvisionedCapacity(this))) {
      if (!this.fixedCapacityWarned.has(where)) {
        this.fixedCapacityWarned.add(where);
        warnLoosened(this, LoosenedDefault.FIXED_CAPACITY,
          `${where} is fixed: it cannot grow with traffic, so a peak throttles. Use Capacity.autoscaled().`, tableResource(this));
      }
    }
  }
}

function withDefaults(props: ProductionTableProps, encryption: dynamodb.TableEncryptionV2): dynamodb.TablePropsV2 {
  const { backup: _backup, alarms: _alarms, workload: _workload, ...tableProps } = props;
  return {
    ...tableProps,
    replicas: props.replicas?.map(replica => withSpecifiedInsights(replica, props)),
    billing: props.billing ?? dynamodb.Billing.onDemand(),
    encryption: regionAgnosticEncryption(encryption),
    pointInTimeRecoverySpecification: props.pointInTimeRecoverySpecification
      ?? (props.pointInTimeRecovery === undefined
        ? { pointInTimeRecoveryEnabled: true, recoveryPeriodInDays: PITR_MAX_DAYS }
        : undefined),
    deletionProtection: props.deletionProtection ?? !removable(props),
    removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    dynamoStream: props.dynamoStream ?? dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
    contributorInsightsSpecification: props.contributorInsightsSpecification
      ?? (props.contributorInsights === undefined
        ? { enabled: true, mode: dynamodb.ContributorInsightsMode.THROTTLED_KEYS }
        : undefined),
  };
}

/**
 * A replica's (or its indexes') deprecated `contributorInsights` boolean, as the equal
 * `contributorInsightsSpecification`, when the table has a specification (the default's, or the
 * user's). aws-cdk-lib refuses a replica that mixes its boolean with the table's specification
 * ("ContributorInsightsConflict"), which TableV2 without the library's default accepts.
 */
function withSpecifiedInsights(replica: dynamodb.ReplicaTableProps, table: dynamodb.TablePropsV2): dynamodb.ReplicaTableProps {
  if (table.contributorInsights !== undefined) {
    return replica;
  }
  type InsightsOptions = { contributorInsights?: boolean; contributorInsightsSpecification?: dynamodb.ContributorInsightsSpecification };
  const specified = <T extends InsightsOptions>(options: T): T => {
    if (options.contributorInsights === undefined || options.contributorInsightsSpecification !== undefined) {
      return options;
    }
    const { contributorInsights, ...rest } = options;
    return { ...rest, contributorInsightsSpecification: { enabled: contributorInsights } } as T;
  };
  const indexOptions = replica.globalSecondaryIndexOptions;
  return {
    ...specified(replica),
    globalSecondaryIndexOptions: indexOptions === undefined ? undefined
      : Object.fromEntries(Object.entries(indexOptions).map(([name, options]) => [name, specified(options)])),
  };
}

interface DefaultEncryption {
  readonly encryption: dynamodb.TableEncryptionV2;
  /** Set when the library chose the encryption: the map it fills with the replica keys' ARNs. */
  readonly replicaKeyArns?: Record<string, string>;
}

/**
 * The table's key is made before the table, in the table's scope, with an id derived from the
 * table's. It must exist before super() runs, and its logical ID must never change.
 *
 * The replica keys' ARNs go into `replicaKeyArns`, which starts empty: aws-cdk-lib reads it when it
 * renders the replicas, after every replica, those of the props and those added later, has its key.
 */
function defaultEncryption(scope: Construct, id: string, removalPolicy?: RemovalPolicy): DefaultEncryption {
  // The key is a sibling of the table (it must exist before super() runs), so its id can clash
  // with a construct of the user's: say what happened rather than aws-cdk-lib's "already a Construct".
  const existing = scope.node.tryFindChild(`${id}Key`);
  if (existing !== undefined) {
    throw new DynamoDbKitError(
      `${existing.node.path} already exists, and a ProductionTable '${id}' makes its key there (a sibling named '${id}Key', so ` +
      'that the key keeps its logical ID). Rename that construct, or pass your key as encryption: ' +
      'TableEncryptionV2.customerManagedKey(key)', `${scope.node.path}/${id}`);
  }
  const key: kms.IKey = new HardenedKey(scope, `${id}Key`, {
    description: `Encrypts the DynamoDB table ${scope.node.path}/${id}`,
    // A removable table's key goes with it: what it encrypts is deleted with the stack.
    removalPolicy: removalPolicy === RemovalPolicy.DESTROY ? RemovalPolicy.DESTROY : undefined,
  });
  const replicaKeyArns: Record<string, string> = {};
  return { encryption: dynamodb.TableEncryptionV2.customerManagedKey(key, replicaKeyArns), replicaKeyArns };
}

function warnOnLoosenedDefaults(table: ProductionTable, props: ProductionTableProps): void {
  const pitr = props.pointInTimeRecoverySpecification?.pointInTimeRecoveryEnabled ?? props.pointInTimeRecovery ?? true;
  if (!pitr) {
    warnLoosened(table, LoosenedDefault.POINT_IN_TIME_RECOVERY,
      'Point-in-time recovery is off: the table cannot be restored to a moment before a bad write or delete.', tableResource(table));
  }
  if (props.deletionProtection === false && !removable(props)) {
    warnLoosened(table, LoosenedDefault.DELETION_PROTECTION,
      'Deletion protection is off: one DeleteTable call, or a change that replaces the table, destroys its data.', tableResource(table));
  }
  if (removable(props)) {
    warnRemovable(table, props);
  } else if (props.removalPolicy !== undefined && props.removalPolicy !== RemovalPolicy.RETAIN) {
    warnLoosened(table, LoosenedDefault.REMOVAL_POLICY,
      `removalPolicy is ${props.removalPolicy}: deleting the stack deletes the table and its data.`);
  }
  if (props.encryption && props.encryption.type !== dynamodb.TableEncryption.CUSTOMER_MANAGED) {
    warnLoosened(table, LoosenedDefault.CUSTOMER_MANAGED_KEY,
      `encryption is ${props.encryption.type}: key use cannot be audited, limited by key policy or revoked.`, tableResource(table));
  }
  const insights = props.contributorInsightsSpecification?.enabled ?? props.contributorInsights ?? true;
  if (!insights) {
    warnLoosened(table, LoosenedDefault.CONTRIBUTOR_INSIGHTS,
      'Contributor insights are off: the keys behind a throttle cannot be named when it happens.', tableResource(table));
  }
  if (props.backup === false && !removable(props)) {
    warnLoosened(table, LoosenedDefault.BACKUP,
      'backup is false: the table has no AWS Backup recovery points outside DynamoDB. Add it to a backup plan of your own.', tableResource(table));
  }
}

/** DESTROY is the one setting of a removable dev table. */
function removable(props: ProductionTableProps): boolean {
  return props.removalPolicy === RemovalPolicy.DESTROY;
}

/**
 * A removable table is one finding, whose message says all that the setting implies, and whose
 * acknowledgement covers the deletion protection and backup it turns off.
 */
function warnRemovable(table: ProductionTable, props: ProductionTableProps): void {
  const unprotected = props.deletionProtection !== true;
  const unsaved = props.backup !== true;
  const keyGoes = props.encryption === undefined;
  const parts = [
    unprotected ? 'deletion protection is off' : 'deletion protection stays on (given explicitly), so the stack delete fails until it is turned off',
    keyGoes ? `its key is deleted with the stack after KMS's shortest waiting period (${KEY_PENDING_WINDOW_DAYS} days)` : 'its key is yours, and stays as you set it',
    'its stream consumers\' failure queues are deleted with it',
    unsaved
      ? 'it is in no AWS Backup plan (point-in-time recovery stays)'
      : 'it is in the stack\'s AWS Backup plan (given explicitly), whose retained vault keeps its recovery points until their retention ends',
  ];
  warnLoosened(table, LoosenedDefault.REMOVAL_POLICY,
    `removalPolicy is destroy: deleting the stack deletes the table and its data. A removable table: ${parts.join('; ')}. ` +
    'The stack\'s alarm topic key and dead-letter queue and its failure-queue key are deleted too once every table of the stack is ' +
    'DESTROY. See the README, "A removable dev stack", for what stays and what it costs.',
    tableResource(table),
    [...(unprotected ? [LoosenedDefault.DELETION_PROTECTION] : []), ...(unsaved ? [LoosenedDefault.BACKUP] : [])]);
}

/** The table's CloudFormation resource, where DynamoDbChecks reads the user's explicit choices. */
function tableResource(table: dynamodb.TableV2): CfnResource {
  return table.node.defaultChild as CfnResource;
}

/** A replica's own settings override the table's: loosening one is a choice, and warned about like the table's. */
function warnOnLoosenedReplica(table: ProductionTable, props: dynamodb.ReplicaTableProps): void {
  const where = `The replica in ${props.region}`;
  const pitr = props.pointInTimeRecoverySpecification?.pointInTimeRecoveryEnabled ?? props.pointInTimeRecovery;
  if (pitr === false) {
    warnLoosened(table, LoosenedDefault.POINT_IN_TIME_RECOVERY, `${where} has point-in-time recovery off: it cannot be restored to a moment before a bad write.`, tableResource(table));
  }
  if (props.deletionProtection === false) {
    warnLoosened(table, LoosenedDefault.DELETION_PROTECTION, `${where} has deletion protection off: one DeleteTable call in that region destroys the replica.`, tableResource(table));
  }
  const insights = props.contributorInsightsSpecification?.enabled ?? props.contributorInsights;
  if (insights === false) {
    warnLoosened(table, LoosenedDefault.CONTRIBUTOR_INSIGHTS, `${where} has contributor insights off: the keys behind a throttle there cannot be named.`, tableResource(table));
  }
}
