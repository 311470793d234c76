import { Template } from 'aws-cdk-lib/assertions';

/**
 * Reads the dashboards of a synthesized template as CloudWatch will: the body's `Fn::Join` joined,
 * with each intrinsic replaced by a readable stand-in (`{Ref:X}` -> `<Ref X>`), then parsed.
 */

export interface ParsedDashboard {
  readonly logicalId: string;
  /** The name, with intrinsics replaced like the body's. */
  readonly name: string;
  readonly body: any;
  /** Characters of the body as the template holds it. */
  readonly templateCharacters: number;
}

export function standIn(value: any): string {
  if (typeof value === 'string') {
    return value;
  }
  if (value?.Ref !== undefined) {
    return `<Ref ${value.Ref}>`;
  }
  if (value?.['Fn::GetAtt'] !== undefined) {
    return `<GetAtt ${value['Fn::GetAtt'].join('.')}>`;
  }
  if (value?.['Fn::Join'] !== undefined) {
    const [separator, parts] = value['Fn::Join'];
    return parts.map(standIn).join(separator);
  }
  throw new Error(`no stand-in for ${JSON.stringify(value)}`);
}

export function dashboardsOf(template: Template): ParsedDashboard[] {
  return Object.entries(template.findResources('AWS::CloudWatch::Dashboard')).map(([logicalId, resource]) => ({
    logicalId,
    name: standIn(resource.Properties.DashboardName),
    body: JSON.parse(standIn(resource.Properties.DashboardBody)),
    templateCharacters: JSON.stringify(resource.Properties.DashboardBody).length,
  }));
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
