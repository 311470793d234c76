/**
 * Simulated authorization over a synthesized template.
 *
 * `SimulatedStack` resolves a stack's template (see `resolve.ts`), finds the policies that govern a
 * request (the principal's identity policies, the resource's policy, a VPC endpoint's policy) and
 * asks `@cloud-copilot/iam-simulate` for the decision, as IAM would make it. The simulator fills in
 * no context key: every request carries those that AWS sends with the real one (see `context.ts`).
 *
 * The simulator validates actions, ARNs and context keys against AWS's service authorization
 * data. A request it cannot run, or a context key that it ignores because the action does not
 * take it, fails the test: a condition evaluated without its key proves nothing.
 */
import { runSimulation, type EvaluationResult } from '@cloud-copilot/iam-simulate';
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { CfnTemplate, CrossStackValues, SimEnv, TemplateResolver } from './resolve';
import { ACCOUNT, REGION } from '../fixtures';

export type Decision = EvaluationResult;

/** One request, as IAM sees it. */
export interface SimRequest {
  /** The principal: a role session ARN (`sessionOf(roleArn)`), a service principal, or an account. */
  readonly principal: string;
  readonly action: string;
  readonly resource: string;
  /** The account that owns the resource. @default the account of the resource ARN */
  readonly resourceAccount?: string;
  /** Every context key that AWS sends with the request. */
  readonly context: Record<string, string | string[]>;
  readonly identityPolicies?: any[];
  readonly resourcePolicy?: any;
  readonly vpcEndpointPolicies?: any[];
  /** Context keys that the simulator may ignore for this action; by default none may be. */
  readonly allowIgnoredKeys?: string[];
}

/** The decision IAM would make on a request. */
export async function decide(request: SimRequest): Promise<Decision> {
  // An action that takes only Resource "*" (ListTables) acts in the caller's own account.
  const accountLevel = request.resource === '*';
  const resourceAccount = request.resourceAccount ??
    (accountLevel ? String(request.context['aws:PrincipalAccount'] ?? '') : accountOf(request.resource));
  const result = await runSimulation({
    request: {
      principal: request.principal,
      action: request.action,
      resource: { resource: request.resource, accountId: resourceAccount },
      // aws:ResourceAccount is in the context of every request to a resource of an account
      // (IAM User Guide, global condition keys), so it is derived here from the resource.
      contextVariables: accountLevel ? request.context : { 'aws:ResourceAccount': resourceAccount, ...request.context },
    },
    identityPolicies: (request.identityPolicies ?? []).map((policy, i) => ({ name: `identity${i}`, policy })),
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy: request.resourcePolicy,
    vpcEndpointPolicies: request.vpcEndpointPolicies?.map((policy, i) => ({ name: `vpce${i}`, policy })),
  }, { simulationMode: 'Strict' });

  if (result.resultType === 'error') {
    throw new Error(`The simulator refused the request ${request.action} on ${request.resource}: ${JSON.stringify(result.errors)}`);
  }
  const details = result.resultType === 'single' ? [result.result] : result.results;
  const ignored = details.flatMap(detail => detail.ignoredContextKeys ?? [])
    .filter(key => !(request.allowIgnoredKeys ?? []).includes(key));
  if (ignored.length > 0) {
    throw new Error(`${request.action} does not take the context keys ${ignored.join(', ')}; a request that carries them is not one AWS sends`);
  }
  return result.overallResult;
}

/** The account of an ARN (empty for S3 and other global ARNs). */
export function accountOf(arn: string): string {
  return arn.split(':')[4] ?? '';
}

/** The ARN of a session of a role, which is the principal of the role's requests. */
export function sessionOf(roleArn: string, session = 'session'): string {
  const [, partition, , , account, resource] = roleArn.split(':');
  return `arn:${partition}:sts::${account}:assumed-role/${resource.replace(/^role\/(.*\/)?/, '')}/${session}`;
}

/** A stack's template, resolved, with the policies that govern requests to and from its resources. */
export class SimulatedStack {
  public static of(stack: Stack, env?: Partial<SimEnv>): SimulatedStack {
    const template = Template.fromStack(stack).toJSON() as CfnTemplate;
    return new SimulatedStack(template, simEnvOf(stack, env), appValues(stack));
  }

