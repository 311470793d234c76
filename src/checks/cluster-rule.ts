import { CheckSettings } from './check-settings';
import { ClusterModel } from './dax-model';
import { RuleFindings } from './table-rule';

/**
 * One DAX check: a name that says what it demands, and the places where a cluster falls short.
 */
export interface ClusterRule {
  /** The rule id, used in reports and acknowledgements: `DynamoDbChecks::<name>`. */
  readonly name: string;
  /** What is wrong, and why it matters. */
  readonly description: string;
  /** How to put it right. */
  readonly fix: string;
  /** Template locations where the cluster breaks the rule, and those it cannot decide at synth. */
  check(cluster: ClusterModel, settings: CheckSettings): string[] | RuleFindings;
}
