import { Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';

/**
 * What one CloudWatch dashboard, and the nested stack that holds it, may hold. A stack whose tables
 * need more gets another dashboard: CloudWatch refuses a body over these limits, CloudFormation a
 * template over its own, and either would fail the deploy.
 *
 * - "A DashboardBody ... can include an array of between 0 and 500 widget objects" (CloudWatch API
 *   reference, "Dashboard Body Structure and Syntax",
 *   https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/CloudWatch-Dashboard-Body-Structure.html);
 * - "Up to 500 metrics per dashboard widget. Up to 2500 metrics per dashboard, across all widgets.
 *   These quotas include all metrics retrieved for use in metric math functions, even if those
 *   metrics are not displayed on the graph. These quotas cannot be changed." (CloudWatch user
 *   guide, "CloudWatch service quotas", Dashboards,
 *   https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch_limits.html);
 * - an alarm status widget lists 1 to 100 alarm ARNs (same body-structure page, "Properties of an
 *   Alarm Status Widget Object").
 */
export const DASHBOARD_LIMITS = {
  widgets: 500,
  metrics: 2500,
  metricsPerWidget: 500,
  alarmsPerStatusWidget: 100,
  /**
   * CloudFormation takes a template of at most 1 MB from S3 ("The URL must point to a template with
   * a maximum size of 1 MB", CloudFormation user guide, "Selecting a stack template",
   * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cfn-using-console-create-stack-template.html;
   * "Template body size in an Amazon S3 object", CloudFormation quotas,
   * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/cloudformation-limits.html).
   * aws-cdk-lib counts it as 1,000,000 characters of the template it writes (TEMPLATE_BODY_MAXIMUM_SIZE
   * in core/lib/stack.js), and so does the library.
   */
  templateCharacters: 1_000_000,
  /**
   * How much of its nested stack's template one dashboard's body may take: 80 %, where aws-cdk-lib
   * starts to warn that a template approaches the limit. The rest is for the parameters, the
   * resource around the body, the longer names the parameters get, and widgets users add.
   */
  bodyTemplateCharacters: 800_000,
  /**
   * A template declares at most 200 parameters ("Parameters", CloudFormation user guide,
   * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/parameters-section-structure.html),
   * and a nested dashboard reads each value of the parent stack through one. 180 leaves room for
   * references in widgets users add.
   */
  parameters: 180,
} as const;

/** What a group of widgets costs against the limits. */
export interface DashboardUsage {
  readonly widgets: number;
  readonly metrics: number;
  /** Characters the widgets take in a template, written as aws-cdk-lib writes it (JSON indented by one space). */
  readonly bodyCharacters: number;
  /**
   * Values of other resources that the widgets read (a table's name, a function's name): each is
   * one parameter of the dashboard's nested stack. Counted per group, so a value two groups share
   * counts twice, which errs on the safe side.
   */
  readonly references: number;
  /** The most metrics any one widget of the group retrieves. */
  readonly largestWidgetMetrics: number;
}

/**
 * Counts what `widgets` render to: every leaf widget, and every metric a widget retrieves (each
 * `[namespace, name, ...dimensions]` entry, shown or only used by metric math; an expression is
 * not a metric; a Contributor Insights graph as its contributors). `resolve` turns tokens into
 * what the template will hold.
 */
export function usageOf(widgets: cloudwatch.IWidget[], stack: Stack): DashboardUsage {
  const json = widgets.flatMap(widget => widget.toJson());
  // Resolved first: a graph's metric entries are tokens until then.
  const rendered = stack.resolve(json) as any[];
  const perWidget = rendered.map(metricsRetrievedBy);
  return {
    widgets: rendered.length,
    metrics: perWidget.reduce((sum: number, count: number) => sum + count, 0),
    // As the template holds a body: a string, joined with the values of other resources.
    bodyCharacters: JSON.stringify(stack.resolve(stack.toJsonString(json)), undefined, 1).length,
    references: referencesIn(rendered).size,
    largestWidgetMetrics: Math.max(0, ...perWidget),
  };
}

/**
 * The metrics a rendered widget retrieves. A Contributor Insights graph lists no metric, and the
 * quota page does not say how CloudWatch counts it: it is counted as the lines it draws, one per
 * contributor, which errs on the safe side.
 */
function metricsRetrievedBy(widget: any): number {
  const insightRule = widget.properties?.insightRule;
  if (insightRule !== undefined) {
    return insightRule.maxContributorCount;
  }
  return (widget.properties?.metrics ?? []).filter((entry: unknown) => Array.isArray(entry) && typeof entry[0] === 'string').length;
}

/** The `Ref`s and `Fn::GetAtt`s of resources in a resolved value; pseudo parameters (`AWS::Region`) are not values of a resource. */
function referencesIn(value: unknown, found = new Set<string>()): Set<string> {
  if (Array.isArray(value)) {
    value.forEach(entry => referencesIn(entry, found));
  } else if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value);
    const [key, argument] = entries.length === 1 ? entries[0] : [undefined, undefined];
    if (key === 'Ref' && typeof argument === 'string' && !argument.startsWith('AWS::')) {
      found.add(`Ref ${argument}`);
    } else if (key === 'Fn::GetAtt') {
      found.add(`GetAtt ${JSON.stringify(argument)}`);
    } else {
      entries.forEach(([, entry]) => referencesIn(entry, found));
    }
  }
  return found;
}
