import { createHash } from 'crypto';

/**
 * Resolves a synthesized template's intrinsics into the plain JSON that an IAM simulator reads.
 *
 * Every resource gets a deterministic physical name (its explicit name property, or its logical ID)
 * and the ARN that AWS would give it, in the format of the service's ARN reference. `Ref` and
 * `Fn::GetAtt` resolve to those; `Fn::Join`, `Fn::Sub`, `Fn::Select`, `Fn::Split`, `Fn::If` (with
 * the template's conditions) and the pseudo parameters resolve as CloudFormation does. Anything
 * this module cannot resolve throws, so that a policy is never simulated with a placeholder that
 * could match by accident.
 */

/** The account, region and partition in which the template is taken to be deployed. */
export interface SimEnv {
  readonly account: string;
  readonly region: string;
  readonly partition: string;
  readonly stackName: string;
}

interface Resource {
  readonly Type: string;
  readonly Properties?: Record<string, any>;
}

export interface CfnTemplate {
  readonly Resources?: Record<string, Resource>;
  readonly Outputs?: Record<string, { Value: unknown; Export?: { Name: unknown } }>;
  readonly Conditions?: Record<string, unknown>;
  readonly Parameters?: Record<string, { Default?: unknown }>;
}

/** A stream label, as DynamoDB renders it in a stream ARN. */
export const STREAM_LABEL = '2026-01-01T00:00:00.000';

/**
 * The values other stacks of the app pass to this one: an export read with `Fn::ImportValue`, or a
 * stack output read with `Fn::GetStackOutput` (a weak reference, also across regions).
 */
export interface CrossStackValues {
  importValue(exportName: string): unknown;
  stackOutput(stackName: string, outputName: string): unknown;
}

export class TemplateResolver {
  constructor(private readonly template: CfnTemplate, public readonly env: SimEnv, private readonly crossStack?: CrossStackValues) {}

  /** The value of one of this template's outputs, resolved. */
  public output(outputName: string): unknown {
    const output = this.template.Outputs?.[outputName];
    if (!output) {
      throw new Error(`The template of ${this.env.stackName} has no output ${outputName}`);
    }
    return this.resolve(output.Value);
  }

  /** The name of the output that exports `exportName`, if this template has one. */
  public exporting(exportName: string): string | undefined {
    return Object.entries(this.template.Outputs ?? {}).find(([, output]) => output.Export && this.resolve(output.Export.Name) === exportName)?.[0];
  }

  /** A fragment of the template with every intrinsic resolved. */
  public resolve(fragment: unknown): any {
    if (Array.isArray(fragment)) {
      return fragment.map(item => this.resolve(item)).filter(item => item !== NO_VALUE);
    }
    if (fragment === null || typeof fragment !== 'object') {
      return fragment;
    }
    const entries = Object.entries(fragment as Record<string, unknown>);
    if (entries.length === 1 && isIntrinsic(entries[0][0])) {
      return this.intrinsic(entries[0][0], entries[0][1]);
    }
    const out: Record<string, unknown> = {};
    for (const [key, value] of entries) {
      const resolved = this.resolve(value);
      if (resolved !== NO_VALUE) {
        out[key] = resolved;
      }
    }
    return out;
  }

  /** What `Ref` returns for a resource. */
  public ref(logicalId: string): string {
    const resource = this.resource(logicalId);
    const name = this.physicalName(logicalId);
    const { account, region, partition } = this.env;
    switch (resource.Type) {
      case 'AWS::SNS::Topic':
      case 'AWS::IAM::ManagedPolicy':
      case 'AWS::Backup::BackupSelection':
        return this.attribute(logicalId, 'Arn');
      case 'AWS::SQS::Queue':
        return `https://sqs.${region}.amazonaws.com/${account}/${name}`;
      case 'AWS::KMS::Key':
      case 'AWS::KMS::ReplicaKey':
        return keyId(logicalId);
      case 'AWS::EC2::VPCEndpoint':
        return `vpce-${hex(logicalId)}`;
      case 'AWS::EC2::VPC':
        return `vpc-${hex(logicalId)}`;
      case 'AWS::EC2::SecurityGroup':
        return `sg-${hex(logicalId)}`;
      case 'AWS::EC2::Subnet':
        return `subnet-${hex(logicalId)}`;
      case 'AWS::Lambda::EventSourceMapping':
      case 'AWS::Backup::BackupPlan':
        return `${hex(logicalId)}-uuid`;
      default:
        void partition;
        return name;
    }
  }

