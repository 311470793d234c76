import { Aspects, Duration, IAspect, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Construct, IConstruct } from 'constructs';
import { AlarmActions } from './alarm-actions';
import { millisecondsThreshold, productAlarm } from './private/alarm';
import { DynamoDbKitError } from './private/errors';
import { TableAlarmsView, TableFacts } from './private/table-alarms-view';
import { RenderedTable } from './private/table-introspection';
import {
  AlarmScope, ceilingMetricCount, inGroups, latencyOf, MAX_METRICS_PER_ALARM, replicationOf, scopeLabel, systemErrorsOf,
  throttleCauses, throttlesOf, utilizationOf,
} from './private/table-metrics';
import {
  indexAlarmsSpec, Kinds, required, tableAlarmsSpec, validateConstructInput, validateEnum, validateInstance, validateKind, validatePositiveDuration,
  validateRange, validateShape,
} from './private/validation';
import { LoosenedDefault, warnLoosened } from './private/warnings';
import { ReplicaAlarmStack } from './replica-alarm-stack';

/**
 * The operations whose `SystemErrors` are alarmed by default: the ten data-plane operations
 * applications call most, which is as many as one alarm can watch.
 */
const DEFAULT_SYSTEM_ERROR_OPERATIONS = [
  dynamodb.Operation.GET_ITEM, dynamodb.Operation.PUT_ITEM, dynamodb.Operation.UPDATE_ITEM,
  dynamodb.Operation.DELETE_ITEM, dynamodb.Operation.QUERY, dynamodb.Operation.SCAN,
  dynamodb.Operation.BATCH_GET_ITEM, dynamodb.Operation.BATCH_WRITE_ITEM,
  dynamodb.Operation.TRANSACT_GET_ITEMS, dynamodb.Operation.TRANSACT_WRITE_ITEMS,
];

const DEFAULT_LATENCY_OPERATIONS = [dynamodb.Operation.GET_ITEM, dynamodb.Operation.QUERY, dynamodb.Operation.PUT_ITEM];

/**
 * Thresholds and choices of table alarms. Every one has a default that pages on a sustained
 * problem, not on a blip that the SDK's retries absorb.
 */
export interface TableAlarmsOptions {
  /**
   * Where the alarms notify. `AlarmActions.none()` creates no alarms, and records the finding
   * `DynamoDbChecks::AlarmsNotify`.
   *
   * @default AlarmActions.stackTopic() - the stack's encrypted alarm topic
   */
  readonly alarmActions?: AlarmActions;

  /**
   * Throttled events per minute, read and write together, that count as a bad minute.
   *
   * @default 1 - any throttle; the datapoints rule below filters out blips
   */
  readonly throttleThreshold?: number;

  /**
   * How many bad minutes out of the last five raise a throttle or system-error alarm.
   *
   * @default 3 - sustained for most of five minutes: the SDK's retries absorb shorter bursts
   */
  readonly datapointsToAlarm?: number;

  /**
   * System errors (HTTP 500) per minute, across the watched operations, that count as a bad minute.
   *
   * @default 1
   */
  readonly systemErrorsThreshold?: number;

  /**
   * The operations whose system errors are watched; at most 10, the metrics one alarm can hold.
   *
   * @default GetItem, PutItem, UpdateItem, DeleteItem, Query, Scan, BatchGetItem, BatchWriteItem,
   * TransactGetItems, TransactWriteItems
   */
  readonly systemErrorOperations?: dynamodb.Operation[];

  /**
   * Consumption, as a percentage of the ceiling (the autoscaling maximum or the on-demand
   * maximum), that raises the capacity-ceiling alarm.
   *
   * @default 80 - room to raise the ceiling before requests throttle against it
   */
  readonly capacityUtilizationPercent?: number;

  /**
   * Average replication latency to a replica that raises its alarm, over five minutes in a row.
   *
   * @default Duration.minutes(1) - replication normally takes about a second
   */
  readonly replicationLatencyThreshold?: Duration;

  /**
   * The p99 latency of successful requests that raises the latency alarm. Off unless set: latency
   * depends on item sizes and access patterns that only the team knows, and a guessed threshold
   * pages for nothing.
   *
   * @default - no latency alarm
   */
  readonly latencyThreshold?: Duration;

  /**
   * The operations whose p99 latency is watched when `latencyThreshold` is set; at most 10.
   *
   * @default GetItem, Query, PutItem
   */
  readonly latencyOperations?: dynamodb.Operation[];

