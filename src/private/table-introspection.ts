import { Stack, Token } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';

/**
 * The one place that reads a table's rendered CloudFormation: every part that needs a fact about
 * the table it serves (billing, capacity, indexes, replicas, stream, name) asks here.
 *
 * `Billing`, `Capacity` and the index props keep their values internal, so the facts are read from
 * the L1 that `Table` or `TableV2` rendered them into. An imported table has no L1: `of()` returns
 * undefined, and each part says what it needs the user to declare instead.
 *
 * Read when the answer is needed, not once: indexes and replicas can be added after a part is made.
 */
export class RenderedTable {
  /** The rendered table behind `table`, or undefined for an imported table. */
  public static of(table: dynamodb.ITable): RenderedTable | undefined {
    const cfn = table.node.defaultChild;
    if (cfn instanceof dynamodb.CfnGlobalTable || cfn instanceof dynamodb.CfnTable) {
      return new RenderedTable(cfn);
    }
    return undefined;
  }

  private readonly stack: Stack;

  private constructor(public readonly resource: dynamodb.CfnGlobalTable | dynamodb.CfnTable) {
    this.stack = Stack.of(resource);
  }

  /** True for a TableV2 (AWS::DynamoDB::GlobalTable), false for a Table (AWS::DynamoDB::Table). */
  public get isGlobalTable(): boolean {
    return this.resource instanceof dynamodb.CfnGlobalTable;
  }

  /**
   * The billing mode. CloudFormation's default for both resource types is PROVISIONED
   * (AWS::DynamoDB::Table and AWS::DynamoDB::GlobalTable, BillingMode).
   */
  public billingMode(): dynamodb.BillingMode {
    const mode = this.resolve(this.resource.billingMode);
    return mode === undefined || mode === dynamodb.BillingMode.PROVISIONED
      ? dynamodb.BillingMode.PROVISIONED
      : dynamodb.BillingMode.PAY_PER_REQUEST;
  }

  /** The table's name when it is given as a literal. */
  public literalTableName(): string | undefined {
    const name = this.resource.tableName;
    return typeof name === 'string' && !Token.isUnresolved(name) ? name : undefined;
  }

  /** Whether the table has a stream. */
  public hasStream(): boolean {
    return this.resolve(this.resource.streamSpecification) !== undefined;
  }

  /** The regions of every replica, the stack's own included; one for a regional table. */
  public replicaCount(): number {
    if (!(this.resource instanceof dynamodb.CfnGlobalTable)) {
      return 1;
    }
    const replicas = this.renderedReplicas();
    return replicas.length > 0 ? replicas.length : 1;
  }

  /** Regions of the replicas other than the stack's own, known at synth. */
  public replicaRegions(): string[] {
    if (!(this.resource instanceof dynamodb.CfnGlobalTable)) {
      return [];
    }
    const replicas = this.renderedReplicas();
    const primary = this.primaryReplica();
    return replicas.map(replica => replica.region)
      .filter(region => region !== primary?.region && typeof region === 'string' && !Token.isUnresolved(region));
  }

  /**
   * Whether the replicas are strongly consistent (multi-Region strong consistency), for which AWS
   * documents no ReplicationLatency: replication is synchronous.
   */
  public isStronglyConsistent(): boolean {
    return this.resource instanceof dynamodb.CfnGlobalTable && this.resolve(this.resource.multiRegionConsistency) === 'STRONG';
  }

  /** The key schema: the table's keys, and each index's partition keys. */
  public keySchema(): TableKeySchema {
    const keySchema: any[] = this.resolve(this.resource.keySchema) ?? [];
    const indexesOf = (indexes: unknown, kind: IndexKind): IndexKeySchema[] =>
      ((this.resolve(indexes) ?? []) as any[]).map(index => ({
        indexName: index.indexName,
        kind,
        partitionKeys: hashKeys(index.keySchema),
      }));
    return {
      partitionKey: hashKeys(keySchema)[0],
      sortKey: keySchema.find(element => element.keyType === 'RANGE')?.attributeName,
      indexes: [
        ...indexesOf(this.resource.globalSecondaryIndexes, 'GLOBAL'),
        ...indexesOf(this.resource.localSecondaryIndexes, 'LOCAL'),
      ],
    };
  }

  /** The names of the global secondary indexes, in the order they were added. */
  public globalIndexNames(): string[] {
    return this.keySchema().indexes.filter(index => index.kind === 'GLOBAL').map(index => index.indexName);
  }

  /** The names of every secondary index, global and local. */
  public indexNames(): string[] {
    return this.keySchema().indexes.map(index => index.indexName);
  }