  public readonly resolver: TemplateResolver;

  constructor(public readonly template: CfnTemplate, public readonly env: SimEnv, crossStack?: CrossStackValues) {
    this.resolver = new TemplateResolver(template, env, crossStack);
  }

  /** The logical IDs of the resources of a type, optionally filtered by their raw properties. */
  public logicalIds(type: string, where: (properties: Record<string, any>) => boolean = () => true): string[] {
    return Object.entries(this.template.Resources ?? {})
      .filter(([, resource]) => resource.Type === type && where(resource.Properties ?? {}))
      .map(([logicalId]) => logicalId);
  }

  /** The one resource of a type (that matches), or an error. */
  public only(type: string, where?: (properties: Record<string, any>) => boolean): string {
    const ids = this.logicalIds(type, where);
    if (ids.length !== 1) {
      throw new Error(`Expected one ${type}, found ${ids.length}: ${ids.join(', ')}`);
    }
    return ids[0];
  }

  /** A resource's ARN (or another attribute). */
  public arn(logicalId: string, attribute = defaultArnAttribute(this.template.Resources?.[logicalId]?.Type)): string {
    return this.resolver.attribute(logicalId, attribute);
  }

  /** What `Ref` gives for a resource. */
  public ref(logicalId: string): string {
    return this.resolver.ref(logicalId);
  }

  /** A resource's properties with every intrinsic resolved. */
  public properties(logicalId: string): Record<string, any> {
    return this.resolver.resolve(this.template.Resources?.[logicalId]?.Properties ?? {});
  }