  /**
   * Alarm on each replica in its own region too: throttles by cause on the replica and its GSIs,
   * system errors, and replication out of that region, with these thresholds. CloudWatch alarms
   * and SNS topics are regional, so they go into a `ReplicaAlarmStack` per replica region, which
   * deploys after the table's stack and notifies its own `AlarmTopic` (subscribe it:
   * `AlarmTopic.of(ReplicaAlarmStack.forRegion(stack, region))`), whatever `alarmActions` says.
   * Only for a `TableV2` made in this app, in a stack with a region.
   *
   * @default false - opt in: it adds a stack, a KMS key and an SNS topic to each replica region,
   * and that stack must be deployed after the table's (`cdk deploy --all` does)
   */
  readonly replicaAlarms?: boolean;
}

/** The capacity ceiling of a table or of one of its indexes. */
export interface CapacityCeiling {
  /**
   * The most read units per second: the autoscaling maximum, the fixed capacity, or the
   * on-demand `maxReadRequestUnits`.
   *
   * @default - no ceiling known, no alarm on read consumption
   */
  readonly maxReadUnits?: number;

  /**
   * The most write units per second: the autoscaling maximum or the on-demand `maxWriteRequestUnits`.
   *
   * @default - no ceiling known, no alarm on write consumption
   */
  readonly maxWriteUnits?: number;
}

/** A global secondary index to alarm on, with its capacity ceiling. */
export interface IndexAlarmsProps extends CapacityCeiling {
  /** The index name. */
  readonly indexName: string;
}

/** Properties of `TableAlarms`. */
export interface TableAlarmsProps extends TableAlarmsOptions, CapacityCeiling {
  /**
   * The table to alarm on: any `Table` or `TableV2`, made here or imported.
   *
   * For a table made in this app, the alarms read its billing mode, capacity maximums, global
   * secondary indexes (those added later too) and replicas from the table itself. For an imported
   * table, where nothing can be read, give them below.
   */
  readonly table: dynamodb.ITable;

  /**
   * The billing mode of an imported table, which decides which capacity throttles can happen.
   * Read from the table when it is made in this app, and refused then.
   *
   * @default - read from the table; for an imported table, every throttle cause is alarmed
   * (provisioned capacity, on-demand maximum and account quota), since none can be ruled out
   */
  readonly billingMode?: dynamodb.BillingMode;

  /**
   * The global secondary indexes of an imported table, each alarmed like the table. Read from the
   * table when it is made in this app, and refused then.
   *
   * @default - read from the table; none for an imported table
   */
  readonly globalSecondaryIndexes?: IndexAlarmsProps[];

  /**
   * Regions of an imported table's replicas, each of which gets a replication-latency alarm. Read
   * from the table when it is made in this app, and refused then.
   *
   * @default - read from the table; none for an imported table
   */
  readonly replicaRegions?: string[];
}

/** Options resolved once, with their defaults. */
interface Settings {
  readonly actions: cloudwatch.IAlarmAction[];
  readonly throttleThreshold: number;
  readonly datapointsToAlarm: number;
  readonly systemErrorsThreshold: number;
  readonly systemErrorOperations: dynamodb.Operation[];
  readonly capacityUtilizationPercent: number;
  readonly replicationLatencyThreshold: Duration;
  readonly latencyThreshold?: Duration;
  readonly latencyOperations: dynamodb.Operation[];
}


/**
 * Alarms that say why a table throttles, one alarm per cause, each covering the table and every
 * GSI through metric math (up to five scopes per alarm, the ten metrics an alarm can hold; a table
 * with more GSIs gets a second alarm for the same cause, `HotKeyThrottles2`, ...):
 *
 * - `HotKeyThrottles`: `Read/WriteKeyRangeThroughputThrottleEvents`, a hot key or partition;
 * - `ProvisionedThrottles` (provisioned): `Read/WriteProvisionedThroughputThrottleEvents`;
 * - `OnDemandMaxThrottles` (on demand with a maximum): `Read/WriteMaxOnDemandThroughputThrottleEvents`;
 * - `AccountLimitThrottles` (on demand): `Read/WriteAccountLimitThrottleEvents`, the per-table quota;
 * - `CapacityCeiling`: consumption near the autoscaling or on-demand maximum, where one is known.
 *
 * For the table also `SystemErrors`, `ReplicationLatency<region>` per replica (none for
 * multi-Region strong consistency), and optionally `Latency`. Every alarm notifies on alarm and on
 * recovery. A cause that cannot occur for the table's billing mode gets no alarm.
 *
 * The alarms read the table they serve: for a `Table` or `TableV2` made in this app, its billing
 * mode, capacity maximums, indexes and replicas, including those added after the alarms.
 */
