import { Aspects, IAspect, Names, NestedStack, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Construct, IConstruct } from 'constructs';
import { consumerWidgets } from './private/consumer-dashboard';
import { DASHBOARD_LIMITS, DashboardUsage, usageOf } from './private/dashboard-limits';
import { dashboardName, dashboardUrl, linkAlarmToDashboard } from './private/dashboard-link';
import { DynamoDbKitError } from './private/errors';
import { HotKeyLookup, ruleAttribute } from './private/hot-key-lookup';
import { HotKeysWidget } from './private/hot-keys-widget';
import { ALARMS_PER_PARAMETER, alarmsInNestedStack } from './private/nested-alarms';
import { sharedConstruct } from './private/shared-construct';
import { FULL_WIDTH, tableWidgets } from './private/table-dashboard';
import { StreamConsumer } from './stream-consumer';
import { TableAlarms } from './table-alarms';
import { TableCache } from './table-cache';

// Fixed id at stack scope: one dashboard construct per stack, whoever asks first.
const DASHBOARD_ID = 'DynamoDbKitDashboard';

/** One table or consumer on the dashboard: its widgets, what they cost, and the alarms it owns. */
interface Section {
  readonly widgets: cloudwatch.IWidget[];
  readonly usage: DashboardUsage;
  readonly alarms: cloudwatch.Alarm[];
  /** A table's hot-key graphs, bound once the dashboard that holds them is known. */
  readonly hotKeys?: { readonly table: dynamodb.ITable; readonly widgets: HotKeysWidget[] };
}

/**
 * A CloudWatch dashboard of every table of the stack: why each throttles, and its stream consumers.
 *
 * Opt in with one line, `StackDashboard.of(this)`; it costs about $3 a dashboard a month whether
 * or not anyone looks at it. At synth it draws, in this order:
 *
 * - a text widget that says the dashboard is generated, and from which stack;
 * - the status of every alarm the library made in the stack;
 * - for every `TableAlarms` (every `ProductionTable` has one): its throttles by cause, each alarm's
 *   expression with its threshold and a line per index; consumed capacity per second of the table
 *   and each GSI against its own maximum; system errors; p99 latency; replication latency to each
 *   replica and the throttles in each replica's region;
 * - for every `StreamConsumer`: iterator age, failed and dropped records, failure-queue depth.
 *
 * With `drawHotKeys()`, each table's section also graphs the most throttled partition keys of the
 * table and of each GSI, named at deploy by a lookup function.
 *
 * Tables and consumers made after `of()` are included. When they need more than one dashboard may
 * hold (500 widgets, 2,500 metrics), the next ones go on a second dashboard, and so on; each
 * dashboard costs again. Every alarm's description links to the dashboard that draws it.
 *
 * Each dashboard is in a nested stack of its own, so its body, inlined in a template, never counts
 * toward the 1 MB of the tables' template; a dashboard also starts before its nested template would
 * pass 80 % of 1 MB or 180 parameters. `cdk deploy` uploads the nested templates to the bootstrap
 * bucket, like any asset.
 *
 * @example
 * StackDashboard.of(this);
 */
export class StackDashboard extends Construct {
  /**
   * The dashboard of the stack that holds `scope`, created on first use.
   */
  public static of(scope: IConstruct): StackDashboard {
    const stack = Stack.of(scope);
    return sharedConstruct(stack, DASHBOARD_ID, StackDashboard, () => new StackDashboard(stack, DASHBOARD_ID));
  }

  private readonly stack: Stack;
  private readonly generated: GeneratedContent;
  private readonly excluded = new Set<IConstruct>();
  private readonly all: cloudwatch.Dashboard[] = [];
  private hotKeyLookup?: HotKeyLookup;
  private built = false;

  private constructor(scope: Stack, id: string) {
    super(scope, id);
    this.stack = scope;
    this.generated = new GeneratedContent();
    this.all.push(this.newDashboard(1, this.generated));
    // At synth, when every table and consumer of the stack exists.
    Aspects.of(scope).add(new BuildDashboards(this));
  }

  /**
   * The stack's dashboards: one, and more at synth if the tables need them, each in a nested stack
   * of its own. Add widgets of your own to `dashboards[0]`; they go below the generated ones and
   * count toward that dashboard's limits (500 widgets, 2,500 metrics) and its nested template's
   * (1 MB, 200 parameters), which the library cannot see: keep them few.
   */
  public get dashboards(): cloudwatch.Dashboard[] {
    return [...this.all];
  }

