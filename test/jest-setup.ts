/**
 * Runs in every jest worker before each test file.
 *
 * aws-cdk-lib (2.269) runs its own "CloudFormation Validate" plugin (cfn-lint compiled to
 * WebAssembly) inside every `app.synth()` unless CDK_VALIDATION=false. Its findings never fail a
 * synth (aws-cdk-lib downgrades them to warnings), so only a test that reads `validation-report.json`
 * sees them. Its engine starts once per test file, because jest gives each file its own module
 * registry, and that start costs about 11 s of CPU here; every synth after it 0.1-0.5 s more.
 * So the suite turns it off, and the tests that read its report register it themselves
 * (`test/cfn-validate.ts`): the compliance harness, the example stacks and the property tests.
 * `CDK_VALIDATION=true npx jest` runs it everywhere.
 */
process.env.CDK_VALIDATION ??= 'false';