export class TableAlarms extends Construct {
  /** Every alarm created, for dashboards or composite alarms of your own. */
  public readonly alarms: cloudwatch.Alarm[] = [];

  /**
   * The alarms of the table's replicas, one `TableAlarms` per replica region, each in that region's
   * `ReplicaAlarmStack`; empty unless `replicaAlarms` is true.
   */
  public readonly replicaRegionAlarms: TableAlarms[] = [];

  private readonly table: dynamodb.ITable;
  private readonly settings: Settings;
  private readonly declared?: TableFacts;
  private readonly coveredIndexes = new Set<string>();
  private readonly coveredRegions = new Set<string>();
  /** The thresholds the replicas' alarms take, when `replicaAlarms` is true. */
  private readonly replicaOptions?: TableAlarmsOptions;

  constructor(scope: Construct, id: string, props: TableAlarmsProps) {
    validateConstructInput(scope, id, props, tableAlarmsSpec());
    super(scope, id);
    this.table = props.table;
    const rendered = RenderedTable.of(props.table);
    validateProps(this, props, rendered !== undefined);
    this.settings = resolveSettings(this, props);
    // Declared facts are kept even without alarms: the stack dashboard draws the table from them.
    if (rendered === undefined) {
      this.declared = {
        billingMode: props.billingMode,
        table: { maxReadUnits: props.maxReadUnits, maxWriteUnits: props.maxWriteUnits },
        indexes: (props.globalSecondaryIndexes ?? []).map(index => ({ ...index })),
        replicaRegions: props.replicaRegions ?? [],
      };
    }
    if (this.settings.actions.length === 0) {
      warnLoosened(this, LoosenedDefault.ALARMS,
        'alarmActions is AlarmActions.none(): no alarm is made, so nobody is told when the table throttles or fails.');
      return;
    }

    const facts = this.facts();
    this.addScopes([facts.table, ...facts.indexes], facts.billingMode);
    this.addSystemErrors();
    if (this.settings.latencyThreshold) {
      this.addLatency(this.settings.latencyThreshold);
    }
    facts.replicaRegions.forEach(region => this.addReplicationLatency(region));
    if (props.replicaAlarms) {
      this.replicaOptions = replicaOptionsOf(props);
      rendered!.replicaRegions().forEach(region => this.addReplicaRegionAlarms(region));
    }
    // Indexes and replicas added to the table after these alarms are alarmed at synth.
    Aspects.of(this).add(new CoverLateAdditions(this));
  }

  /**
   * Alarm on a global secondary index of an imported table, like on the table: throttles by cause,
   * and its capacity ceiling. A table made in this app needs no call: its indexes are read from it.
   */
  public addGlobalSecondaryIndex(index: IndexAlarmsProps): void {
    validateShape('index', index, indexAlarmsSpec(), this);
    if (this.settings.actions.length === 0 || this.coveredIndexes.has(index.indexName)) {
      return;
    }
    this.declared?.indexes.push({ ...index });
    this.addScopes([{ ...index }], this.facts().billingMode);
  }

  /**
   * Alarm on replication to a replica: its latency, and a stall. A table made in this app needs no
   * call: its replicas are read from it.
   */
  public addReplica(region: string): void {
    validateKind('region', region, required(Kinds.string), this);
    if (this.settings.actions.length === 0) {
      return;
    }
    if (!this.coveredRegions.has(region)) {
      this.declared?.replicaRegions.push(region);
      this.addReplicationLatency(region);
    }
    this.addReplicaRegionAlarms(region);
  }

