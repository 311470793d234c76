import { NestedStack, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { StackDashboard } from '../src';

/**
 * Reads the dashboards of a stack as CloudWatch will: each from its nested stack, the body's
 * `Fn::Join` joined, each parameter replaced by the value the parent stack passes, and each
 * intrinsic by a readable stand-in (`{Ref:X}` -> `<Ref X>`), then parsed.
 */

export interface ParsedDashboard {
  readonly logicalId: string;
  /** The name, with intrinsics replaced like the body's. */
  readonly name: string;
  readonly body: any;
  /** Characters of the body as the template holds it. */
  readonly bodyCharacters: number;
  /** The nested stack's template, and its characters as aws-cdk-lib writes it (indented by one space). */
  readonly template: any;
  readonly templateCharacters: number;
}

/** A nested stack's parameters, with the values its parent passes. */
type Parameters = Record<string, any>;

export function standIn(value: any, parameters: Parameters = {}): string {
  if (typeof value === 'string') {
    return value;
  }
  if (value?.Ref !== undefined) {
    return parameters[value.Ref] !== undefined ? standIn(parameters[value.Ref]) : `<Ref ${value.Ref}>`;
  }
  if (value?.['Fn::Select'] !== undefined) {
    const [index, list] = value['Fn::Select'];
    // A CommaDelimitedList parameter whose value the parent joins from a list.
    const joined = parameters[list.Ref]?.['Fn::Join'];
    if (joined === undefined || joined[0] !== ',') {
      throw new Error(`no stand-in for ${JSON.stringify(value)}`);
    }
    return standIn(joined[1][index]);
  }
  if (value?.['Fn::GetAtt'] !== undefined) {
    return `<GetAtt ${value['Fn::GetAtt'].join('.')}>`;
  }
  if (value?.['Fn::Join'] !== undefined) {
    const [separator, parts] = value['Fn::Join'];
    return parts.map((part: any) => standIn(part, parameters)).join(separator);
  }
  throw new Error(`no stand-in for ${JSON.stringify(value)}`);
}

export function dashboardsOf(stack: Stack): ParsedDashboard[] {
  const parent = Template.fromStack(stack).toJSON();
  const nestedStacks = StackDashboard.of(stack).node.children.filter((child): child is NestedStack => child instanceof NestedStack);
  return nestedStacks.flatMap(nested => {
    const template = Template.fromStack(nested).toJSON();
    const parameters = parent.Resources[stack.getLogicalId(nested.nestedStackResource!)]?.Properties?.Parameters ?? {};
    return Object.entries<any>(template.Resources ?? {}).filter(([, resource]) => resource.Type === 'AWS::CloudWatch::Dashboard')
      .map(([logicalId, resource]) => ({
        logicalId,
        name: standIn(resource.Properties.DashboardName, parameters),
        body: JSON.parse(standIn(resource.Properties.DashboardBody, parameters)),
        bodyCharacters: JSON.stringify(resource.Properties.DashboardBody).length,
        template,
        templateCharacters: JSON.stringify(template, undefined, 1).length,
      }));
  });
}

/** A metric a widget retrieves: `[namespace, name, dim, value, ..., options?]`. */
export interface WidgetMetric {
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Record<string, string>;
  readonly options: any;
}

export function metricsOf(widget: any): WidgetMetric[] {
  return (widget.properties?.metrics ?? [])
    .filter((entry: any[]) => typeof entry[0] === 'string')
    .map((entry: any[]) => {
      const options = typeof entry[entry.length - 1] === 'object' ? entry[entry.length - 1] : {};
      const pairs = entry.slice(2, typeof entry[entry.length - 1] === 'object' ? -1 : undefined);
      const dimensions: Record<string, string> = {};
      for (let i = 0; i < pairs.length; i += 2) {
        dimensions[pairs[i]] = pairs[i + 1];
      }
      return { namespace: entry[0], metricName: entry[1], dimensions, options };
    });
}

export function expressionsOf(widget: any): string[] {
  return (widget.properties?.metrics ?? [])
    .filter((entry: any[]) => typeof entry[0] === 'object' && entry[0].expression !== undefined)
    .map((entry: any[]) => entry[0].expression);
}
