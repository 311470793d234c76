import { Aws, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { IConstruct } from 'constructs';
import { millisecondsThreshold, ONE_MINUTE } from './alarm';
import { HotKeysWidget } from './hot-keys-widget';
import { TableAlarmsView } from './table-alarms-view';
import { InsightsScope, RenderedTable } from './table-introspection';
import {
  AlarmScope, inGroups, isUnverifiedMetric, latencyOf, metric, replicationOf, scopeDimensions, scopeLabel, systemErrorsOf,
  throttleCauses, throttlesOf,
} from './table-metrics';

const UNVERIFIED_LINE = ' (writes UNVERIFIED)';

/** A graph a third of the dashboard wide: three to a row. */
export const GRAPH_WIDTH = 8;
export const GRAPH_HEIGHT = 6;
/** The dashboard grid is 24 units wide. */
export const FULL_WIDTH = 24;

/**
 * The widgets of one table, in the order the issue asks: a header, the throttles by cause, the
 * capacity, the hot keys (with `hotKeys`: a graph per scope with Contributor Insights on, left
 * unbound for the dashboard to bind), the errors, the latency, and replication with each replica
 * region's throttles.
 *
 * A graph that stands for an alarm draws that alarm's own metric and its threshold (an
 * annotation); where `alarms` made none (`AlarmActions.none()`), the same expression is built
 * from the table's facts and drawn without a threshold.
 */
export function tableWidgets(view: TableAlarmsView, alarms: IConstruct, hotKeys: boolean): cloudwatch.IWidget[] {
  const tableName = view.table.tableName;
  const facts = view.facts;
  const scopes = [facts.table, ...facts.indexes];
  const alarmed = alarmsUnder(alarms);
  const hasAlarms = alarmed.size > 0;
  const region = Stack.of(alarms).region;
  const rendered = hotKeys ? RenderedTable.of(view.table) : undefined;
  const insights = rendered?.insightsScopes() ?? [];
  const widgets: cloudwatch.IWidget[] = [header(view, region, insights.length > 0)];

  // Throttles by cause: one graph per alarm (a group of up to five scopes), with a line per scope.
  for (const cause of throttleCauses(scopes, facts.billingMode)) {
    const groups = hasAlarms
      ? numbered(alarmed, cause.id).map(alarm => ({ expression: alarm.metric as cloudwatch.MathExpression, alarm }))
      : inGroups(cause.scopes, () => 2).map(group => ({
        expression: throttlesOf(tableName, group, cause.reason, `${cause.cause} throttles`), alarm: undefined,
      }));
    for (const { expression, alarm } of groups) {
      const unverified = Object.values(expression.usingMetrics).some(isUnverified);
      const lines = termLines(expression, throttleLineLabel);
      const names = lines.map(line => line.label!.replace(UNVERIFIED_LINE, ''));
      widgets.push(graph({
        title: `Throttles: ${cause.cause} (${names.join(', ')})${unverified ? ', index writes UNVERIFIED: may never be published' : ''}`,
        // A group of one scope is its own line already.
        left: lines.length > 1 ? [expression, ...lines] : [expression],
        leftAnnotations: alarm ? [alarm.toAnnotation()] : undefined,
      }));
    }
  }

  // Capacity: each scope's consumption per second against its own ceiling, the GSIs included.
  const ceilinged = scopes.filter(scope => scope.maxReadUnits !== undefined || scope.maxWriteUnits !== undefined);
  for (const scope of ceilinged) {
    widgets.push(graph({
      title: `Consumed capacity per second: ${scopeLabel(scope)}, against its maximum`,
      left: consumedPerSecond(tableName, scope, 0),
      leftAnnotations: ceilingAnnotations(scope),
    }));
  }
  const unbounded = scopes.filter(scope => !ceilinged.includes(scope));
  if (unbounded.length > 0) {
    widgets.push(graph({
      title: 'Consumed capacity per second (no maximum set)',
      left: unbounded.flatMap((scope, i) => consumedPerSecond(tableName, scope, i)),
    }));
  }
  for (const alarm of numbered(alarmed, 'CapacityCeiling')) {
    widgets.push(graph({ title: 'Consumption, % of the maximum (the highest scope)', left: [alarm.metric], leftAnnotations: [alarm.toAnnotation()] }));
  }

  // The keys behind a hot-key throttle, where DynamoDB keeps a rule of them.
  // The stack's region, as the graphs above name it.
  widgets.push(...hotKeyWidgets(insights, undefined, Aws.REGION));

  // Errors and latency of the operations the alarms watch.
  const systemErrors = alarmed.get('SystemErrors');
  const errors = (systemErrors?.metric as cloudwatch.MathExpression | undefined) ?? systemErrorsOf(tableName, view.systemErrorOperations);
  widgets.push(graph({
    title: 'System errors (HTTP 500)',
    left: [errors, ...termLines(errors, operationLabel)],
    leftAnnotations: systemErrors ? [systemErrors.toAnnotation()] : undefined,
  }));
  const latencyAlarm = alarmed.get('Latency');
  const latency = (latencyAlarm?.metric as cloudwatch.MathExpression | undefined) ?? latencyOf(tableName, view.latencyOperations);
  widgets.push(graph({
    title: 'p99 latency of successful requests (ms)',
    left: [latency, ...termLines(latency, operationLabel)],
    leftAnnotations: latencyAlarm ? [latencyAlarm.toAnnotation()] : undefined,
  }));

  // Replication to each replica, and throttles where the replica serves its own traffic.
  for (const replica of facts.replicaRegions) {
    const alarm = alarmed.get(`ReplicationLatency${replica}`);
    const replication = alarm?.metric ?? replicationOf(tableName, replica, millisecondsThreshold(view.replicationLatencyThreshold));
    widgets.push(graph({
      title: `Replication latency to ${replica} (ms)`,
      left: [replication],
      leftAnnotations: alarm ? [alarm.toAnnotation()] : undefined,
    }));
    const causes = throttleCauses(scopes, facts.billingMode);
    const expressions = causes.map((cause, i) => throttlesOf(tableName, cause.scopes, cause.reason, cause.cause, `c${i}`));
    const unverified = expressions.some(expression => Object.values(expression.usingMetrics).some(isUnverified));
    widgets.push(graph({
      title: `Throttles in ${replica}, by cause, table and indexes${unverified ? ' (index writes of the quota UNVERIFIED)' : ''}`,
      left: expressions,
      region: replica,
    }));
    widgets.push(...hotKeyWidgets(rendered?.insightsScopes(replica) ?? [], replica, replica));
  }
  return widgets;
}

/** A hot-key graph for each scope, in the stack's region (`replicaRegion` undefined) or a replica's. */
function hotKeyWidgets(insights: InsightsScope[], replicaRegion: string | undefined, region: string): HotKeysWidget[] {
  const where = replicaRegion === undefined ? '' : ` in ${replicaRegion}`;
  return insights.map(scope => new HotKeysWidget(scope, replicaRegion,
    `Hot keys${where}: ${scopeLabel(scope)}, its most throttled partition keys (Contributor Insights)`, region, GRAPH_WIDTH, GRAPH_HEIGHT));
}

/** The table's name and path, and where its hot keys are: see the README, "Dashboard". */
function header(view: TableAlarmsView, region: string, hotKeysDrawn: boolean): cloudwatch.TextWidget {
  const table = view.table;
  const replicas = view.facts.replicaRegions;
  return new cloudwatch.TextWidget({
    width: FULL_WIDTH,
    height: 2,
    markdown: [
      `### Table ${table.tableName} \`${table.node.path}\`${replicas.length > 0 ? `, replicas in ${replicas.join(', ')}` : ''}`,
      // Without StackDashboard.drawHotKeys() no graph can name the rules: their names are known at deploy only.
      `${hotKeysDrawn
        ? 'Hot keys: the partition keys in the graphs below; the sort keys and the most accessed keys'
        : 'Hot keys: the Contributor Insights graphs'} on the table's Monitor tab in the `
        + `[DynamoDB console](https://console.aws.amazon.com/dynamodbv2/home?region=${region}#table?name=${table.tableName}).`,
    ].join('\n\n'),
  });
}

function graph(props: cloudwatch.GraphWidgetProps): cloudwatch.GraphWidget {
  return new cloudwatch.GraphWidget({
    width: GRAPH_WIDTH,
    height: GRAPH_HEIGHT,
    period: ONE_MINUTE,
    leftYAxis: { min: 0 },
    ...props,
  });
}

/**
 * A line for each term of an expression: the metrics whose ids end in the same number (`r2` and
 * `w2` are one scope; `e3` is one operation), added. The lines reuse the expression's ids, so
 * CloudWatch retrieves each metric once.
 */
function termLines(expression: cloudwatch.MathExpression, labelOf: (metric: cloudwatch.Metric) => string): cloudwatch.MathExpression[] {
  const terms = new Map<string, Record<string, cloudwatch.IMetric>>();
  for (const [id, used] of Object.entries(expression.usingMetrics)) {
    const term = /\d+$/.exec(id)?.[0] ?? id;
    terms.set(term, { ...terms.get(term), [id]: used });
  }
  return [...terms.values()].map(usingMetrics => {
    const first = Object.values(usingMetrics)[0] as cloudwatch.Metric;
    const unverified = Object.values(usingMetrics).some(isUnverified);
    return new cloudwatch.MathExpression({
      expression: Object.keys(usingMetrics).join(' + '),
      usingMetrics,
      label: `${labelOf(first)}${unverified ? UNVERIFIED_LINE : ''}`,
      period: ONE_MINUTE,
    });
  });
}

function throttleLineLabel(used: cloudwatch.Metric): string {
  const index = used.dimensions?.GlobalSecondaryIndexName;
  return index === undefined ? 'table' : `index ${index}`;
}

function operationLabel(used: cloudwatch.Metric): string {
  return `${used.dimensions?.Operation}`;
}

function isUnverified(used: cloudwatch.IMetric): boolean {
  return used instanceof cloudwatch.Metric && isUnverifiedMetric(used.metricName, Object.keys(used.dimensions ?? {}));
}

/**
 * Consumed units per second: DynamoDB publishes the sum per period, so divide by the period
 * (PERIOD(), "Metric math syntax and functions"), which stays right when the console zooms out.
 */
function consumedPerSecond(tableName: string, scope: AlarmScope, i: number): cloudwatch.MathExpression[] {
  const dimensions = scopeDimensions(tableName, scope);
  return (['Read', 'Write'] as const).map(direction => {
    const id = `${direction === 'Read' ? 'cr' : 'cw'}${i}`;
    return new cloudwatch.MathExpression({
      expression: `${id} / PERIOD(${id})`,
      usingMetrics: { [id]: metric(`Consumed${direction}CapacityUnits`, dimensions, 'Sum') },
      label: `${scopeLabel(scope)}: ${direction.toLowerCase()} units/s`,
      period: ONE_MINUTE,
    });
  });
}

function ceilingAnnotations(scope: AlarmScope): cloudwatch.HorizontalAnnotation[] {
  const annotations: cloudwatch.HorizontalAnnotation[] = [];
  if (scope.maxReadUnits !== undefined) {
    annotations.push({ value: scope.maxReadUnits, label: `read maximum ${scope.maxReadUnits}/s` });
  }
  if (scope.maxWriteUnits !== undefined) {
    annotations.push({ value: scope.maxWriteUnits, label: `write maximum ${scope.maxWriteUnits}/s` });
  }
  return annotations;
}

/** The alarms made under `scope`, by construct id. */
function alarmsUnder(scope: IConstruct): Map<string, cloudwatch.Alarm> {
  return new Map(scope.node.children
    .filter((child): child is cloudwatch.Alarm => child instanceof cloudwatch.Alarm)
    .map(alarm => [alarm.node.id, alarm]));
}

/** `id`, `id2`, `id3`, ...: the alarms of one cause, a group of scopes each. */
function numbered(alarms: Map<string, cloudwatch.Alarm>, id: string): cloudwatch.Alarm[] {
  return [...alarms.entries()].filter(([name]) => new RegExp(`^${id}\\d*$`).test(name)).map(([, alarm]) => alarm);
}