  /**
   * Every identity policy document of a role: its inline policies, the `AWS::IAM::Policy` and
   * customer-managed `AWS::IAM::ManagedPolicy` resources attached to it in this template. AWS
   * managed policies are named by ARN only, so their content is unknown here and they are left out:
   * none of them is needed for what the library promises.
   */
  public identityPolicies(roleLogicalId: string): any[] {
    const roleRef = { Ref: roleLogicalId };
    const attached = (roles: unknown) => Array.isArray(roles) && roles.some(role => JSON.stringify(role) === JSON.stringify(roleRef));
    const role = this.template.Resources?.[roleLogicalId];
    if (role?.Type !== 'AWS::IAM::Role') {
      throw new Error(`${roleLogicalId} is not an AWS::IAM::Role`);
    }
    const inline = (role.Properties?.Policies ?? []).map((policy: any) => policy.PolicyDocument);
    const managedByRef = new Set(JSON.stringify(role.Properties?.ManagedPolicyArns ?? []).match(/"Ref":"[^"]+"/g)?.map(ref => ref.slice(7, -1)) ?? []);
    const documents = [
      ...inline,
      ...this.logicalIds('AWS::IAM::Policy', p => attached(p.Roles)).map(id => this.template.Resources![id].Properties!.PolicyDocument),
      ...this.logicalIds('AWS::IAM::ManagedPolicy', p => attached(p.Roles)).map(id => this.template.Resources![id].Properties!.PolicyDocument),
      ...[...managedByRef].filter(id => this.template.Resources?.[id]?.Type === 'AWS::IAM::ManagedPolicy')
        .map(id => this.template.Resources![id].Properties!.PolicyDocument),
    ];
    return documents.map(document => this.resolver.resolve(document));
  }

  /** The ARN of a role and of a session of it. */
  public role(roleLogicalId: string): { arn: string; session: string; policies: any[] } {
    const arn = this.arn(roleLogicalId);
    return { arn, session: sessionOf(arn), policies: this.identityPolicies(roleLogicalId) };
  }

  /** The policy of an SNS topic: the `AWS::SNS::TopicPolicy` that names it. */
  public topicPolicy(topicLogicalId: string): any {
    return this.policyNaming('AWS::SNS::TopicPolicy', 'Topics', topicLogicalId);
  }

  /** The policy of an SQS queue: the `AWS::SQS::QueuePolicy` that names it. */
  public queuePolicy(queueLogicalId: string): any {
    return this.policyNaming('AWS::SQS::QueuePolicy', 'Queues', queueLogicalId);
  }

  /** A KMS key's key policy. */
  public keyPolicy(keyLogicalId: string): any {
    return this.properties(keyLogicalId).KeyPolicy;
  }

  /**
   * A VPC endpoint's policy. The simulator accepts only `"Principal": "*"` in an endpoint policy,
   * and CDK renders `{"AWS": "*"}`; IAM treats the two alike ("AWS JSON policy elements: Principal",
   * IAM User Guide), so the policy is read with the first form.
   */
  public endpointPolicy(endpointLogicalId: string): any {
    const policy = this.properties(endpointLogicalId).PolicyDocument;
    if (policy === undefined) {
      return undefined;
    }
    return {
      ...policy,
      Statement: policy.Statement.map((statement: any) =>
        JSON.stringify(statement.Principal) === '{"AWS":"*"}' ? { ...statement, Principal: '*' } : statement),
    };
  }

  /** A table's resource policy (of the replica in the stack's region, for a global table). */
  public tablePolicy(tableLogicalId: string, region = this.env.region): any {
    return this.tableSettings(tableLogicalId, region).ResourcePolicy?.PolicyDocument;
  }

  /** A table's stream resource policy. */
  public streamPolicy(tableLogicalId: string, region = this.env.region): any {
    return this.tableSettings(tableLogicalId, region).ReplicaStreamSpecification?.ResourcePolicy?.PolicyDocument;
  }

  /** A backup vault's access policy. */
  public vaultPolicy(vaultLogicalId: string): any {
    return this.properties(vaultLogicalId).AccessPolicy;
  }

  private tableSettings(tableLogicalId: string, region: string): Record<string, any> {
    const properties = this.properties(tableLogicalId);
    if (!Array.isArray(properties.Replicas)) {
      return properties;
    }
    const replica = properties.Replicas.find((candidate: any) => candidate.Region === region);
    if (!replica) {
      throw new Error(`${tableLogicalId} has no replica in ${region}`);
    }
    return replica;
  }

  private policyNaming(type: string, property: string, logicalId: string): any {
    const ids = this.logicalIds(type, p => JSON.stringify(p[property] ?? []).includes(`{"Ref":"${logicalId}"}`));
    if (ids.length > 1) {
      throw new Error(`${ids.length} ${type} resources name ${logicalId}`);
    }
    return ids.length === 0 ? undefined : this.properties(ids[0]).PolicyDocument;
  }
}

function defaultArnAttribute(type: string | undefined): string {
  switch (type) {
    case 'AWS::SNS::Topic': return 'TopicArn';
    case 'AWS::Backup::BackupVault': return 'BackupVaultArn';
    case 'AWS::Backup::BackupPlan': return 'BackupPlanArn';
    default: return 'Arn';
  }
}

function simEnvOf(stack: Stack, env?: Partial<SimEnv>): SimEnv {
  return {
    account: env?.account ?? resolvedOr(stack.account, ACCOUNT),
    region: env?.region ?? resolvedOr(stack.region, REGION),
    partition: env?.partition ?? 'aws',
    stackName: env?.stackName ?? stack.stackName,
  };
}

/**
 * What the other stacks of a stack's app export and output, resolved in their own account and
 * region, so that a policy naming a resource of another stack is simulated with its real ARN.
 */
function appValues(stack: Stack): CrossStackValues {
  const others = () => stack.node.root.node.findAll()
    .filter((construct): construct is Stack => Stack.isStack(construct) && construct !== stack)
    .map(other => new TemplateResolver(Template.fromStack(other).toJSON() as CfnTemplate, simEnvOf(other), appValues(other)));
  return {
    importValue: exportName => {
      const found = others().map(other => ({ other, output: other.exporting(exportName) })).find(candidate => candidate.output);
      if (!found) {
        throw new Error(`No stack of the app exports ${exportName}`);
      }
      return found.other.output(found.output!);
    },
    stackOutput: (stackName, outputName) => {
      const found = others().find(other => other.env.stackName === stackName);
      if (!found) {
        throw new Error(`The app has no stack ${stackName}`);
      }
      return found.output(outputName);
    },
  };
}

function resolvedOr(value: string, fallback: string): string {
  return value.startsWith('${Token[') ? fallback : value;
}
