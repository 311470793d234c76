import { Duration } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { AlarmScope } from './table-metrics';

/** What the alarms need to know of the table. */
export interface TableFacts {
  /** Undefined when unknown (an imported table without `billingMode`): every cause is alarmed. */
  readonly billingMode?: dynamodb.BillingMode;
  readonly table: AlarmScope;
  readonly indexes: AlarmScope[];
  readonly replicaRegions: string[];
}

/** What the stack dashboard reads of a `TableAlarms` (kept out of the public API). */
export interface TableAlarmsView {
  readonly table: dynamodb.ITable;
  readonly facts: TableFacts;
  readonly systemErrorOperations: dynamodb.Operation[];
  readonly latencyOperations: dynamodb.Operation[];
  readonly replicationLatencyThreshold: Duration;
}
