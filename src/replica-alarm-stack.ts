import { CfnOutput, Fn, Stack, StackProps, Token } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { AlarmActions } from './alarm-actions';
import { relativePath, replicaRegionStackPlacement } from './private/replica-region';
import { sharedConstruct } from './private/shared-construct';
import { RenderedTable } from './private/table-introspection';
import { Kinds, required, validateKind } from './private/validation';
import { TableAlarms, TableAlarmsOptions } from './table-alarms';

/**
 * The stack, in one replica region, that holds the alarms of the replicas of the global tables of
 * one stack: throttles by cause, system errors and replication out of that region, as the table's
 * own alarms, notifying that stack's `AlarmTopic`.
 *
 * CloudWatch alarms and the SNS topic they notify are regional, and DynamoDB publishes a replica's
 * metrics in the replica's region, so a replica's alarms need a stack there. Made when a table's
 * alarms have `replicaAlarms: true`.
 *
 * Unlike the `ReplicaKeyStack`, which deploys before the table, this stack deploys after the table's
 * stack (it depends on it): it reads the table's name from that stack's output with
 * `Fn::GetStackOutput` when the table has no literal `tableName`. `cdk deploy --all`, or a pipeline
 * stage, deploys it; `cdk deploy <table stack>` alone does not.
 *
 * Its construct id, `<table stack id>-DynamoDbKitReplicaAlarms-<region>`, is fixed.
 */
export class ReplicaAlarmStack extends Stack {
  /**
   * The alarm stack of `tableStack`'s replicas in `region`, created in `tableStack`'s stage on first use.
   *
   * @param tableStack the stack that holds the global tables
   * @param region the replica region, not a token
   */
  public static forRegion(tableStack: Stack, region: string): ReplicaAlarmStack {
    validateKind('tableStack', tableStack, required(Kinds.stack));
    validateKind('region', region, required(Kinds.string));
    const { stage, id } = replicaRegionStackPlacement(tableStack, region, 'the replica alarms', 'DynamoDbKitReplicaAlarms',
      'Create the stack in an App, or set replicaAlarms to false and alarm on the replica in a stack of your own');
    return sharedConstruct(stage, id, ReplicaAlarmStack, () => new ReplicaAlarmStack(stage, id, tableStack, {
      env: { account: Token.isUnresolved(tableStack.account) ? undefined : tableStack.account, region },
      description: `CloudWatch alarms of the ${region} replicas of the DynamoDB global tables in stack ${tableStack.stackName} (cdk-dynamodb-kit)`,
    }));
  }

  /** The stack whose tables' replicas these alarms watch. */
  public readonly tableStack: Stack;

  private constructor(scope: Construct, id: string, tableStack: Stack, props: StackProps) {
    super(scope, id, props);
    this.tableStack = tableStack;
    this.addStackDependency(tableStack, 'it reads the names of the global tables of that stack');
  }

  /**
   * The alarms of `table`'s replica in this stack's region, made on first use. They watch the same
   * causes as the table's alarms, with the replica's capacity ceilings, and notify this stack's
   * `AlarmTopic`.
   *
   * @param table a `TableV2` made in this app, in `tableStack`, with a replica in this region
   * @param options thresholds, as the table's alarms have them; `alarmActions` and `replicaAlarms` are ignored
   */
  public alarmsFor(table: dynamodb.TableV2, options: TableAlarmsOptions = {}): TableAlarms {
    const id = `${relativePath(this.tableStack, table)}Alarms`;
    const existing = this.node.tryFindChild(id);
    if (existing !== undefined) {
      return existing as TableAlarms;
    }
    const rendered = RenderedTable.of(table)!;
    const ceilings = rendered.replicaCeilings(this.region) ?? rendered.ceilings();
    const otherRegions = [this.tableStack.region, ...rendered.replicaRegions()].filter(region => region !== this.region);
    const imported = dynamodb.TableV2.fromTableName(this, `${relativePath(this.tableStack, table)}Table`, this.tableNameOf(table));
    return new TableAlarms(this, id, {
      ...options,
      replicaAlarms: false,
      alarmActions: AlarmActions.stackTopic(),
      table: imported,
      billingMode: rendered.billingMode(),
      maxReadUnits: ceilings.table.maxReadUnits,
      maxWriteUnits: ceilings.table.maxWriteUnits,
      globalSecondaryIndexes: ceilings.indexes,
      // Replication out of this region, to every other: DynamoDB publishes it here, per receiving
      // region. None for MRSC, which publishes no ReplicationLatency.
      replicaRegions: rendered.isStronglyConsistent() ? [] : otherRegions,
    });
  }

  /**
   * The table's name as this stack can read it: the literal `tableName`, or the table stack's
   * output read with `Fn::GetStackOutput` (a weak reference made here, so that references to the
   * table from elsewhere keep the app's own strength).
   */
  private tableNameOf(table: dynamodb.TableV2): string {
    const literal = RenderedTable.of(table)!.literalTableName();
    if (literal !== undefined) {
      return literal;
    }
    const outputId = 'DynamoDbKitReplicaAlarmsTableName';
    const output = (table.node.tryFindChild(outputId) as CfnOutput | undefined) ?? new CfnOutput(table, outputId, {
      value: table.tableName,
      description: `The name of ${table.node.path}, read by the alarms of its replicas`,
    });
    return Fn.getStackOutput(this.tableStack.stackName, this.tableStack.resolve(output.logicalId), this.tableStack.region);
  }
}