  /**
   * The table and each GSI that have Contributor Insights on in the stack's region, or in the
   * replica of `region`, with the mode: a TableV2 keeps the setting in each replica and in each
   * replica's indexes, a Table at its top level and in each index.
   */
  public insightsScopes(region?: string): InsightsScope[] {
    const scopeOf = (settings: any, indexName?: string): InsightsScope[] => {
      const specification = settings?.contributorInsightsSpecification;
      // The mode as rendered: CloudFormation documents no default for an unset one.
      return specification?.enabled === true ? [{ indexName, mode: specification.mode }] : [];
    };
    const names = this.globalIndexNames();
    if (this.resource instanceof dynamodb.CfnGlobalTable) {
      const replica = region === undefined ? this.primaryReplica() : this.renderedReplicas().find(candidate => candidate.region === region);
      const indexes: any[] = replica?.globalSecondaryIndexes ?? [];
      return [...scopeOf(replica), ...names.flatMap(name => scopeOf(indexes.find(index => index.indexName === name), name))];
    }
    if (region !== undefined) {
      return [];
    }
    const indexes: any[] = this.resolve(this.resource.globalSecondaryIndexes) ?? [];
    return [
      ...scopeOf({ contributorInsightsSpecification: this.resolve(this.resource.contributorInsightsSpecification) }),
      ...names.flatMap(name => scopeOf(indexes.find(index => index.indexName === name), name)),
    ];
  }

  /** The capacity settings of the table and of each GSI, as rendered. */
  public capacity(): TableCapacity {
    return this.resource instanceof dynamodb.CfnGlobalTable ? this.globalTableCapacity(this.resource) : this.tableCapacity(this.resource);
  }

  /** The most units the table and each GSI may consume per second, where a maximum is known. */
  public ceilings(): { table: CapacityCeilings; indexes: Array<CapacityCeilings & { indexName: string }> } {
    const capacity = this.capacity();
    return {
      table: ceilingsOf(capacity.table),
      indexes: capacity.indexes.map(index => ({ indexName: index.indexName!, ...ceilingsOf(index) })),
    };
  }

  /**
   * The ceilings of the replica in `region`: writes are the table's (AWS keeps write capacity in
   * step across replicas), reads the replica's own, which it may override
   * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/globaltables-CoreConcepts.html,
   * "Read and write throughput").
   */
  public replicaCeilings(region: string): { table: CapacityCeilings; indexes: Array<CapacityCeilings & { indexName: string }> } | undefined {
    if (!(this.resource instanceof dynamodb.CfnGlobalTable)) {
      return undefined;
    }
    const replicas = this.renderedReplicas();
    const replica = replicas.find(candidate => candidate.region === region);
    if (replica === undefined) {
      return undefined;
    }
    const capacity = this.globalTableCapacity(this.resource, replica);
    return {
      table: ceilingsOf(capacity.table),
      indexes: capacity.indexes.map(index => ({ indexName: index.indexName!, ...ceilingsOf(index) })),
    };
  }

  /** TableV2: writes at the top level and per GSI, reads in the replica (the primary by default) and its GSIs. */
  private globalTableCapacity(cfn: dynamodb.CfnGlobalTable, primary: any = this.primaryReplica()): TableCapacity {
    const gsis: any[] = this.resolve(cfn.globalSecondaryIndexes) ?? [];
    return {
      table: {
        where: 'billing',
        read: primary?.readProvisionedThroughputSettings ?? primary?.readOnDemandThroughputSettings,
        write: this.resolve(cfn.writeProvisionedThroughputSettings) ?? this.resolve(cfn.writeOnDemandThroughputSettings),
      },
      indexes: gsis.map(gsi => {
        const replicaIndex = (primary?.globalSecondaryIndexes ?? []).find((candidate: any) => candidate.indexName === gsi.indexName);
        return {
          where: `globalSecondaryIndexes[${gsi.indexName}]`,
          indexName: gsi.indexName,
          read: replicaIndex?.readProvisionedThroughputSettings ?? replicaIndex?.readOnDemandThroughputSettings,
          write: gsi.writeProvisionedThroughputSettings ?? gsi.writeOnDemandThroughputSettings,
        };
      }),
    };
  }

