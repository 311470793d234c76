import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { App, Duration, Stack, Validations } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { AlarmActions, AlarmTopic, HardenedKey, ProductionTable, ProductionTableProps, StackDashboard, TableAlarms } from '../src';
import { listFindings, synthWithChecks } from './compliance-harness';
import { dashboardsOf, expressionsOf, metricsOf, ParsedDashboard, standIn } from './dashboard-body';
import { envIn, pk, sk } from './fixtures';
import { ALLOWED_DIMENSIONS, UNVERIFIED_DIMENSIONS } from './metric-dimensions.data';
import { DASHBOARD_LIMITS } from '../src/private/dashboard-limits';
import { dashboardName, linkAlarmToDashboard, MAX_ALARM_DESCRIPTION } from '../src/private/dashboard-link';
import { fixedMonthlyCost } from '../src/private/fixed-cost';
import { US_EAST_1 } from '../src/private/prices';
import { isUnverifiedMetric } from '../src/private/table-metrics';

// Not REGION: the snapshot's dashboards were drawn in us-east-1.
const ENV = envIn('us-east-1');
const gsi = (indexName: string): dynamodb.GlobalSecondaryIndexPropsV2 =>
  ({ indexName, partitionKey: { name: indexName, type: dynamodb.AttributeType.STRING } });

/**
 * The consumers' metrics, from Lambda's "Types of metrics for Lambda functions" (IteratorAge per
 * FunctionName; FailedInvokeEventCount and DroppedEventCount per EventSourceMappingUUID) and
 * SQS's "Available CloudWatch metrics for Amazon SQS" (QueueName).
 */
const CONSUMER_DIMENSIONS: Record<string, string[][]> = {
  'AWS/Lambda/IteratorAge': [['FunctionName']],
  'AWS/Lambda/FailedInvokeEventCount': [['EventSourceMappingUUID']],
  'AWS/Lambda/DroppedEventCount': [['EventSourceMappingUUID']],
  'AWS/SQS/ApproximateNumberOfMessagesVisible': [['QueueName']],
};

