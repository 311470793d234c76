import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';

/**
 * What one CloudWatch dashboard may hold. A stack whose tables need more gets another dashboard:
 * CloudWatch refuses a body over these limits, and that would fail the deploy.
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
   * The body is inlined in the template, which CloudFormation accepts up to 1 MB from S3
   * ("CloudFormation quotas", template body size in an Amazon S3 object). AWS states no limit of
   * the body's own, and a second dashboard does not shrink the template, so the body splits only
   * where one dashboard alone could not fit a template. Characters of rendered JSON, before
   * CloudFormation joins the tokens.
   */
  bodyCharacters: 1_000_000,
  /** Beyond this, the dashboards take a quarter of what a template may hold: the stack is warned. */
  templateShareCharacters: 250_000,
} as const;

/** What a group of widgets costs against the limits. */
export interface DashboardUsage {
  readonly widgets: number;
  readonly metrics: number;
  readonly bodyCharacters: number;
  /** The most metrics any one widget of the group retrieves. */
  readonly largestWidgetMetrics: number;
}

/**
 * Counts what `widgets` render to: every leaf widget, and every metric a widget retrieves (each
 * `[namespace, name, ...dimensions]` entry, shown or only used by metric math; an expression is
 * not a metric). `resolve` turns tokens into what the template will hold.
 */
export function usageOf(widgets: cloudwatch.IWidget[], resolve: (value: unknown) => unknown): DashboardUsage {
  // Resolved first: a graph's metric entries are tokens until then.
  const rendered = resolve(widgets.flatMap(widget => widget.toJson())) as any[];
  const perWidget = rendered.map(widget => (widget.properties?.metrics ?? [])
    .filter((entry: unknown) => Array.isArray(entry) && typeof entry[0] === 'string').length);
  return {
    widgets: rendered.length,
    metrics: perWidget.reduce((sum: number, count: number) => sum + count, 0),
    bodyCharacters: JSON.stringify(rendered).length,
    largestWidgetMetrics: Math.max(0, ...perWidget),
  };
}