  /** @internal the aspect's entry point: alarm on what was added to the table since. */
  public _coverLateAdditions(): void {
    if (this.settings.actions.length === 0) {
      return;
    }
    const facts = this.facts();
    const late = facts.indexes.filter(index => !this.coveredIndexes.has(index.indexName!));
    if (late.length > 0) {
      this.addScopes(late, facts.billingMode);
    }
    facts.replicaRegions.filter(region => !this.coveredRegions.has(region)).forEach(region => this.addReplicationLatency(region));
    if (this.replicaOptions !== undefined) {
      RenderedTable.of(this.table)!.replicaRegions().forEach(region => this.addReplicaRegionAlarms(region));
      for (const replicaAlarms of this.replicaRegionAlarms) {
        const ceilings = RenderedTable.of(this.table)!.replicaCeilings(Stack.of(replicaAlarms).region);
        late.forEach(index => replicaAlarms.addGlobalSecondaryIndex(
          ceilings?.indexes.find(candidate => candidate.indexName === index.indexName) ?? { indexName: index.indexName! }));
      }
    }
  }

  /** The alarms of the replica in `region`, in that region's stack, made once when `replicaAlarms` is true. */
  private addReplicaRegionAlarms(region: string): void {
    if (this.replicaOptions === undefined || this.replicaRegionAlarmsOf(region) !== undefined) {
      return;
    }
    const stack = ReplicaAlarmStack.forRegion(Stack.of(this.table), region);
    this.replicaRegionAlarms.push(stack.alarmsFor(this.table as dynamodb.TableV2, this.replicaOptions));
    // Replication out of the replicas made before this one reaches this one too.
    const rendered = RenderedTable.of(this.table)!;
    if (!rendered.isStronglyConsistent()) {
      this.replicaRegionAlarms.filter(alarms => Stack.of(alarms).region !== region).forEach(alarms => alarms.addReplica(region));
    }
  }

  private replicaRegionAlarmsOf(region: string): TableAlarms | undefined {
    return this.replicaRegionAlarms.find(alarms => Stack.of(alarms).region === region);
  }

  /**
   * @internal what the stack dashboard draws: the table, its facts as they stand now (late indexes
   * and replicas alarmed first), and the operations and thresholds the alarms watch.
   */
  public _dashboardView(): TableAlarmsView {
    this._coverLateAdditions();
    return {
      table: this.table,
      facts: this.facts(),
      systemErrorOperations: this.settings.systemErrorOperations,
      latencyOperations: this.settings.latencyOperations,
      replicationLatencyThreshold: this.settings.replicationLatencyThreshold,
    };
  }

  /** The table as it stands now: read from it when it is made in this app, else as declared. */
  private facts(): TableFacts {
    if (this.declared) {
      return this.declared;
    }
    const rendered = RenderedTable.of(this.table)!;
    const ceilings = rendered.ceilings();
    return {
      billingMode: rendered.billingMode(),
      table: ceilings.table,
      indexes: ceilings.indexes,
      replicaRegions: rendered.isStronglyConsistent() ? [] : rendered.replicaRegions(),
    };
  }

  /** One alarm per cause for these scopes (the table and its indexes), in groups that fit an alarm. */
  private addScopes(scopes: AlarmScope[], billingMode: dynamodb.BillingMode | undefined): void {
    scopes.filter(scope => scope.indexName !== undefined).forEach(scope => this.coveredIndexes.add(scope.indexName!));
    for (const entry of throttleCauses(scopes, billingMode)) {
      this.addThrottles(entry.scopes, entry.id, entry.cause, entry.reason, entry.todo);
    }

    const percent = this.settings.capacityUtilizationPercent;
    for (const group of inGroups(scopes, ceilingMetricCount)) {
      this.alarm(this.nextId('CapacityCeiling'), {
        metric: utilizationOf(this.table.tableName, group),
        threshold: percent,
        evaluationPeriods: 5,
        datapointsToAlarm: 3,
        // No traffic publishes no consumption, which is far from any ceiling.
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        description: `${this.tableLabel()}: consumption of ${describeScopes(group)} is above ${percent} % of its maximum ` +
          `(${describeCeilings(group)}), beyond which autoscaling cannot help and requests throttle. Raise the maximum or reduce the load.`,
      });
    }
  }

  private addThrottles(scopes: AlarmScope[], id: string, cause: string, reason: string, todo: string): void {
    for (const group of inGroups(scopes, () => 2)) {
      this.alarm(this.nextId(id), {
        metric: throttlesOf(this.table.tableName, group, reason, `${cause} throttles`),
        threshold: this.settings.throttleThreshold,
        evaluationPeriods: 5,
        datapointsToAlarm: this.settings.datapointsToAlarm,
        // DynamoDB publishes throttle metrics only when something was throttled.
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        description: `${this.tableLabel()}: requests to ${describeScopes(group)} are throttled because of ${cause}. ${todo}`,
      });
    }
  }