  /** What `Fn::GetAtt` returns for a resource's attribute. */
  public attribute(logicalId: string, attribute: string): string {
    const resource = this.resource(logicalId);
    const name = this.physicalName(logicalId);
    const { account, region, partition } = this.env;
    const arn = (service: string, rest: string, inRegion = true) =>
      `arn:${partition}:${service}:${inRegion ? region : ''}:${account}:${rest}`;
    const attributes: Record<string, Record<string, () => string>> = {
      'AWS::DynamoDB::Table': {
        Arn: () => arn('dynamodb', `table/${name}`),
        StreamArn: () => arn('dynamodb', `table/${name}/stream/${STREAM_LABEL}`),
      },
      'AWS::DynamoDB::GlobalTable': {
        Arn: () => arn('dynamodb', `table/${name}`),
        StreamArn: () => arn('dynamodb', `table/${name}/stream/${STREAM_LABEL}`),
        TableId: () => `${hex(logicalId)}-table-id`,
      },
      'AWS::KMS::Key': { Arn: () => arn('kms', `key/${keyId(logicalId)}`), KeyId: () => keyId(logicalId) },
      'AWS::KMS::ReplicaKey': { Arn: () => arn('kms', `key/${keyId(logicalId)}`), KeyId: () => keyId(logicalId) },
      'AWS::SNS::Topic': { TopicArn: () => arn('sns', name), TopicName: () => name, Arn: () => arn('sns', name) },
      'AWS::SQS::Queue': { Arn: () => arn('sqs', name), QueueName: () => name, QueueUrl: () => this.ref(logicalId) },
      'AWS::IAM::Role': { Arn: () => arn('iam', `role/${name}`, false), RoleId: () => `AROA${hex(logicalId).toUpperCase()}` },
      'AWS::IAM::ManagedPolicy': { Arn: () => arn('iam', `policy/${name}`, false), PolicyArn: () => arn('iam', `policy/${name}`, false) },
      'AWS::Lambda::Function': { Arn: () => arn('lambda', `function:${name}`) },
      'AWS::Backup::BackupVault': {
        BackupVaultArn: () => arn('backup', `backup-vault:${name}`),
        BackupVaultName: () => name,
      },
      'AWS::Backup::BackupPlan': {
        BackupPlanArn: () => arn('backup', `backup-plan:${this.ref(logicalId)}`),
        BackupPlanId: () => this.ref(logicalId),
        VersionId: () => 'version-1',
      },
      'AWS::CloudWatch::Alarm': { Arn: () => arn('cloudwatch', `alarm:${name}`) },
      'AWS::DAX::Cluster': { Arn: () => arn('dax', `cache/${name}`), ClusterDiscoveryEndpoint: () => `${name}.dax` },
    };
    const read = attributes[resource.Type]?.[attribute];
    if (!read) {
      throw new Error(`The simulator's resolver knows no attribute ${attribute} of ${resource.Type} (${logicalId})`);
    }
    return read();
  }

  /** The resource's own name property, resolved, or its logical ID. */
  public physicalName(logicalId: string): string {
    const resource = this.resource(logicalId);
    const nameProperty = NAME_PROPERTIES[resource.Type];
    const given = nameProperty ? resource.Properties?.[nameProperty] : undefined;
    return given === undefined ? logicalId : String(this.resolve(given));
  }

  private resource(logicalId: string): Resource {
    const resource = this.template.Resources?.[logicalId];
    if (!resource) {
      throw new Error(`The template has no resource ${logicalId}`);
    }
    return resource;
  }

  private intrinsic(name: string, value: any): any {
    switch (name) {
      case 'Ref':
        return this.refOf(value);
      case 'Fn::GetAtt': {
        const [logicalId, attribute] = Array.isArray(value) ? value : String(value).split(/\.(.*)/);
        return this.attribute(logicalId, attribute);
      }
      case 'Fn::Join': {
        const [delimiter, parts] = value;
        return (this.resolve(parts) as unknown[]).map(String).join(delimiter);
      }
      case 'Fn::Select': {
        const [index, list] = value;
        const items = this.resolve(list);
        const at = Number(this.resolve(index));
        if (!Array.isArray(items) || at >= items.length) {
          throw new Error(`Fn::Select index ${at} is out of range of ${JSON.stringify(items)}`);
        }
        return items[at];
      }
      case 'Fn::Split': {
        const [delimiter, source] = value;
        return String(this.resolve(source)).split(delimiter);
      }
      case 'Fn::Sub':
        return this.sub(value);
      case 'Fn::If': {
        const [condition, whenTrue, whenFalse] = value;
        return this.resolve(this.condition(condition) ? whenTrue : whenFalse);
      }
      case 'Fn::Equals': case 'Fn::Not': case 'Fn::And': case 'Fn::Or': case 'Condition':
        return this.evaluate({ [name]: value });
      case 'Fn::ImportValue':
        return this.across(name, value).importValue(String(this.resolve(value)));
      case 'Fn::GetStackOutput': {
        const { StackName: stackName, OutputName: outputName } = this.resolve(value);
        return this.across(name, value).stackOutput(String(stackName), String(outputName));
      }
      default:
        throw new Error(`The simulator's resolver does not resolve ${name}: ${JSON.stringify(value)}`);
    }
  }

