/**
 * A DynamoDB table as it stands in a synthesized template, seen the same way whether it is an
 * `AWS::DynamoDB::Table` or an `AWS::DynamoDB::GlobalTable`.
 *
 * The checks read templates rather than the construct tree, so they judge exactly what
 * CloudFormation will deploy, whatever wrote it (an L1, an L2, an escape hatch).
 */

import { EXPLICIT_CHOICES_METADATA } from '../private/warnings';

/** A CloudFormation resource as it stands in a template. */
export interface TemplateResource {
  readonly Type: string;
  readonly Properties?: Record<string, any>;
  readonly Metadata?: Record<string, any>;
}

/** The parts of a template the checks read. */
export interface Template {
  readonly Resources?: Record<string, TemplateResource>;
}

/**
 * The settings that a global table keeps per replica and a table keeps at its top level:
 * PITR, deletion protection, contributor insights, the KMS key, tags.
 */
export interface ReplicaSettings {
  /** Where these settings are, as a template location ('Properties' or 'Properties/Replicas/0'). */
  readonly location: string;
  readonly properties: Record<string, any>;
}

export const TABLE_TYPE = 'AWS::DynamoDB::Table';
export const GLOBAL_TABLE_TYPE = 'AWS::DynamoDB::GlobalTable';

export class TableModel {
  /** Every DynamoDB table in a template. */
  /**
   * Every DynamoDB table in a template.
   *
   * @param region the stack's region, when the stack has one
   */
  public static allIn(template: Template, region?: string): TableModel[] {
    return Object.entries(template.Resources ?? {})
      .filter(([, resource]) => resource.Type === TABLE_TYPE || resource.Type === GLOBAL_TABLE_TYPE)
      .map(([logicalId, resource]) => new TableModel(logicalId, resource, template, region));
  }

  public readonly isGlobal: boolean;
  public readonly properties: Record<string, any>;
  /**
   * The rules the table departs from by its user's explicit choice, which a ProductionTable
   * records as a warning with the rule's id (template metadata `cdk-dynamodb-kit:explicitChoices`).
   */
  public readonly explicitChoices: string[];

  private constructor(
    public readonly logicalId: string,
    resource: TemplateResource,
    public readonly template: Template,
    private readonly region?: string,
  ) {
    this.isGlobal = resource.Type === GLOBAL_TABLE_TYPE;
    this.properties = resource.Properties ?? {};
    const choices = resource.Metadata?.[EXPLICIT_CHOICES_METADATA];
    this.explicitChoices = Array.isArray(choices) ? choices.filter((c): c is string => typeof c === 'string') : [];
  }

  /** One entry per replica of a global table; the table itself for a regional table. */
  public replicaSettings(): ReplicaSettings[] {
    if (!this.isGlobal) {
      return [{ location: 'Properties', properties: this.properties }];
    }
    const replicas: any[] = Array.isArray(this.properties.Replicas) ? this.properties.Replicas : [];
    return replicas.map((replica, i) => ({ location: `Properties/Replicas/${i}`, properties: replica ?? {} }));
  }

  /** The names of the table's global secondary indexes. */
  public globalSecondaryIndexNames(): string[] {
    const indexes: any[] = Array.isArray(this.properties.GlobalSecondaryIndexes) ? this.properties.GlobalSecondaryIndexes : [];
    return indexes.map(index => index?.IndexName).filter((name): name is string => typeof name === 'string');
  }

  /**
   * True when the table bills per provisioned capacity. A missing `BillingMode` means PROVISIONED
   * for both resource types, so a template that leaves it out is judged as provisioned:
   * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-dynamodb-table.html#cfn-dynamodb-table-billingmode
   * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-dynamodb-globaltable.html#cfn-dynamodb-globaltable-billingmode
   */
  public isProvisioned(): boolean {
    const mode = this.properties.BillingMode;
    return mode === undefined || mode === 'PROVISIONED';
  }

  /**
   * Tags of the table as its own region sees them: for a global table, those of the replica in the
   * stack's region (`Region` is `{ Ref: AWS::Region }` or the stack's region), since that replica is
   * the resource the stack's services (AWS Backup, say) act on. When no replica is known to be local,
   * the tags of every replica.
   */
  public tags(): Array<{ Key: unknown; Value: unknown }> {
    const replicas = this.replicaSettings();
    const local = this.isGlobal
      ? replicas.filter(settings => settings.properties.Region?.Ref === 'AWS::Region' ||
        (this.region !== undefined && settings.properties.Region === this.region))
      : replicas;
    return (local.length > 0 ? local : replicas).flatMap(settings => Array.isArray(settings.properties.Tags) ? settings.properties.Tags : []);
  }

  /** Other resources of the template of a given type. */
  public resourcesOfType(type: string): Array<[string, TemplateResource]> {
    return Object.entries(this.template.Resources ?? {}).filter(([, resource]) => resource.Type === type);
  }
}

/** True only for a literal `true` (CloudFormation also accepts the string "true"). */
export function isTrue(value: unknown): boolean {
  return value === true || value === 'true';
}

/**
 * True for a value the template leaves to deploy time: a Ref, an Fn:: function, or a string with a
 * CDK token marker in it. Literals (strings, numbers, booleans, lists, plain objects) are not tokens.
 */
export function isToken(value: unknown): boolean {
  if (typeof value === 'string') {
    return value.includes('${Token[');
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return false;
  }
  const keys = Object.keys(value);
  return keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::'));
}

/** True when a template fragment refers to a resource by Ref or Fn::GetAtt. */
export function refersTo(fragment: unknown, logicalId: string): boolean {
  const json = JSON.stringify(fragment ?? null);
  return json.includes(`{"Ref":"${logicalId}"}`) || json.includes(`{"Fn::GetAtt":["${logicalId}",`);
}

/** The logical ID a Ref or an Fn::GetAtt names. */
export function referencedResource(fragment: unknown): string | undefined {
  const ref = (fragment as any)?.Ref;
  if (typeof ref === 'string') {
    return ref;
  }
  const getAtt = (fragment as any)?.['Fn::GetAtt'];
  return Array.isArray(getAtt) && typeof getAtt[0] === 'string' ? getAtt[0] : undefined;
}