  /**
   * Leave a table (a `ProductionTable`, or any table with a `TableAlarms`), a `TableAlarms` or a
   * `StreamConsumer` off the dashboard, with everything inside it: a table's alarms and the
   * consumers it made with `addStreamConsumer`. Its alarms then link to no dashboard.
   */
  public exclude(construct: IConstruct): void {
    if (this.built) {
      throw new DynamoDbKitError(`exclude(${construct.node.path}) came after the dashboard was drawn at synth; call it before`, this);
    }
    this.excluded.add(construct);
  }

  /**
   * Also draw, for each table and each GSI with Contributor Insights on (every ProductionTable's
   * are), in the stack's region and in each replica's, its most throttled partition keys over time,
   * the keys behind a hot-key throttle.
   *
   * DynamoDB names those rules with their creation time, so their names are looked up at deploy:
   * this adds a Lambda function (in the first dashboard's nested stack) and a custom resource per
   * table and region, which CloudFormation sends to the function when the table or its insights
   * change. The function's role may only call `dynamodb:DescribeContributorInsights`, on the tables
   * of this account; it costs nothing beyond those invocations.
   *
   * The compliance packs flag the function: it is not in a VPC, has no reserved concurrency, no
   * dead-letter queue and no tracing, and its policy's resource is `table/*`. The library does not
   * acknowledge these for you, since on aws-cdk-lib before 2.276 an acknowledgement also hides the
   * same finding on your own functions (see the README, "Dashboard", for the ids and reasons):
   * acknowledge them on the construct this returns, or keep to the default, a link to each table's
   * Contributor Insights in the DynamoDB console.
   *
   * @returns the construct that holds the function, its role and its policy
   */
  public drawHotKeys(): IConstruct {
    if (this.built) {
      throw new DynamoDbKitError('drawHotKeys() came after the dashboard was drawn at synth; call it before', this);
    }
    this.hotKeyLookup ??= new HotKeyLookup(Stack.of(this.all[0]), 'HotKeyRules');
    return this.hotKeyLookup;
  }

  /** @internal the aspect's entry point: draw every table and consumer of the stack. */
  public _build(): void {
    if (this.built) {
      return;
    }
    this.built = true;
    const members = this.stack.node.findAll().filter(node => Stack.of(node) === this.stack && !this.isExcluded(node));

    const sections: Section[] = [];
    for (const node of members) {
      if (node instanceof TableAlarms) {
        const view = node._dashboardView();
        const widgets = tableWidgets(view, node, this.hotKeyLookup !== undefined);
        const hotKeys = widgets.filter((widget): widget is HotKeysWidget => widget instanceof HotKeysWidget);
        sections.push({ ...section(widgets, node.alarms, this.stack), hotKeys: { table: view.table, widgets: hotKeys } });
      }
    }
    for (const node of members) {
      if (node instanceof StreamConsumer) {
        sections.push(section(consumerWidgets(node), alarmsOf(node.alarms), this.stack));
      }
    }
    // Other alarms of the library (a cache's) have no section: they go on the first dashboard.
    const otherAlarms = members.filter((node): node is TableCache => node instanceof TableCache).flatMap(cache => alarmsOf(cache.alarms));

    const pages = paginate(sections, otherAlarms.length, this);
    pages.forEach((page, i) => {
      const n = i + 1;
      const content = n === 1 ? this.generated : new GeneratedContent();
      if (n > 1) {
        this.all.push(this.newDashboard(n, content));
      }
      const alarms = [...(n === 1 ? otherAlarms : []), ...page.flatMap(entry => entry.alarms)];
      alarms.forEach(alarm => linkAlarmToDashboard(alarm, n));
      page.forEach(entry => this.bindHotKeys(entry, Stack.of(this.all[i])));
      content.fill([
        this.intro(n, pages.length),
        ...statusWidgets(alarmsInNestedStack(Stack.of(this.all[i]) as NestedStack, alarms, 'Alarms')),
        ...page.flatMap(entry => entry.widgets),
      ]);
    });
  }

