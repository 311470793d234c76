import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, CfnElement, Environment, IPolicyValidationContext, PolicyValidationPluginReport, Stack } from 'aws-cdk-lib';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { IConstruct } from 'constructs';
import { DynamoDbChecks, DynamoDbChecksProps } from '../../src';
import { envIn } from '../fixtures';

/**
 * A stack with a known environment: TableV2 replicas and customer-managed keys need a region. Not
 * REGION: the rules' tests put replicas in eu-west-1 and DAX nodes in us-east-1's zones.
 */
export const ENV: Environment = envIn('us-east-1');

/** The partition key every test table uses. */
export { pk as PK } from '../fixtures';

/** Where one rule found one table at fault. */
export interface Finding {
  readonly resourceLogicalId?: string;
  readonly locations: string[];
}

/** What DynamoDbChecks said about an app. */
export interface CheckResult {
  readonly report: PolicyValidationPluginReport;
  /** Rule name to the resources it flagged. A rule that flagged nothing is absent. */
  readonly findings: Record<string, Finding[]>;
  /** Rule name to the resources it could not decide at synth (reported as violations that say so). */
  readonly undecided: Record<string, Finding[]>;
}

/** An app that writes its assembly to a fresh temporary directory, with no validation plugins. */
export function newApp(): App {
  return new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'dynamodb-checks-')) });
}

/** A stack in a new app; pass ENV for a stack with a region. */
export function newStack(env?: Environment): Stack {
  return new Stack(newApp(), 'Stack', { env });
}

/**
 * Synthesizes the app of `scope` without any plugin, then runs `DynamoDbChecks` on its templates
 * with the context the framework would give it.
 */
export function runChecks(scope: IConstruct, props?: DynamoDbChecksProps): CheckResult {
  const app = scope.node.root as App;
  const assembly = app.synth();
  const stackTemplates = assembly.stacks.map(stack => ({
    stackConstructPath: stack.hierarchicalId,
    templatePath: stack.templateFullPath,
    accountId: stack.environment.account !== cxapi.UNKNOWN_ACCOUNT ? stack.environment.account : undefined,
    region: stack.environment.region !== cxapi.UNKNOWN_REGION ? stack.environment.region : undefined,
  }));
  const context: IPolicyValidationContext = {
    templatePaths: stackTemplates.map(stack => stack.templatePath),
    stackTemplates,
    appConstruct: app,
  };
  const report = new DynamoDbChecks(app, props).validate(context);
  fs.rmSync(assembly.directory, { recursive: true, force: true });

  const findings: Record<string, Finding[]> = {};
  const undecided: Record<string, Finding[]> = {};
  for (const violation of report.violations) {
    const into = violation.ruleMetadata?.verdict === 'cannot decide at synth' ? undecided : findings;
    into[violation.ruleName] = [...into[violation.ruleName] ?? [], ...violation.violatingResources.map(resource => ({
      resourceLogicalId: resource.resourceLogicalId,
      locations: resource.locations,
    }))];
  }
  return { report, findings, undecided };
}

/** The findings of one rule; empty when it flagged nothing. */
export function findingsOf(scope: IConstruct, ruleName: string, props?: DynamoDbChecksProps): Finding[] {
  return runChecks(scope, props).findings[ruleName] ?? [];
}

/** The resources one rule could not decide at synth; empty when it decided every one. */
export function undecidedOf(scope: IConstruct, ruleName: string, props?: DynamoDbChecksProps): Finding[] {
  return runChecks(scope, props).undecided[ruleName] ?? [];
}

/** The logical ID of a construct's CloudFormation resource (an L2's default child, or the L1 itself). */
export function logicalId(construct: IConstruct): string {
  const element = (construct instanceof CfnElement ? construct : construct.node.defaultChild) as CfnElement;
  return Stack.of(element).getLogicalId(element);
}

/** Both verdicts of one rule from one run (an app synthesizes once, so run the checks once). */
export function verdictsOf(scope: IConstruct, ruleName: string, props?: DynamoDbChecksProps): { failing: Finding[]; undecided: Finding[] } {
  const result = runChecks(scope, props);
  return { failing: result.findings[ruleName] ?? [], undecided: result.undecided[ruleName] ?? [] };
}