  private addSystemErrors(): void {
    const operations = this.settings.systemErrorOperations;
    this.alarm('SystemErrors', {
      metric: systemErrorsOf(this.table.tableName, operations),
      threshold: this.settings.systemErrorsThreshold,
      evaluationPeriods: 5,
      datapointsToAlarm: this.settings.datapointsToAlarm,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      description: `${this.tableLabel()}: DynamoDB returns HTTP 500 errors (${operations.join(', ')}). ` +
        'The SDK retries them; if they persist, check the AWS Health Dashboard and open a support case.',
    });
  }

  private addReplicationLatency(region: string): void {
    this.coveredRegions.add(region);
    const threshold = this.settings.replicationLatencyThreshold;
    this.alarm(`ReplicationLatency${region}`, {
      metric: replicationOf(this.table.tableName, region, millisecondsThreshold(threshold)),
      threshold: millisecondsThreshold(threshold).threshold,
      evaluationPeriods: 5,
      // Five minutes in a row: a write at the end of a minute replicates in the next one.
      datapointsToAlarm: 5,
      // Neither writes nor latency: the table is idle.
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      description: `${this.tableLabel()}: writes take more than ${threshold.toHumanString()} to reach the replica in ${region}, ` +
        'or the table takes writes and none reach it. Check that region\'s health and the replica\'s write capacity; reads there are stale meanwhile.',
    });
  }

  private addLatency(threshold: Duration): void {
    const operations = this.settings.latencyOperations;
    this.alarm('Latency', {
      metric: latencyOf(this.table.tableName, operations, millisecondsThreshold(threshold)),
      threshold: millisecondsThreshold(threshold).threshold,
      evaluationPeriods: 5,
      datapointsToAlarm: 3,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      description: `${this.tableLabel()}: p99 latency of ${operations.join(', ')} is above ${threshold.toHumanString()}. ` +
        'Check item sizes, hot keys and throttling alarms.',
    });
  }

  private alarm(id: string, spec: Parameters<typeof productAlarm>[2]): void {
    this.alarms.push(productAlarm(this, id, spec, this.settings.actions));
  }

  /** `id`, or `id2`, `id3`, ... when a group of scopes already took it. */
  private nextId(id: string): string {
    let n = 1;
    while (this.node.tryFindChild(n === 1 ? id : `${id}${n}`)) {
      n++;
    }
    return n === 1 ? id : `${id}${n}`;
  }

  private tableLabel(): string {
    return `DynamoDB table ${this.table.node.path}`;
  }
}

/** Alarms, at synth, the indexes and replicas added to the table after its alarms were made. */
class CoverLateAdditions implements IAspect {
  constructor(private readonly alarms: TableAlarms) {}

  public visit(node: IConstruct): void {
    if (node === this.alarms) {
      this.alarms._coverLateAdditions();
    }
  }
}

/**
 * The table and indexes an alarm covers, by name while that stays short: an alarm description holds
 * at most 1024 characters (AWS::CloudWatch::Alarm, AlarmDescription), and an index name up to 255.
 */
function describeScopes(scopes: AlarmScope[]): string {
  const named = scopes.map(scopeLabel).join(', ');
  if (named.length <= SCOPES_IN_DESCRIPTION) {
    return named;
  }
  const indexes = scopes.filter(scope => scope.indexName !== undefined).length;
  const table = scopes.length > indexes ? 'the table and ' : '';
  return `${table}${indexes} index${indexes === 1 ? '' : 'es'} (their names are in the alarm's metrics)`;
}

/** How long a list of scopes may be before a description counts them instead. */
const SCOPES_IN_DESCRIPTION = 200;

function describeCeilings(scopes: AlarmScope[]): string {
  const listed = scopes.map(describeCeiling).join('; ');
  return listed.length <= SCOPES_IN_DESCRIPTION * 2 ? listed : 'each as its expression in the alarm says';
}

function describeCeiling(scope: AlarmScope): string {
  const parts = [
    scope.maxReadUnits !== undefined ? `${scope.maxReadUnits} read units/s` : undefined,
    scope.maxWriteUnits !== undefined ? `${scope.maxWriteUnits} write units/s` : undefined,
  ].filter(Boolean).join(', ');
  return `${scopeLabel(scope)}: ${parts}`;
}