function handler(stack: Stack, id = 'Handler'): lambda.Function {
  return new lambda.Function(stack, id, { runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => {}') });
}

/** A table with replicas whose keys come from the props, so the app makes no replica key stacks. */
function replicated(key: kms.IKey, regions: string[]): Partial<ProductionTableProps> {
  return {
    encryption: dynamodb.TableEncryptionV2.customerManagedKey(key,
      Object.fromEntries(regions.map(region => [region, `arn:aws:kms:${region}:111111111111:key/replica`]))),
    replicas: regions.map(region => ({ region })),
  };
}

/** What a widget retrieves, as the library counts it: a Contributor Insights graph as its contributors. */
const retrievedBy = (widget: any) => widget.properties?.insightRule?.maxContributorCount ?? metricsOf(widget).length;
const widgetsOf = (dashboards: ParsedDashboard[]) => dashboards.flatMap(dashboard => dashboard.body.widgets);
const headers = (dashboards: ParsedDashboard[]) => widgetsOf(dashboards)
  .filter((widget: any) => widget.type === 'text' && widget.properties.markdown.startsWith('### Table'))
  .map((widget: any) => /`([^`]+)`/.exec(widget.properties.markdown)![1]);

describe('a small stack: one table with a GSI and a replica, one stream consumer', () => {
  // GIVEN the dashboard asked for before the table and consumer exist
  const stack = new Stack(new App(), 'Shop', { env: ENV });
  const dashboard = StackDashboard.of(stack);
  const key = new HardenedKey(stack, 'Key', { description: 'k' });
  const orders = new ProductionTable(stack, 'Orders', { partitionKey: pk, globalSecondaryIndexes: [gsi('byStatus')], ...replicated(key, ['us-west-2']) });
  orders.addStreamConsumer('Projector', { handler: handler(stack) });
  // AND an index added to the table after all that
  orders.addGlobalSecondaryIndex(gsi('byCustomer'));
  const template = Template.fromStack(stack);
  const [parsed] = dashboardsOf(stack);
  const widgets: any[] = parsed.body.widgets;
  const alarms = template.findResources('AWS::CloudWatch::Alarm');

  test('one dashboard, named for the stack and the region, that the construct returns', () => {
    expect(dashboardsOf(stack).map(d => d.name)).toEqual(['Shop-DynamoDB-us-east-1']);
    expect(dashboard.dashboards).toHaveLength(1);
    expect(StackDashboard.of(orders)).toBe(dashboard);
  });

  test('widget order: the text, the alarm status, the table (throttles, capacity, errors, latency, replication), then the consumer', () => {
    const kinds = widgets.map(widget => widget.type === 'metric' ? widget.properties.title.split(/[:(]/)[0].trim() : widget.type);

    expect(kinds).toEqual([
      'text', 'alarm', 'text',
      'Throttles', 'Throttles', 'Throttles', 'Throttles',
      'Consumed capacity per second',
      'System errors', 'p99 latency of successful requests',
      'Replication latency to us-west-2', 'Throttles in us-west-2, by cause, table and indexes',
      'Stream consumer Shop/Orders/Projector', 'Stream consumer Shop/Orders/Projector', 'Stream consumer Shop/Orders/Projector',
    ]);
    expect(widgets[0].properties.markdown).toContain('Generated by cdk-dynamodb-kit `StackDashboard` from the CDK stack `Shop`');
  });

  test('the alarm status widget lists every alarm of the stack, and each alarm links to this dashboard', () => {
    const listed = widgets[1].properties.alarms.map((arn: string) => /<GetAtt (\w+)\.Arn>/.exec(arn)![1]);

    expect(listed.sort()).toEqual(Object.keys(alarms).sort());
    for (const alarm of Object.values(alarms)) {
      expect(alarm.Properties.AlarmDescription).toMatch(/\nDashboard: https:\/\/console\.aws\.amazon\.com\/cloudwatch\/home\?region=us-east-1#dashboards:name=Shop-DynamoDB-us-east-1$/);
    }
  });

  test('the late index is drawn with the alarm TableAlarms made for it, HotKeyThrottles2, a line for it beside the group\'s expression', () => {
    const hotKeys = widgets.filter(widget => widget.properties.title?.startsWith('Throttles: a hot key or partition'));

    expect(hotKeys.map(widget => widget.properties.title)).toEqual([
      'Throttles: a hot key or partition (table, index byStatus)', 'Throttles: a hot key or partition (index byCustomer)',
    ]);

    expect(hotKeys.map(widget => metricsOf(widget).map(m => m.dimensions.GlobalSecondaryIndexName ?? 'table')))
      .toEqual([['table', 'table', 'byStatus', 'byStatus'], ['byCustomer', 'byCustomer']]);
    expect(hotKeys.map(widget => widget.properties.metrics.map((entry: any[]) => entry[0].label).filter(Boolean)))
      .toEqual([['a hot key or partition throttles', 'table', 'index byStatus'], ['a hot key or partition throttles']]);
  });

  test('each widget names its region; the replica\'s throttles are read in the replica\'s region', () => {
    for (const widget of widgets.filter(w => w.type === 'metric')) {
      expect(widget.properties.region).toEqual(widget.properties.title.startsWith('Throttles in us-west-2') ? 'us-west-2' : '<Ref AWS::Region>');
    }
  });

  test('the body, for review', () => {
    expect(parsed.body).toMatchSnapshot();
  });
});

describe('every metric on the dashboard is one AWS publishes', () => {
  // GIVEN tables that between them draw every kind of graph: provisioned with maximums, on demand
  // with maximums and the latency alarm, a replica, a consumer
  const stack = new Stack(new App(), 'Stack', { env: ENV });
  StackDashboard.of(stack);
  const key = new HardenedKey(stack, 'Key', { description: 'k' });
  new ProductionTable(stack, 'Ledger', {
    partitionKey: pk,
    billing: dynamodb.Billing.provisioned({
      readCapacity: dynamodb.Capacity.autoscaled({ maxCapacity: 100 }), writeCapacity: dynamodb.Capacity.autoscaled({ maxCapacity: 50 }),
    }),
    globalSecondaryIndexes: [gsi('byDate')],
    ...replicated(key, ['eu-west-1']),
  });
  const orders = new ProductionTable(stack, 'Orders', {
    partitionKey: pk,
    billing: dynamodb.Billing.onDemand({ maxReadRequestUnits: 1000, maxWriteRequestUnits: 500 }),
    globalSecondaryIndexes: [{ ...gsi('byStatus'), maxReadRequestUnits: 100, maxWriteRequestUnits: 50 }],
    alarms: { latencyThreshold: Duration.millis(50) },
  });
  orders.addStreamConsumer('Projector', { handler: handler(stack) });
  const template = Template.fromStack(stack);
  const widgets = widgetsOf(dashboardsOf(stack)).filter((widget: any) => widget.type === 'metric');
  const drawn = widgets.flatMap((widget: any) => metricsOf(widget).map(m => ({ widget, metric: m })));

  test('its namespace and dimensions are a set that the metrics pages list (or a recorded unverified set)', () => {
    expect(drawn.length).toBeGreaterThan(0);
    for (const { metric } of drawn) {
      const metricKey = `${metric.namespace}/${metric.metricName}`;
      const dimensions = Object.keys(metric.dimensions).sort();
      const allowed = ALLOWED_DIMENSIONS[metricKey] ?? CONSUMER_DIMENSIONS[metricKey];
      const unverified = UNVERIFIED_DIMENSIONS.some(entry => `${entry.namespace}/${entry.metricName}` === metricKey
        && JSON.stringify(entry.dimensions) === JSON.stringify(dimensions));
      const where = `${metricKey} [${dimensions.join(', ')}]`;
      expect({ where, listed: (allowed ?? []).some(set => JSON.stringify(set) === JSON.stringify(dimensions)) || unverified })
        .toEqual({ where, listed: true });
    }
  });

  test('a graph that draws an unverified set says UNVERIFIED in its title and in the line\'s label', () => {
    const unverified = drawn.filter(({ metric }) => UNVERIFIED_DIMENSIONS.some(entry => entry.metricName === metric.metricName
      && JSON.stringify(entry.dimensions) === JSON.stringify(Object.keys(metric.dimensions).sort())));

    expect(unverified.length).toBeGreaterThan(0);
    for (const { widget } of unverified) {
      expect(widget.properties.title).toContain('UNVERIFIED');
    }
    const labels = widgets.flatMap((widget: any) => widget.properties.metrics.map((entry: any[]) => entry[0].label)).filter(Boolean);
    expect(labels).toContain('index byStatus (writes UNVERIFIED)');
  });

  test('the library\'s own test for unverified sets agrees with the UNVERIFIED_DIMENSIONS list', () => {
    for (const entry of UNVERIFIED_DIMENSIONS) {
      expect(isUnverifiedMetric(entry.metricName, entry.dimensions)).toBe(true);
    }
    for (const [metricKey, sets] of Object.entries(ALLOWED_DIMENSIONS)) {
      for (const set of sets) {
        expect({ metricKey, set, unverified: isUnverifiedMetric(metricKey.split('/').pop()!, set) }).toEqual({ metricKey, set, unverified: false });
      }
    }
  });

  test('each alarm is drawn: a graph shows its expression or metric, the same metrics, and its threshold', () => {
    const alarms = Object.entries(template.findResources('AWS::CloudWatch::Alarm'));
    expect(alarms.length).toBeGreaterThan(10);
    for (const [logicalId, { Properties: p }] of alarms) {
      const stats = p.Metrics
        ? p.Metrics.filter((q: any) => q.MetricStat).map((q: any) => ({ id: q.Id, stat: q.MetricStat.Stat, metric: q.MetricStat.Metric }))
        : [{ id: undefined, stat: p.Statistic, metric: { Namespace: p.Namespace, MetricName: p.MetricName, Dimensions: p.Dimensions } }];
      const expression = p.Metrics?.find((q: any) => q.Expression)?.Expression;
      const drawsIt = widgets.some((widget: any) =>
        (widget.properties.annotations?.horizontal ?? []).some((a: any) => a.value === p.Threshold)
        && (expression === undefined || expressionsOf(widget).includes(expression))
        && stats.every((s: any) => metricsOf(widget).some(m => m.namespace === s.metric.Namespace && m.metricName === s.metric.MetricName
          && (m.options.stat ?? 'Average') === s.stat && (s.id === undefined || m.options.id === s.id)
          && JSON.stringify(m.dimensions) === JSON.stringify(
            Object.fromEntries((s.metric.Dimensions ?? []).map((d: any) => [d.Name, standIn(d.Value)]))))));
      expect({ logicalId, drawsIt }).toEqual({ logicalId, drawsIt: true });
    }
  });

  test('each scope with a maximum has its own consumption graph, against its own maxima (cdk-monitoring-constructs #362)', () => {
    const byDate = widgets.find((widget: any) => widget.properties.title === 'Consumed capacity per second: index byDate, against its maximum');

    expect(metricsOf(byDate).map(m => m.dimensions.GlobalSecondaryIndexName)).toEqual(['byDate', 'byDate']);
    // a GSI without capacity of its own inherits the table's autoscaling maxima
    expect(byDate.properties.annotations.horizontal.map((a: any) => a.value)).toEqual([100, 50]);
    const byStatus = widgets.find((widget: any) => widget.properties.title === 'Consumed capacity per second: index byStatus, against its maximum');
    expect(byStatus.properties.annotations.horizontal.map((a: any) => a.value)).toEqual([100, 50]);
    expect(expressionsOf(byStatus)).toEqual(['cr0 / PERIOD(cr0)', 'cw0 / PERIOD(cw0)']);
  });
});

describe.each([
  ['as drawn by default', false, 2],
  ['with drawHotKeys(): 18 hot-key graphs and 3 lookups more per table', true, 5],
] as const)('40 tables, each with 5 GSIs and 2 replicas, and a consumer each, %s', (_name, hotKeys, expectedDashboards) => {
  // GIVEN (synthesized once: this is the slow part)
  const stack = new Stack(new App(), 'Big', { env: ENV });
  if (hotKeys) {
    StackDashboard.of(stack).drawHotKeys();
  } else {
    StackDashboard.of(stack);
  }
  const key = new HardenedKey(stack, 'Key', { description: 'k' });
  const fn = handler(stack);
  const paths: string[] = [];
  for (let i = 0; i < 40; i++) {
    const table = new ProductionTable(stack, `T${i}`, {
      partitionKey: pk,
      globalSecondaryIndexes: ['gsiA', 'gsiB', 'gsiC', 'gsiD', 'gsiE'].map(gsi),
      backup: false,
      ...replicated(key, ['us-west-2', 'eu-west-1']),
    });
    paths.push(table.node.path);
    if (i < 2) {
      // Two readers of a global table's stream would be warned about; one is enough to be drawn.
      table.addStreamConsumer('Projector', { handler: fn });
    }
  }
  const template = Template.fromStack(stack);
  const dashboards = dashboardsOf(stack);
  const alarms = template.findResources('AWS::CloudWatch::Alarm');

  test(`they need ${expectedDashboards} dashboards, and each stays within every CloudWatch limit`, () => {
    expect(dashboards).toHaveLength(expectedDashboards);
    for (const dashboard of dashboards) {
      const widgets: any[] = dashboard.body.widgets;
      const metricCounts = widgets.map(retrievedBy);
      expect(widgets.length).toBeLessThanOrEqual(DASHBOARD_LIMITS.widgets);
      expect(metricCounts.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(DASHBOARD_LIMITS.metrics);
      expect(Math.max(...metricCounts)).toBeLessThanOrEqual(DASHBOARD_LIMITS.metricsPerWidget);
      for (const status of widgets.filter(widget => widget.type === 'alarm')) {
        expect(status.properties.alarms.length).toBeLessThanOrEqual(DASHBOARD_LIMITS.alarmsPerStatusWidget);
      }
    }
  });

  test('each dashboard is in a nested stack of its own, whose template stays under 1 MB with a margin and declares at most 200 parameters', () => {
    for (const dashboard of dashboards) {
      expect(Object.keys(dashboard.template.Resources).filter(id => dashboard.template.Resources[id].Type === 'AWS::CloudWatch::Dashboard'))
        .toEqual([dashboard.logicalId]);
      expect(dashboard.templateCharacters).toBeLessThanOrEqual(0.9 * DASHBOARD_LIMITS.templateCharacters);
      expect(Object.keys(dashboard.template.Parameters ?? {}).length).toBeLessThanOrEqual(200);
      // Each value the parent passes fits CloudFormation's 4,096 bytes, with the longest names.
      const parent = template.findResources('AWS::CloudFormation::Stack');
      for (const resource of Object.values(parent)) {
        for (const value of Object.values<any>(resource.Properties.Parameters ?? {})) {
          const arns = value['Fn::Join']?.[1] ?? [value];
          expect(arns.length * 332).toBeLessThanOrEqual(4096);
        }
      }
    }
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 0);
  });

  test('the dashboards add under 5 % of 1 MB to the parent template, and aws-cdk-lib says when the tables pass 1 MB', () => {
    // Two nested stack resources and their parameters; no body.
    const parent = JSON.stringify(template.toJSON(), undefined, 1);
    const parameters = JSON.stringify({
      ...template.findResources('AWS::CloudFormation::Stack'), ...template.findResources('AWS::CloudWatch::Dashboard'),
    }, undefined, 1);
    expect(parameters.length).toBeLessThan(0.05 * DASHBOARD_LIMITS.templateCharacters);
    if (parent.length > DASHBOARD_LIMITS.templateCharacters) {
      Annotations.fromStack(stack).hasWarning('/Big', Match.stringLikeRegexp('Template size exceeds limit'));
    }
    // For the report: what the largest tables cost.
    console.log(dashboards.map(d => `${d.name}: ${d.body.widgets.length} widgets, `
      + `${d.body.widgets.reduce((sum: number, w: any) => sum + retrievedBy(w), 0)} metrics, body ${d.bodyCharacters} characters, `
      + `${Object.keys(d.template.Resources).length} resources, `
      + `nested template ${d.templateCharacters} characters, ${Object.keys(d.template.Parameters ?? {}).length} parameters; `)
      .join('') + `parent template ${parent.length} characters, of which the nested stack resources ${parameters.length}`);
  });

  test('every table and consumer appears exactly once', () => {
    expect(headers(dashboards).sort()).toEqual([...paths].sort());
    const consumerGraphs = widgetsOf(dashboards).filter((widget: any) => widget.properties?.title?.startsWith('Stream consumer'));
    expect(consumerGraphs).toHaveLength(2 * 3);
    const hotKeyGraphs = widgetsOf(dashboards).filter((widget: any) => widget.properties?.insightRule !== undefined);
    // The table and its 5 GSIs, in its own region and in each of its 2 replicas'.
    expect(hotKeyGraphs).toHaveLength(hotKeys ? 40 * 6 * 3 : 0);
  });

  test('each hot-key graph names a rule its own dashboard\'s stack looks up; every lookup asks the one function', () => {
    for (const dashboard of dashboards) {
      const lookups = Object.entries<any>(dashboard.template.Resources).filter(([, resource]) => resource.Type === 'Custom::DynamoDbContributorInsightsRules');
      const graphs = dashboard.body.widgets.filter((widget: any) => widget.properties?.insightRule !== undefined);
      for (const graph of graphs) {
        const [, logicalId, attribute] = /^<GetAtt (\w+)\.(Rule\d+)>$/.exec(graph.properties.insightRule.ruleName)!;
        expect(lookups.map(([id]) => id)).toContain(logicalId);
        const lookup = dashboard.template.Resources[logicalId].Properties;
        const scope = lookup.Scopes[Number(attribute.slice('Rule'.length))];
        const where = lookup.Region === undefined ? '' : ` in ${lookup.Region}`;
        expect(graph.properties.title).toEqual(`Hot keys${where}: ${scope.IndexName === undefined ? 'the table' : `index ${scope.IndexName}`}, its most throttled partition keys (Contributor Insights)`);
        expect(graph.properties.region).toEqual(lookup.Region ?? '<Ref AWS::Region>');
      }
      expect(lookups).toHaveLength(graphs.length / 6);
      // Far from CloudFormation's 500 resources to a template.
      expect(Object.keys(dashboard.template.Resources).length).toBeLessThan(100);
    }
    const functions = dashboards.flatMap(d => Object.values<any>(d.template.Resources).filter(resource => resource.Type === 'AWS::Lambda::Function'));
    expect(functions).toHaveLength(hotKeys ? 1 : 0);
  });

  test('every alarm is in exactly one status widget, and links to the dashboard that shows it', () => {
    for (const [logicalId, alarm] of Object.entries(alarms)) {
      const showing = dashboards.filter(d => d.body.widgets.some((w: any) => w.type === 'alarm' && w.properties.alarms.includes(`<GetAtt ${logicalId}.Arn>`)));
      expect({ logicalId, showing: showing.length }).toEqual({ logicalId, showing: 1 });
      expect(alarm.Properties.AlarmDescription.endsWith(`#dashboards:name=${showing[0].name}`)).toBe(true);
      expect(alarm.Properties.AlarmDescription.length).toBeLessThanOrEqual(MAX_ALARM_DESCRIPTION);
    }
  });

  test('each dashboard\'s text links to the others', () => {
    const intro = dashboards[0].body.widgets[0].properties.markdown;
    expect(intro).toContain('(dashboard 1 · [2](https://console.aws.amazon.com/cloudwatch/home?region=us-east-1#dashboards:name=Big-DynamoDB-us-east-1-2)');
  });
});

