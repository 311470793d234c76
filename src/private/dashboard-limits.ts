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
   * (CloudFormation user guide, "CloudFormation quotas", template body size). AWS states no limit
   * for the body itself; this budget (characters of rendered JSON, before CloudFormation joins the
   * tokens) keeps one dashboard to a fifth of a template, so that the tables and alarms it draws
   * still fit beside it.
   */
  bodyCharacters: 200_000,
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
  const rendered = widgets.flatMap(widget => widget.toJson());
  const perWidget = rendered.map(widget => (widget.properties?.metrics ?? [])
    .filter((entry: unknown) => Array.isArray(entry) && typeof entry[0] === 'string').length);
  return {
    widgets: rendered.length,
    metrics: perWidget.reduce((sum: number, count: number) => sum + count, 0),
    bodyCharacters: JSON.stringify(resolve(rendered)).length,
    largestWidgetMetrics: Math.max(0, ...perWidget),
  };
}