  private across(name: string, value: unknown): CrossStackValues {
    if (!this.crossStack) {
      throw new Error(`${name} needs the other stacks of the app: ${JSON.stringify(value)}`);
    }
    return this.crossStack;
  }

  private refOf(target: string): any {
    const { account, region, partition, stackName } = this.env;
    const pseudo: Record<string, unknown> = {
      'AWS::AccountId': account,
      'AWS::Region': region,
      'AWS::Partition': partition,
      'AWS::URLSuffix': 'amazonaws.com',
      'AWS::StackName': stackName,
      'AWS::StackId': `arn:${partition}:cloudformation:${region}:${account}:stack/${stackName}/00000000-0000-0000-0000-000000000000`,
      'AWS::NoValue': NO_VALUE,
    };
    if (target in pseudo) {
      return pseudo[target];
    }
    const parameter = this.template.Parameters?.[target];
    if (parameter) {
      if (parameter.Default === undefined) {
        throw new Error(`Parameter ${target} has no default to simulate with`);
      }
      return parameter.Default;
    }
    return this.ref(target);
  }

  private sub(value: any): string {
    const [text, variables] = Array.isArray(value) ? value : [value, {}];
    const resolvedVariables = this.resolve(variables) as Record<string, unknown>;
    return String(text).replace(/\$\{(!?)([^}]+)\}/g, (_match: string, literal: string, name: string) => {
      if (literal) {
        return `\${${name}}`;
      }
      if (name in resolvedVariables) {
        return String(resolvedVariables[name]);
      }
      if (name.includes('.') && !name.startsWith('AWS::')) {
        const [logicalId, attribute] = name.split(/\.(.*)/);
        return this.attribute(logicalId, attribute);
      }
      return String(this.refOf(name));
    });
  }

  private condition(name: string): boolean {
    const definition = this.template.Conditions?.[name];
    if (definition === undefined) {
      throw new Error(`The template has no condition ${name}`);
    }
    return this.evaluate(definition);
  }

  private evaluate(expression: any): boolean {
    const [[operator, operands]] = Object.entries(expression);
    const list = operands as any[];
    switch (operator) {
      case 'Fn::Equals':
        return JSON.stringify(this.resolve(list[0])) === JSON.stringify(this.resolve(list[1]));
      case 'Fn::Not':
        return !this.evaluate(list[0]);
      case 'Fn::And':
        return list.every(operand => this.evaluate(operand));
      case 'Fn::Or':
        return list.some(operand => this.evaluate(operand));
      case 'Condition':
        return this.condition(operands as unknown as string);
      default:
        throw new Error(`The simulator's resolver cannot evaluate condition ${operator}`);
    }
  }
}

const NO_VALUE = Symbol('AWS::NoValue');

const NAME_PROPERTIES: Record<string, string> = {
  'AWS::DynamoDB::Table': 'TableName',
  'AWS::DynamoDB::GlobalTable': 'TableName',
  'AWS::SNS::Topic': 'TopicName',
  'AWS::SQS::Queue': 'QueueName',
  'AWS::IAM::Role': 'RoleName',
  'AWS::IAM::ManagedPolicy': 'ManagedPolicyName',
  'AWS::Lambda::Function': 'FunctionName',
  'AWS::Backup::BackupVault': 'BackupVaultName',
  'AWS::CloudWatch::Alarm': 'AlarmName',
  'AWS::DAX::Cluster': 'ClusterName',
};

function isIntrinsic(key: string): boolean {
  return key === 'Ref' || key === 'Condition' || key.startsWith('Fn::');
}

/** A stable hexadecimal stand-in for an AWS-generated id. */
function hex(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 8);
}

/** A key id in the UUID shape that KMS gives keys. */
function keyId(logicalId: string): string {
  const h = hex(logicalId);
  return `${h}-0000-4000-8000-${h}${h.slice(0, 4)}`;
}