describe('dashboard names never collide', () => {
  const NAME = /^[A-Za-z0-9_-]{1,255}$/;

  test('two stacks, and one stack in two regions, get different names; every name is allowed', () => {
    // GIVEN
    const app = new App();
    const stacks = [
      new Stack(app, 'A', { env: ENV }),
      new Stack(app, 'B', { env: ENV }),
      new Stack(app, 'A-eu', { stackName: 'A', env: { ...ENV, region: 'eu-west-1' } }),
    ];

    // WHEN
    const names = stacks.map(stack => stack.resolve(dashboardName(stack, 1)));

    // THEN
    expect(new Set(names).size).toBe(3);
    names.forEach(name => expect(name).toMatch(NAME));
  });

  test('an environment-agnostic stack names its dashboards with the region it is deployed in', () => {
    // GIVEN
    const stack = new Stack(new App(), 'Agnostic');
    StackDashboard.of(stack);
    new ProductionTable(stack, 'Orders', { partitionKey: pk });

    // WHEN
    const [dashboard] = dashboardsOf(stack);

    // THEN
    expect(dashboard.name).toEqual('Agnostic-DynamoDB-<Ref AWS::Region>');
  });

  test('the longest stack name in the longest region stays within 255 allowed characters', () => {
    const stack = new Stack(new App(), 'S', { stackName: `S${'x'.repeat(127)}`, env: { ...ENV, region: 'ap-southeast-5' } });

    expect(dashboardName(stack, 99)).toMatch(NAME);
  });
});