/** The thresholds of `props`, without what belongs to the table's own region. */
function replicaOptionsOf(props: TableAlarmsProps): TableAlarmsOptions {
  return {
    throttleThreshold: props.throttleThreshold,
    datapointsToAlarm: props.datapointsToAlarm,
    systemErrorsThreshold: props.systemErrorsThreshold,
    systemErrorOperations: props.systemErrorOperations,
    capacityUtilizationPercent: props.capacityUtilizationPercent,
    replicationLatencyThreshold: props.replicationLatencyThreshold,
    latencyThreshold: props.latencyThreshold,
    latencyOperations: props.latencyOperations,
  };
}

function resolveSettings(scope: Construct, props: TableAlarmsProps): Settings {
  return {
    actions: (props.alarmActions ?? AlarmActions.stackTopic()).bind(scope),
    throttleThreshold: props.throttleThreshold ?? 1,
    datapointsToAlarm: props.datapointsToAlarm ?? 3,
    systemErrorsThreshold: props.systemErrorsThreshold ?? 1,
    systemErrorOperations: [...new Set(props.systemErrorOperations ?? DEFAULT_SYSTEM_ERROR_OPERATIONS)],
    capacityUtilizationPercent: props.capacityUtilizationPercent ?? 80,
    replicationLatencyThreshold: props.replicationLatencyThreshold ?? Duration.minutes(1),
    latencyThreshold: props.latencyThreshold,
    latencyOperations: [...new Set(props.latencyOperations ?? DEFAULT_LATENCY_OPERATIONS)],
  };
}

function validateProps(scope: Construct, props: TableAlarmsProps, madeInApp: boolean): void {
  validateInstance('alarmActions', props.alarmActions, AlarmActions,
    'an AlarmActions value (AlarmActions.stackTopic(), .topic(topic), .actions(...) or .none())', scope);
  validateEnum('billingMode', props.billingMode, dynamodb.BillingMode, scope);
  if (madeInApp) {
    const declared = (['billingMode', 'globalSecondaryIndexes', 'replicaRegions', 'maxReadUnits', 'maxWriteUnits'] as const)
      .filter(name => props[name] !== undefined);
    if (declared.length > 0) {
      throw new DynamoDbKitError(
        `${declared.join(', ')} must not be given for ${props.table.node.path}, a table made in this app: the alarms read it from the table. ` +
        'Give them only for an imported table', scope);
    }
  }
  if (props.replicaAlarms && !(madeInApp && RenderedTable.of(props.table)!.isGlobalTable)) {
    throw new DynamoDbKitError(
      `replicaAlarms must not be true for ${props.table.node.path}: it needs a TableV2 made in this app, whose replicas and name ` +
      'the alarms read. For another table, add new TableAlarms(stack, id, { table: TableV2.fromTableName(stack, id, name), ... }) ' +
      'in a stack of the replica\'s region', scope);
  }
  validateRange('datapointsToAlarm', props.datapointsToAlarm, 1, 5, '', scope);
  validateRange('capacityUtilizationPercent', props.capacityUtilizationPercent, 1, 100, '%', scope);
  validatePositiveDuration('replicationLatencyThreshold', props.replicationLatencyThreshold, scope);
  validatePositiveDuration('latencyThreshold', props.latencyThreshold, scope);
  for (const [name, operations] of [['systemErrorOperations', props.systemErrorOperations], ['latencyOperations', props.latencyOperations]] as const) {
    const distinct = new Set(operations ?? []).size;
    if (operations && (distinct === 0 || distinct > MAX_METRICS_PER_ALARM)) {
      throw new DynamoDbKitError(`${name} must list 1 to ${MAX_METRICS_PER_ALARM} operations (the metrics one alarm can hold), got ${distinct}`, scope);
    }
  }
  for (const [name, value] of [['throttleThreshold', props.throttleThreshold], ['systemErrorsThreshold', props.systemErrorsThreshold]] as const) {
    if (value !== undefined && !Token.isUnresolved(value) && !(value > 0 && Number.isFinite(value))) {
      throw new DynamoDbKitError(`${name} must be a finite number greater than 0, got ${value}`, scope);
    }
  }
  for (const [name, value] of [['maxReadUnits', props.maxReadUnits], ['maxWriteUnits', props.maxWriteUnits]] as const) {
    if (value !== undefined && !Token.isUnresolved(value) && !(Number.isFinite(value) && value > 0)) {
      throw new DynamoDbKitError(`${name} must be a finite number greater than 0, got ${value}`, scope);
    }
  }
}
