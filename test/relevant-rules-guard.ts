/**
 * The Control Tower rules as the tests run them: `@cdklabs/cdk-validator-cfnguard`'s own
 * CfnGuardValidator, given only the rule files that name a resource type of the templates it checks.
 *
 * Why: cfn-guard parses every rule file once per template, so the plugin's 237 Control Tower files
 * cost about 2.8 s per template on this machine, most of a test's synth. A rule selects resources by
 * their `Type` (each file names its types as string literals), so a file that names none of the
 * templates' types reports nothing but "not applicable", which the plugin drops: the violations are
 * the same, in about a tenth of the time. test/relevant-rules-guard.test.ts proves the two reports
 * equal on templates that break rules of several services.
 *
 * jest's `moduleNameMapper` (.projenrc.ts) gives this module to every test that imports
 * `@cdklabs/cdk-validator-cfnguard`, examples/compliance.ts included. Outside jest (the examples
 * task, .ci/readme-snippets/run, a user's app) the plugin runs every file.
 */
import * as fs from 'fs';
import * as path from 'path';
// The real plugin, by its file: the package name itself is mapped to this module.
import { CfnGuardValidator as AllRulesValidator, type CfnGuardValidatorProps } from '@cdklabs/cdk-validator-cfnguard/lib/plugin';
import { IPolicyValidationContextBeta1, PolicyValidationPluginReportBeta1 } from 'aws-cdk-lib';

/** The Control Tower rules directory that the plugin reads when `controlTowerRulesEnabled` is set. */
export const CONTROL_TOWER_RULES = path.join(path.dirname(require.resolve('@cdklabs/cdk-validator-cfnguard/package.json')), 'rules', 'control-tower', 'cfn-guard');

/** The plugin's own run of cfn-guard, which is private in its typings. */
interface GuardRun {
  execGuard(config: { templatePaths: string[]; rulePaths: string[] }): PolicyValidationPluginReportBeta1;
}

/** A CfnGuardValidator that gives cfn-guard only the rule files that name a type of the templates. */
export class CfnGuardValidator extends AllRulesValidator {
  private readonly ruleFiles: string[];

  constructor(props: CfnGuardValidatorProps = {}) {
    super(props);
    const roots = [...props.controlTowerRulesEnabled ?? true ? [CONTROL_TOWER_RULES] : [], ...props.rules ?? []];
    this.ruleFiles = roots.flatMap(filesUnder);
  }

  public validate(context: IPolicyValidationContextBeta1): PolicyValidationPluginReportBeta1 {
    const types = new Set(context.templatePaths.flatMap(resourceTypesOf));
    // A file that names no type cannot be judged by its types, and always runs.
    const relevant = this.ruleFiles.filter(file => typesNamedBy(file).length === 0 || typesNamedBy(file).some(type => types.has(type)));
    if (relevant.length === 0) {
      return { success: true, violations: [] };
    }
    return (this as unknown as GuardRun).execGuard({ templatePaths: context.templatePaths, rulePaths: relevant });
  }
}

function filesUnder(rulePath: string): string[] {
  return fs.statSync(rulePath).isDirectory()
    ? fs.readdirSync(rulePath).sort().flatMap(entry => filesUnder(path.join(rulePath, entry)))
    : [rulePath];
}

const NAMED_TYPES = new Map<string, string[]>();

/** The resource types a rule file names, as quoted string literals (`'AWS::Service::Resource'`). */
export function typesNamedBy(ruleFile: string): string[] {
  let types = NAMED_TYPES.get(ruleFile);
  if (types === undefined) {
    types = [...new Set([...fs.readFileSync(ruleFile, 'utf-8').matchAll(/["'](AWS::[A-Za-z0-9]+::[A-Za-z0-9]+)["']/g)].map(match => match[1]))];
    NAMED_TYPES.set(ruleFile, types);
  }
  return types;
}

function resourceTypesOf(templatePath: string): string[] {
  const template = JSON.parse(fs.readFileSync(templatePath, 'utf-8'));
  return Object.values<{ Type?: string }>(template.Resources ?? {}).map(resource => resource.Type ?? '');
}