describe('the link in an alarm description', () => {
  test('a description that would pass 1024 characters with the link is shortened, and the link kept whole', () => {
    // GIVEN an alarm whose description is already at the limit, in an environment-agnostic stack
    const stack = new Stack(new App(), `S${'x'.repeat(127)}`);
    const alarm = new cloudwatch.Alarm(stack, 'Alarm', {
      metric: new cloudwatch.Metric({ namespace: 'N', metricName: 'M' }), threshold: 1, evaluationPeriods: 1, alarmDescription: 'd'.repeat(1024),
    });

    // WHEN
    linkAlarmToDashboard(alarm, 12);
    linkAlarmToDashboard(alarm, 12);

    // THEN even with the longest region substituted
    const description: string = standIn(stack.resolve((alarm.node.defaultChild as cloudwatch.CfnAlarm).alarmDescription))
      .replace(/<Ref AWS::Region>/g, 'x'.repeat(25));
    expect(description.length).toBeLessThanOrEqual(MAX_ALARM_DESCRIPTION);
    expect(description).toMatch(/…\nDashboard: https:\/\/\S+-DynamoDB-x{25}-12$/);
    expect(description.match(/Dashboard:/g)).toHaveLength(1);
  });
});

describe('choosing what is drawn', () => {
  test('without StackDashboard.of there is no dashboard: it costs money, so it is opt-in', () => {
    const stack = new Stack(new App(), 'Stack', { env: ENV });
    new ProductionTable(stack, 'Orders', { partitionKey: pk });

    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 0);
    template.resourceCountIs('AWS::CloudFormation::Stack', 0);
  });

  test('an excluded table, its alarms and its consumers are not drawn, and its alarms link nowhere', () => {
    // GIVEN
    const stack = new Stack(new App(), 'Stack', { env: ENV });
    const orders = new ProductionTable(stack, 'Orders', { partitionKey: pk });
    orders.addStreamConsumer('Projector', { handler: handler(stack) });
    new ProductionTable(stack, 'Ledger', { partitionKey: pk });

    // WHEN
    StackDashboard.of(stack).exclude(orders);

    // THEN
    const template = Template.fromStack(stack);
    const dashboards = dashboardsOf(stack);
    expect(headers(dashboards)).toEqual(['Stack/Ledger']);
    expect(JSON.stringify(dashboards[0].body)).not.toContain('Projector');
    const orderAlarms = Object.entries(template.findResources('AWS::CloudWatch::Alarm')).filter(([id]) => id.startsWith('Orders'));
    expect(orderAlarms.length).toBeGreaterThan(0);
    orderAlarms.forEach(([, alarm]) => expect(alarm.Properties.AlarmDescription).not.toContain('Dashboard:'));
  });

  test('a table whose alarms are off is still drawn, with no thresholds; a plain TableV2 with TableAlarms is drawn too', () => {
    // GIVEN
    const stack = new Stack(new App(), 'Stack', { env: ENV });
    StackDashboard.of(stack);
    new ProductionTable(stack, 'Quiet', { partitionKey: pk, alarms: { alarmActions: AlarmActions.none() } });
    const plain = new dynamodb.TableV2(stack, 'Plain', { partitionKey: pk });
    new TableAlarms(stack, 'PlainAlarms', { table: plain });

    // WHEN
    const [dashboard] = dashboardsOf(stack);

    // THEN
    expect(headers([dashboard])).toEqual(['Stack/Quiet', 'Stack/Plain']);
    const quiet = dashboard.body.widgets.slice(3, 8);
    expect(quiet.map((w: any) => w.properties.title)).toEqual([
      'Throttles: a hot key or partition (table)', "Throttles: the account's per-table throughput quota (table)",
      'Consumed capacity per second (no maximum set)', 'System errors (HTTP 500)', 'p99 latency of successful requests (ms)',
    ]);
    quiet.forEach((w: any) => expect(w.properties.annotations).toBeUndefined());
  });

  test('exclude() after synth is refused: the dashboard is drawn already', () => {
    const stack = new Stack(new App(), 'Stack', { env: ENV });
    const dashboard = StackDashboard.of(stack);
    Template.fromStack(stack);

    expect(() => dashboard.exclude(stack)).toThrow(/came after the dashboard was drawn at synth/);
  });
});