  /**
   * The `n`th dashboard, in a nested stack of its own: the body is inlined in a template, and a
   * nested stack's template has a limit of its own, so the tables' template keeps its room.
   * Dashboard n is always in nested stack n, so a dashboard never moves between stacks as the
   * stack grows: a move would create the new dashboard under the old one's name.
   */
  private newDashboard(n: number, content: GeneratedContent): cloudwatch.Dashboard {
    const nested = new NestedStack(this, n === 1 ? 'Dashboard' : `Dashboard${n}`, {
      description: `CloudWatch dashboard ${n} of the DynamoDB tables of stack ${this.stack.stackName} (cdk-dynamodb-kit StackDashboard)`,
    });
    const dashboard = new cloudwatch.Dashboard(nested, 'Dashboard', {
      dashboardName: dashboardName(this.stack, n),
    });
    dashboard.addWidgets(content);
    return dashboard;
  }

  /**
   * Looks up the rules of a section's hot-key graphs in the stack of the dashboard that draws them,
   * so that each name is a reference within that stack. Each lookup comes with a graph at least, and
   * a dashboard holds at most 500 widgets with its intro, status and table headers among them, so
   * its nested stack stays under CloudFormation's 500 resources.
   */
  private bindHotKeys(entry: Section, stack: Stack): void {
    if (this.hotKeyLookup === undefined || entry.hotKeys === undefined || entry.hotKeys.widgets.length === 0) {
      return;
    }
    const { table, widgets } = entry.hotKeys;
    // One lookup per region: the stack's own, then each replica's.
    const regions = [...new Set(widgets.map(widget => widget.replicaRegion))];
    for (const region of regions) {
      const inRegion = widgets.filter(widget => widget.replicaRegion === region);
      const id = `HotKeys${Names.uniqueId(table)}${region ?? ''}`;
      const rules = this.hotKeyLookup.rulesOf(stack, id, table, inRegion.map(widget => widget.insights), region);
      inRegion.forEach((widget, i) => widget.bind(rules.getAttString(ruleAttribute(i))));
    }
  }

  private isExcluded(node: IConstruct): boolean {
    if ([...this.excluded].some(excluded => node === excluded || node.node.scopes.includes(excluded))) {
      return true;
    }
    // A TableAlarms made beside its table, not under it.
    return node instanceof TableAlarms && this.excluded.has(node._dashboardView().table);
  }

  private intro(n: number, of: number): cloudwatch.TextWidget {
    const others = Array.from({ length: of }, (_, i) => i + 1)
      .map(page => page === n ? `${page}` : `[${page}](${dashboardUrl(this.stack, dashboardName(this.stack, page))})`);
    return new cloudwatch.TextWidget({
      width: FULL_WIDTH,
      height: 3,
      markdown: [
        `## DynamoDB tables of stack ${this.stack.stackName}${of > 1 ? ` (dashboard ${others.join(' · ')} of ${of})` : ''}`,
        `Generated by cdk-dynamodb-kit \`StackDashboard\` from the CDK stack \`${this.stack.node.path}\`: edit the code there, since `
          + 'changes made here are overwritten at the next deploy.',
        'A graph marked UNVERIFIED draws a metric that AWS may never publish with those dimensions: empty there does not mean healthy.',
      ].join('\n\n'),
    });
  }
}

/** Builds the dashboards at synth, once every table and consumer of the stack exists. */
class BuildDashboards implements IAspect {
  constructor(private readonly dashboard: StackDashboard) {}

  public visit(node: IConstruct): void {
    if (node === this.dashboard) {
      this.dashboard._build();
    }
  }
}

/**
 * The generated widgets of one dashboard, added to it when it is made and filled at synth: widgets
 * that users add to the dashboard meanwhile go below them.
 */
class GeneratedContent implements cloudwatch.IWidget {
  private column = new cloudwatch.Column();

  public fill(widgets: cloudwatch.IWidget[]): void {
    this.column = new cloudwatch.Column(...widgets);
  }

  public get width(): number {
    return this.column.width;
  }

  public get height(): number {
    return this.column.height;
  }

  public position(x: number, y: number): void {
    this.column.position(x, y);
  }

  public toJson(): any[] {
    return this.column.toJson();
  }
}

function section(widgets: cloudwatch.IWidget[], alarms: cloudwatch.Alarm[], stack: Stack): Section {
  const usage = usageOf(widgets, stack);
  return { widgets: [new cloudwatch.Row(...widgets)], usage, alarms };
}

function alarmsOf(alarms: cloudwatch.IAlarm[]): cloudwatch.Alarm[] {
  return alarms.filter((alarm): alarm is cloudwatch.Alarm => alarm instanceof cloudwatch.Alarm);
}

