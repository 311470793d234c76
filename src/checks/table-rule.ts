import { TableModel } from './table-model';

/**
 * One DynamoDB check: a name that says what it demands, and the places where a table falls short.
 */
export interface TableRule {
  /** The rule id, used in reports and acknowledgements: `DynamoDbChecks::<name>`. */
  readonly name: string;
  /** What is wrong, and why it matters. */
  readonly description: string;
  /** How to put it right. */
  readonly fix: string;
  /** Template locations where the table breaks the rule; empty when it complies. */
  check(table: TableModel): string[];
}