test('the price module prices a dashboard, and a stack\'s fixed cost counts each one', () => {
  // GIVEN
  const stack = new Stack(new App(), 'Stack', { env: ENV });
  StackDashboard.of(stack);

  // WHEN the fixed cost of the dashboard's nested stack
  const cost = fixedMonthlyCost(dashboardsOf(stack)[0].template);

  // THEN
  expect(US_EAST_1.dashboardMonth.source).toEqual('https://aws.amazon.com/cloudwatch/pricing/');
  expect(cost.lines).toContainEqual({ what: 'CloudWatch dashboards', count: 1, unitPrice: US_EAST_1.dashboardMonth.usd, monthly: US_EAST_1.dashboardMonth.usd });
});

describe('hot keys, with drawHotKeys()', () => {
  // GIVEN a table with a sort key and two GSIs, one added late
  const stack = new Stack(new App(), 'Shop', { env: ENV });
  const dashboard = StackDashboard.of(stack);
  dashboard.drawHotKeys();
  const orders = new ProductionTable(stack, 'Orders', { partitionKey: pk, sortKey: sk, globalSecondaryIndexes: [gsi('byStatus')] });
  orders.addGlobalSecondaryIndex(gsi('byCustomer'));
  const [parsed] = dashboardsOf(stack);
  const widgets: any[] = parsed.body.widgets;

  test('a graph for the table and each GSI, after the capacity and before the errors', () => {
    const kinds = widgets.map(widget => widget.type === 'metric' ? widget.properties.title.split(/[:(]/)[0].trim() : widget.type);

    expect(kinds).toEqual([
      'text', 'alarm', 'text',
      'Throttles', 'Throttles', 'Throttles', 'Throttles',
      'Consumed capacity per second',
      'Hot keys', 'Hot keys', 'Hot keys',
      'System errors', 'p99 latency of successful requests',
    ]);
  });

  test('each graph draws the throttled-keys rule of its own scope, in the stack\'s region, ten keys ordered by their sum', () => {
    const graphs = widgets.filter(widget => widget.properties?.insightRule !== undefined);
    const lookup = Object.entries<any>(parsed.template.Resources).find(([, resource]) => resource.Type === 'Custom::DynamoDbContributorInsightsRules')!;

    expect(graphs.map(graph => [graph.properties.title, graph.properties.insightRule.ruleName])).toEqual([
      ['Hot keys: the table, its most throttled partition keys (Contributor Insights)', `<GetAtt ${lookup[0]}.Rule0>`],
      ['Hot keys: index byStatus, its most throttled partition keys (Contributor Insights)', `<GetAtt ${lookup[0]}.Rule1>`],
      ['Hot keys: index byCustomer, its most throttled partition keys (Contributor Insights)', `<GetAtt ${lookup[0]}.Rule2>`],
    ]);
    expect(lookup[1].Properties.Scopes).toEqual([
      { Mode: 'THROTTLED_KEYS' }, { IndexName: 'byStatus', Mode: 'THROTTLED_KEYS' }, { IndexName: 'byCustomer', Mode: 'THROTTLED_KEYS' },
    ]);
    const nestedStack = Stack.of(dashboard.dashboards[0]).nestedStackResource!;
    const parameters = Template.fromStack(stack).toJSON().Resources[stack.getLogicalId(nestedStack)].Properties.Parameters;
    expect(standIn(lookup[1].Properties.TableName, parameters)).toEqual(`<Ref ${stack.getLogicalId(orders.node.defaultChild as dynamodb.CfnGlobalTable)}>`);
    for (const graph of graphs) {
      expect(graph.properties).toMatchObject({ region: '<Ref AWS::Region>', view: 'timeSeries', insightRule: { maxContributorCount: 10, orderBy: 'Sum' } });
    }
  });

  test('the table\'s header says the graphs are below, and where the rest are', () => {
    const header = widgets.find(widget => widget.type === 'text' && widget.properties.markdown.startsWith('### Table'));
    expect(header.properties.markdown).toContain('Hot keys: the partition keys in the graphs below; the sort keys and the most accessed keys '
      + 'on the table\'s Monitor tab in the [DynamoDB console]');
  });

  test('a plain Table and TableV2 with TableAlarms: a graph for each scope whose insights are on, with its mode; an imported table gets none', () => {
    // GIVEN a Table with insights on the table and one of its two GSIs (the default mode), and a
    // TableV2 with insights off
    const plainStack = new Stack(new App(), 'Plain', { env: ENV });
    StackDashboard.of(plainStack).drawHotKeys();
    const v1 = new dynamodb.Table(plainStack, 'Ledger', { partitionKey: pk, contributorInsightsSpecification: { enabled: true } });
    const v1Index = (indexName: string): dynamodb.GlobalSecondaryIndexProps =>
      ({ indexName, partitionKey: { name: indexName, type: dynamodb.AttributeType.STRING } });
    v1.addGlobalSecondaryIndex({ ...v1Index('byAccount'), contributorInsightsSpecification: { enabled: true, mode: dynamodb.ContributorInsightsMode.THROTTLED_KEYS } });
    v1.addGlobalSecondaryIndex(v1Index('byDay'));
    new TableAlarms(plainStack, 'LedgerAlarms', { table: v1 });
    new TableAlarms(plainStack, 'QuietAlarms', { table: new dynamodb.TableV2(plainStack, 'Quiet', { partitionKey: pk }) });
    new TableAlarms(plainStack, 'ImportedAlarms', {
      table: dynamodb.TableV2.fromTableName(plainStack, 'Imported', 'imported'),
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
    });

    // WHEN
    const [body] = dashboardsOf(plainStack);

    // THEN
    const lookups = Object.values<any>(body.template.Resources).filter(resource => resource.Type === 'Custom::DynamoDbContributorInsightsRules');
    // The table leaves the mode unset, and so does its lookup: CloudFormation documents no default.
    expect(lookups.map(lookup => lookup.Properties.Scopes)).toEqual([
      [{}, { IndexName: 'byAccount', Mode: 'THROTTLED_KEYS' }],
    ]);
    expect(body.body.widgets.filter((widget: any) => widget.properties?.insightRule !== undefined).map((widget: any) => widget.properties.title))
      .toEqual(['Hot keys: the table, its most throttled partition keys (Contributor Insights)', 'Hot keys: index byAccount, its most throttled partition keys (Contributor Insights)']);
  });

  test('a replica\'s graphs follow its throttles, in its region, from a lookup of their own that asks DynamoDB there', () => {
    // GIVEN a global table with a GSI and a replica
    const global = new Stack(new App(), 'Global', { env: ENV });
    const globalDashboard = StackDashboard.of(global);
    globalDashboard.drawHotKeys();
    const key = new HardenedKey(global, 'Key', { description: 'k' });
    new ProductionTable(global, 'Profiles', { partitionKey: pk, globalSecondaryIndexes: [gsi('byEmail')], ...replicated(key, ['us-west-2']) });

    // WHEN
    const [body] = dashboardsOf(global);

    // THEN
    const titles = body.body.widgets.filter((widget: any) => widget.type === 'metric').map((widget: any) => widget.properties.title);
    expect(titles.slice(titles.indexOf('Replication latency to us-west-2 (ms)'))).toEqual([
      'Replication latency to us-west-2 (ms)', 'Throttles in us-west-2, by cause, table and indexes (index writes of the quota UNVERIFIED)',
      'Hot keys in us-west-2: the table, its most throttled partition keys (Contributor Insights)',
      'Hot keys in us-west-2: index byEmail, its most throttled partition keys (Contributor Insights)',
    ]);
    const lookups = Object.values<any>(body.template.Resources).filter(resource => resource.Type === 'Custom::DynamoDbContributorInsightsRules');
    expect(lookups.map(lookup => [lookup.Properties.Region, lookup.Properties.Scopes.length])).toEqual([[undefined, 2], ['us-west-2', 2]]);
    const replicaGraphs = body.body.widgets.filter((widget: any) => widget.properties?.title?.startsWith('Hot keys in us-west-2'));
    expect(replicaGraphs.map((widget: any) => widget.properties.region)).toEqual(['us-west-2', 'us-west-2']);
  });

  test('without drawHotKeys() no graph and no function: the header links to the console', () => {
    const plain = new Stack(new App(), 'Plain', { env: ENV });
    StackDashboard.of(plain);
    new ProductionTable(plain, 'Orders', { partitionKey: pk });
    const [body] = dashboardsOf(plain);

    expect(body.body.widgets.filter((widget: any) => widget.properties?.insightRule !== undefined)).toEqual([]);
    expect(Object.values<any>(body.template.Resources).map(resource => resource.Type)).toEqual(['AWS::CloudWatch::Dashboard']);
    expect(body.body.widgets[2].properties.markdown).toContain('Hot keys: the Contributor Insights graphs on the table\'s Monitor tab');
  });
});

/**
 * What the packs say of the hot-key lookup's function, and what the README's snippet acknowledges:
 * a function that runs at deploy only, outside a VPC, without reserved concurrency, a dead-letter
 * queue or tracing, whose policy names the tables of its account.
 */
const HOT_KEY_FINDINGS = [
  'AwsSolutions AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:dynamodb:*:<AWS::AccountId>:table/*] at Scenario/DynamoDbKitDashboard/Dashboard/HotKeyRules/Policy/Resource',
  'HIPAA.Security HIPAA.Security-LambdaConcurrency at Scenario/DynamoDbKitDashboard/Dashboard/HotKeyRules/Function/Resource',
  'HIPAA.Security HIPAA.Security-LambdaDLQ at Scenario/DynamoDbKitDashboard/Dashboard/HotKeyRules/Function/Resource',
  'HIPAA.Security HIPAA.Security-LambdaInsideVPC at Scenario/DynamoDbKitDashboard/Dashboard/HotKeyRules/Function/Resource',
  'NIST.800.53.R5 NIST.800.53.R5-LambdaConcurrency at Scenario/DynamoDbKitDashboard/Dashboard/HotKeyRules/Function/Resource',
  'NIST.800.53.R5 NIST.800.53.R5-LambdaDLQ at Scenario/DynamoDbKitDashboard/Dashboard/HotKeyRules/Function/Resource',
  'NIST.800.53.R5 NIST.800.53.R5-LambdaInsideVPC at Scenario/DynamoDbKitDashboard/Dashboard/HotKeyRules/Function/Resource',
  'PCI.DSS.321 PCI.DSS.321-LambdaInsideVPC at Scenario/DynamoDbKitDashboard/Dashboard/HotKeyRules/Function/Resource',
  'Serverless Serverless-LambdaDLQ at Scenario/DynamoDbKitDashboard/Dashboard/HotKeyRules/Function/Resource',
  'Serverless Serverless-LambdaTracing at Scenario/DynamoDbKitDashboard/Dashboard/HotKeyRules/Function/Resource',
];

/** The nested templates of an app, as `cdk synth` writes them: the files the cfn-guard plugin is not given. */
function nestedTemplates(build: (app: App) => void): string[] {
  const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-dynamodb-kit-')) });
  build(app);
  const assembly = app.synth();
  return fs.readdirSync(assembly.directory).filter(file => file.endsWith('.nested.template.json')).map(file => path.join(assembly.directory, file));
}

describe('the dashboards\' nested stacks pass the compliance checks', () => {
  const build = (app: App, env?: typeof ENV, hotKeys?: 'draw' | 'draw and acknowledge') => {
    const stack = new Stack(app, 'Scenario', { env });
    const dashboard = StackDashboard.of(stack);
    if (hotKeys !== undefined) {
      const lookup = dashboard.drawHotKeys();
      if (hotKeys === 'draw and acknowledge') {
        for (const finding of HOT_KEY_FINDINGS) {
          const [plugin, rule] = finding.split(' ');
          Validations.of(lookup).acknowledge({ id: `${plugin}::${rule}`, reason: 'The dashboard\'s deploy-time lookup of rule names.' });
        }
      }
    }
    new ProductionTable(stack, 'Orders', { partitionKey: pk, globalSecondaryIndexes: [gsi('byStatus')] });
    AlarmTopic.of(stack).addEmailSubscription('oncall@example.com');
    return stack;
  };

  test.each([['environment-agnostic', undefined], ['with an env', ENV]] as const)('%s: the five cdk-nag packs, the Control Tower rules and DynamoDbChecks find nothing', (_name, env) => {
    const result = synthWithChecks(app => build(app, env));

    expect(listFindings(result.unacknowledged)).toEqual('');
    // The library acknowledges nothing on the nested stack or its dashboard.
    expect(result.acknowledged.filter(f => f.constructs.some(c => c.includes('DynamoDbKitDashboard')))).toEqual([]);
  });

  test('the Control Tower rules, which the cfn-guard plugin is not given for nested templates, pass on them too', () => {
    // GIVEN the templates as `cdk synth` writes them
    const nested = nestedTemplates(app => build(app));

    // WHEN
    const report = new CfnGuardValidator({ controlTowerRulesEnabled: true }).validate({ templatePaths: nested } as any);

    // THEN
    expect(nested).toHaveLength(1);
    expect(report.violations.map(v => v.ruleName)).toEqual([]);
  });

  test.each([['environment-agnostic', undefined], ['with an env', ENV]] as const)('%s, with drawHotKeys(): the findings on the lookup are the ones listed, and only those; acknowledged, none is left', (_name, env) => {
    const drawn = synthWithChecks(app => build(app, env, 'draw'), { schema: false });
    const acknowledged = synthWithChecks(app => build(app, env, 'draw and acknowledge'), { schema: false });

    expect(listFindings(drawn.unacknowledged).split('\n').sort()).toEqual([...HOT_KEY_FINDINGS].sort());
    expect(listFindings(acknowledged.unacknowledged)).toEqual('');
  });

  test('with drawHotKeys(), the Control Tower rules on the nested template find the function outside a VPC (CT.LAMBDA.PR.3), and nothing else', () => {
    const nested = nestedTemplates(app => build(app, undefined, 'draw'));

    const report = new CfnGuardValidator({ controlTowerRulesEnabled: true }).validate({ templatePaths: nested } as any);

    expect(report.violations.map(v => v.ruleName)).toEqual(['lambda_inside_vpc_check']);
  });
});