/** The alarm status widgets for `alarms`: 100 alarms at most in each (DASHBOARD_LIMITS). */
function statusWidgets(alarms: cloudwatch.IAlarm[]): cloudwatch.IWidget[] {
  const widgets: cloudwatch.IWidget[] = [];
  for (let i = 0; i < alarms.length; i += DASHBOARD_LIMITS.alarmsPerStatusWidget) {
    const chunk = alarms.slice(i, i + DASHBOARD_LIMITS.alarmsPerStatusWidget);
    widgets.push(new cloudwatch.AlarmStatusWidget({
      title: `Alarms${alarms.length > chunk.length ? ` ${i + 1}-${i + chunk.length} of ${alarms.length}` : ''}, those in ALARM first`,
      alarms: chunk,
      width: FULL_WIDTH,
      // Four alarms to a row of the widget, plus its title.
      height: Math.max(2, Math.ceil(chunk.length / 4) + 1),
      sortBy: cloudwatch.AlarmStatusWidgetSortBy.STATE_UPDATED_TIMESTAMP,
    }));
  }
  return widgets;
}

/** What a dashboard holds so far: the sections' usage, and the alarms of its status widgets. */
interface PageUsage {
  readonly widgets: number;
  readonly metrics: number;
  readonly bodyCharacters: number;
  readonly references: number;
  readonly alarms: number;
}

/**
 * Characters that one alarm adds to a status widget in the template: its ARN selected from a
 * parameter (`{"Fn::Select": [i, {"Ref": "AlarmsN"}]}`, indented) and the JSON around it; measured
 * at about 80, with room.
 */
const STATUS_CHARACTERS_PER_ALARM = 120;

/** Whether a dashboard that holds `page` stays within CloudWatch's limits and its nested stack within CloudFormation's. */
function fits(page: PageUsage): boolean {
  const statuses = Math.ceil(page.alarms / DASHBOARD_LIMITS.alarmsPerStatusWidget);
  return 1 + statuses + page.widgets <= DASHBOARD_LIMITS.widgets
    && page.metrics <= DASHBOARD_LIMITS.metrics
    && page.bodyCharacters + page.alarms * STATUS_CHARACTERS_PER_ALARM <= DASHBOARD_LIMITS.bodyTemplateCharacters
    && page.references + Math.ceil(page.alarms / ALARMS_PER_PARAMETER) <= DASHBOARD_LIMITS.parameters;
}

function add(page: PageUsage, entry: Section): PageUsage {
  const u = entry.usage;
  return {
    widgets: page.widgets + u.widgets,
    metrics: page.metrics + u.metrics,
    bodyCharacters: page.bodyCharacters + u.bodyCharacters,
    references: page.references + u.references,
    alarms: page.alarms + entry.alarms.length,
  };
}

/**
 * Sections in order, a dashboard's worth at a time: a new dashboard starts when the next section
 * would take this one past a limit. Each dashboard also holds its intro and its status widgets.
 */
function paginate(sections: Section[], otherAlarms: number, scope: IConstruct): Section[][] {
  const empty: PageUsage = { widgets: 0, metrics: 0, bodyCharacters: 0, references: 0, alarms: 0 };
  const pages: Section[][] = [[]];
  let page: PageUsage = { ...empty, alarms: otherAlarms };
  for (const entry of sections) {
    const u = entry.usage;
    if (u.largestWidgetMetrics > DASHBOARD_LIMITS.metricsPerWidget || !fits(add(empty, entry))) {
      throw new DynamoDbKitError(`one table or consumer needs ${u.widgets} widgets, ${u.metrics} metrics, ${u.bodyCharacters} characters `
        + `and ${u.references} parameters, more than a dashboard and its nested stack hold (${DASHBOARD_LIMITS.widgets}, `
        + `${DASHBOARD_LIMITS.metrics}, ${DASHBOARD_LIMITS.bodyTemplateCharacters}, ${DASHBOARD_LIMITS.parameters}); `
        + 'exclude it with StackDashboard.exclude()', scope);
    }
    if (pages[pages.length - 1].length > 0 && !fits(add(page, entry))) {
      pages.push([]);
      page = empty;
    }
    pages[pages.length - 1].push(entry);
    page = add(page, entry);
  }
  return pages;
}
