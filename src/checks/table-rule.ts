import { CheckSettings } from './check-settings';
import { TableModel } from './table-model';

/**
 * What a rule found in one resource: the template locations that break it, and those whose value
 * could not be read at synth (a token, a value from another stack). Neither kind is ever a pass.
 */
export interface RuleFindings {
  /** Locations that break the rule. */
  readonly failing: string[];
  /** Locations the rule cannot decide at synth; reported as violations that say so. */
  readonly undecided: string[];
  /**
   * What exactly is wrong with this resource, when the rule's description alone would not name the
   * fix; it is put before the description in this resource's violation.
   */
  readonly detail?: string;
}

/** The description of a finding the rule could not decide, built from the rule's own. */
export function undecidedDescription(description: string): string {
  return 'Cannot decide at synth: a value this rule reads could not be read from the template (a token, a parameter or a ' +
    `value from another stack), so the rule does not pass it. ${description}`;
}

/** A rule's locations, with the undecided ones apart; `string[]` for a rule that never has undecided ones. */
export function findings(failing: string[], undecided: string[] = [], detail?: string): RuleFindings {
  return { failing, undecided, detail };
}

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
  check(table: TableModel, settings: CheckSettings): string[] | RuleFindings;
}

/**
 * The check of a rule that a parameter of DynamoDbChecks turns on. Without the parameter (left out,
 * or false) every table passes, as the AWS control it follows checks nothing without it.
 */
export function whenGiven<K extends keyof CheckSettings>(
  parameter: K,
  check: (table: TableModel, value: NonNullable<CheckSettings[K]>) => string[] | RuleFindings,
): TableRule['check'] {
  return (table, settings) => {
    const value = settings[parameter];
    return value === undefined || value === false ? [] : check(table, value as NonNullable<CheckSettings[K]>);
  };
}
