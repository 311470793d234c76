import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { InsightsScope } from './table-introspection';

/**
 * How many keys a graph lists: GetInsightRuleReport's default of 10 (its range is 1 to 100,
 * CloudWatch API reference, GetInsightRuleReport, MaxContributorCount).
 */
const CONTRIBUTORS = 10;

/**
 * Stands for the rule's name until the widget is bound: what a body holds then, an `Fn::GetAtt`
 * of a lookup in the dashboard's nested stack, 87 characters as the template holds it for a table
 * at `Stack/Orders` (test/integ.dashboard-hot-keys.ts.snapshot). A deeper construct path makes a
 * longer logical id; the 20 % of the nested template that the limits keep free absorbs that. A
 * reference within the nested stack takes no parameter, so usageOf counts none for it.
 */
const UNBOUND_RULE = 'x'.repeat(100);

/**
 * A graph of the most throttled partition keys of a table or GSI, over time, from the Contributor
 * Insights rule DynamoDB made for it. The rule's name is known at deploy only, so the widget is
 * drawn first and bound to the lookup's attribute once the dashboard that holds it is known.
 *
 * The body is the one the CloudWatch console writes for a Contributor Insights graph added to a
 * dashboard (`properties.insightRule` with `ruleName`, `maxContributorCount` and `orderBy`);
 * AWS's "Dashboard Body Structure and Syntax" page does not list it, so only a deploy shows that
 * CloudWatch takes it (README, "What is verified").
 */
export class HotKeysWidget extends cloudwatch.ConcreteWidget {
  private ruleName?: string;

  /**
   * @param replicaRegion the replica's region, whose rule is looked up there; undefined for the
   * stack's own region
   */
  constructor(
    public readonly insights: InsightsScope,
    public readonly replicaRegion: string | undefined,
    private readonly title: string,
    private readonly region: string,
    width: number,
    height: number,
  ) {
    super(width, height);
  }

  /** Names the rule the graph draws: an attribute of the lookup, in the dashboard's own stack. */
  public bind(ruleName: string): void {
    this.ruleName = ruleName;
  }

  public toJson(): any[] {
    return [{
      type: 'metric',
      width: this.width,
      height: this.height,
      x: this.x,
      y: this.y,
      properties: {
        view: 'timeSeries',
        stacked: false,
        region: this.region,
        title: this.title,
        period: 60,
        legend: { position: 'bottom' },
        insightRule: { maxContributorCount: CONTRIBUTORS, orderBy: 'Sum', ruleName: this.ruleName ?? UNBOUND_RULE },
      },
    }];
  }
}