  /**
   * Table (v1): fixed units in ProvisionedThroughput, on-demand maximums in OnDemandThroughput;
   * its autoscaling lives in separate Application Auto Scaling resources, which are not read here.
   */
  private tableCapacity(cfn: dynamodb.CfnTable): TableCapacity {
    const maximum = (name: string, value: unknown) => value !== undefined ? { [name]: value } : undefined;
    const settingsOf = (throughput: any, onDemand: any) => ({
      read: throughput ? { readCapacityUnits: throughput.readCapacityUnits } : maximum('maxReadRequestUnits', onDemand?.maxReadRequestUnits),
      write: throughput ? { writeCapacityUnits: throughput.writeCapacityUnits } : maximum('maxWriteRequestUnits', onDemand?.maxWriteRequestUnits),
    });
    const gsis: any[] = this.resolve(cfn.globalSecondaryIndexes) ?? [];
    return {
      table: { where: 'billing', ...settingsOf(this.resolve(cfn.provisionedThroughput), this.resolve(cfn.onDemandThroughput)) },
      indexes: gsis.map(gsi => ({
        where: `globalSecondaryIndexes[${gsi.indexName}]`,
        indexName: gsi.indexName,
        ...settingsOf(gsi.provisionedThroughput, gsi.onDemandThroughput),
      })),
    };
  }

  /** The replica in the stack's region (the table itself), or the last one when the region is a token. */
  private primaryReplica(): any {
    if (!(this.resource instanceof dynamodb.CfnGlobalTable)) {
      return undefined;
    }
    const replicas = this.renderedReplicas();
    return replicas.find(replica => replica.region === this.resolve(this.stack.region)) ?? replicas[replicas.length - 1];
  }

  /**
   * The replicas as rendered now, or none yet. aws-cdk-lib renders them lazily and checks then that
   * each replica's `globalSecondaryIndexOptions` names an index of the table; an index added after
   * this is read is legal, so a failed check here is not an error yet: aws-cdk-lib reports it at
   * synth if it still holds. The parts read the replicas again at synth.
   */
  private renderedReplicas(): any[] {
    if (!(this.resource instanceof dynamodb.CfnGlobalTable)) {
      return [];
    }
    try {
      const replicas = this.resolve(this.resource.replicas);
      return Array.isArray(replicas) ? replicas : [];
    } catch {
      return [];
    }
  }

  private resolve(value: unknown): any {
    return this.stack.resolve(value);
  }
}

export type IndexKind = 'GLOBAL' | 'LOCAL';

/** One secondary index as the table deploys it. */
export interface IndexKeySchema {
  readonly indexName: string;
  readonly kind: IndexKind;
  /**
   * The attribute names of its partition key, in order: one, or several for a multi-attribute
   * key (aws-cdk-lib's `partitionKeys`), which CloudFormation renders as several HASH elements.
   */
  readonly partitionKeys: string[];
}

/** The key schema a table deploys with. */
export interface TableKeySchema {
  readonly partitionKey: string;
  readonly sortKey?: string;
  readonly indexes: IndexKeySchema[];
}

/** A table or GSI with Contributor Insights on. */
export interface InsightsScope {
  /** The index name; undefined for the table itself. */
  readonly indexName?: string;
  /**
   * ACCESSED_AND_THROTTLED_KEYS or THROTTLED_KEYS, as rendered: either has a rule of the most
   * throttled keys. Undefined when the template leaves it to DynamoDB.
   */
  readonly mode?: string;
}

/** The capacity settings one table or index deploys with. */
export interface CapacitySettings {
  /** Where the settings are, in the terms of the props: 'billing' or 'globalSecondaryIndexes[name]'. */
  readonly where: string;
  readonly indexName?: string;
  /** The rendered read settings: autoscaling, fixed units, or on-demand maximum. */
  readonly read?: any;
  /** The rendered write settings. */
  readonly write?: any;
}

/** What a table deploys with: capacity settings for itself and each GSI. */
export interface TableCapacity {
  readonly table: CapacitySettings;
  readonly indexes: CapacitySettings[];
}

/** The most units per second a table or index may consume, where known. */
export interface CapacityCeilings {
  readonly maxReadUnits?: number;
  readonly maxWriteUnits?: number;
}

/** The most units the settings allow: the autoscaling maximum, the fixed capacity, or the on-demand maximum. */
export function ceilingOf(settings: any): number | undefined {
  const ceiling = settings?.readCapacityAutoScalingSettings?.maxCapacity
    ?? settings?.writeCapacityAutoScalingSettings?.maxCapacity
    ?? settings?.readCapacityUnits
    ?? settings?.writeCapacityUnits
    ?? settings?.maxReadRequestUnits
    ?? settings?.maxWriteRequestUnits;
  return typeof ceiling === 'number' && Number.isFinite(ceiling) && ceiling > 0 ? ceiling : undefined;
}

function ceilingsOf(settings: CapacitySettings | undefined): CapacityCeilings {
  return { maxReadUnits: ceilingOf(settings?.read), maxWriteUnits: ceilingOf(settings?.write) };
}

function hashKeys(keySchema: any[] | undefined): string[] {
  return (keySchema ?? []).filter(element => element.keyType === 'HASH').map(element => element.attributeName);
}
