import { App, CloudFormationValidatePlugin, Validations } from 'aws-cdk-lib';

let plugin: CloudFormationValidatePlugin | undefined;

/**
 * Registers aws-cdk-lib's "CloudFormation Validate" plugin (cfn-lint schema rules) on `app`, so that
 * its findings are in `validation-report.json` whatever CDK_VALIDATION says (test/jest-setup.ts turns
 * the built-in run off). One instance per test file: starting its engine is what costs seconds.
 */
export function addCloudFormationValidate(app: App): void {
  plugin ??= new CloudFormationValidatePlugin();
  Validations.of(app).addPlugins(plugin);
}
