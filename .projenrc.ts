import { awscdk, javascript, JsonFile } from 'projen';
import { UpdateSnapshot } from 'projen/lib/javascript';

/**
 * The lowest aws-cdk-lib this library supports; the tests run on exactly this version.
 *
 * 2.269.0 is the first release on which the whole compliance path works (checked by installing
 * each candidate with cdk-nag 3.0.2 and cdk-validator-cfnguard 0.0.62 and synthesizing):
 * - < 2.258: plugins get no `appConstruct`, and cdk-nag 3 packs fail ("NagPack requires a construct tree");
 * - 2.258-2.259: `app.synth()` does not throw on findings, it only sets the exit code;
 * - 2.262.1-2.268: `Validations.acknowledge` refuses finding-scoped ids such as
 *   `AwsSolutions::AwsSolutions-IAM5[Resource::...]` ("The '::' delimiter is reserved"), so an
 *   acknowledgement could only silence a whole rule, not one finding;
 * - 2.269.0: plugins, reports, namespaced finding-scoped acknowledgements and every TableV2 feature
 *   used (contributor insights modes, PITR periods, multi-attribute GSI keys) work.
 */
const CDK_MINIMUM = '2.269.0';

const project = new awscdk.AwsCdkConstructLibrary({
  name: 'cdk-dynamodb-kit',
  packageName: 'cdk-dynamodb-kit',
  description:
    'A production-grade DynamoDB table in one construct: TableV2 with a CMK, PITR, AWS Backup, ' +
    'autoscaling and checks that pass the cdk-nag and Control Tower packs by default.',
  author: 'cdk-dynamodb-kit developers',
  authorAddress: 'dev@cdk-dynamodb-kit.invalid',
  license: 'Apache-2.0',
  repositoryUrl: 'https://github.com/cdk-dynamodb-kit/cdk-dynamodb-kit.git',
  keywords: ['awscdk', 'aws-cdk', 'cdk', 'dynamodb', 'dynamodb-table', 'cdk-nag', 'compliance', 'backup', 'kms'],
  stability: 'experimental',

  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,
  // A typescriptVersion pin alone pulls @types/node@ts6.0, which this registry does not serve.
  minNodeVersion: '20.16.0',

  cdkVersion: CDK_MINIMUM,
  constructsVersion: '10.5.1',
  // The CLI tagged `latest` (3.x) cannot read this aws-cdk-lib's cloud assembly.
  cdkCliVersion: '^2.1148.1',
  jsiiVersion: '~6.0.0',
  typescriptVersion: '~6.0.0',

  devDeps: [
    // The CLI that `npm run examples` synthesizes with; `latest` (3.x) cannot read this assembly.
    'aws-cdk@^2.1148.1',
    'cdk-nag@3.0.2',
    '@cdklabs/cdk-validator-cfnguard@0.0.62',
    // test/slow-first-sequencer.js extends jest's own sequencer (the version of the jest it runs in).
    '@jest/test-sequencer@^30',
    // The event-store example's projector (the Lambda runtime ships these) and its tests.
    '@aws-sdk/client-dynamodb@^3',
    '@aws-sdk/lib-dynamodb@^3',
    '@aws-sdk/util-dynamodb@^3',
    // A DynamoDB-compatible engine in-process, so the projector is tested against real requests.
    'dynalite@^4',
    // IAM policy simulator for the deploy-truth tests. AGPL-3.0: a dev dependency only, never shipped.
    '@cloud-copilot/iam-simulate@^0.1.173',
    // Property-based tests.
    'fast-check@^4',
    // Integration tests (test/integ.*.ts) for people with AWS accounts; the last alpha on npm,
    // whose peer range (aws-cdk-lib ^2.245.0) accepts ours.
    '@aws-cdk/integ-tests-alpha@2.245.0-alpha.0',
    '@aws-cdk/integ-runner@~2.197.10',
  ],
  // integ-runner runs test/integ.*.ts and a jest test checks their snapshots: projen's own
  // integ tasks would deploy or snapshot them a second time.
  integrationTestAutoDiscover: false,

  // Construct Hub renders a language tab only for a configured target.
  publishToPypi: {
    distName: 'cdk-dynamodb-kit',
    module: 'cdk_dynamodb_kit',
  },
  publishToMaven: {
    javaPackage: 'io.github.cdkdynamodbkit',
    mavenGroupId: 'io.github.cdk-dynamodb-kit',
    mavenArtifactId: 'cdk-dynamodb-kit',
  },
  publishToNuget: {
    dotNetNamespace: 'CdkDynamoDbKit',
    packageId: 'CdkDynamoDbKit',
  },
  publishToGo: {
    moduleName: 'github.com/cdk-dynamodb-kit/cdk-dynamodb-kit-go',
  },

  jestOptions: {
    // Otherwise the test task runs `jest --updateSnapshot` and no snapshot test can ever fail.
    updateSnapshot: UpdateSnapshot.NEVER,
    passWithNoTests: false,
    jestConfig: {
      testTimeout: 60_000,
      // Coverage (v8) makes the suite 1.6 times as long here (174 s against 278 s of jest): `npm test`
      // leaves it out, `npx projen test:coverage` collects it.
      collectCoverage: false,
      // Jest's default on a 2-core machine is one worker; two cut the suite from ~166 s to ~122 s here.
      maxWorkers: 2,
      // Turns off aws-cdk-lib's built-in CloudFormation Validate run, which costs ~11 s of CPU per
      // test file (see the file); the tests that read its report register it themselves.
      setupFiles: ['<rootDir>/test/jest-setup.ts'],
      // The longest files first, also on a fresh clone where jest has no timings (see the file).
      testSequencer: '<rootDir>/test/slow-first-sequencer.js',
      // The tests' CfnGuardValidator gives cfn-guard only the Control Tower rule files that name a
      // type of the templates: the same report, ~2.5 s less per synth (test/relevant-rules-guard.ts).
      moduleNameMapper: { '^@cdklabs/cdk-validator-cfnguard$': '<rootDir>/test/relevant-rules-guard.ts' },
    },
  },
  // ts-jest runs with isolatedModules, so only tsc finds type errors in tests.
  typecheckTests: true,

  // Examples and scripts use the compliance packs, which are dev dependencies.
  eslintOptions: { dirs: ['src'], devdirs: ['test', 'build-tools', 'examples', 'scripts'] },
  // cdk-integ.out.*: integ-runner's working assemblies next to each integ test.
  // A worktree's node_modules may be a symlink, which '/node_modules/' (directories only) does not match.
  gitignore: ['/node_modules', 'cdk.out/', '.tmp/', '*.tgz', '.jsii.tabl.json', 'cdk-integ.out.*'],
});

// unrs-resolver 1.13.0 (through eslint-import-resolver-typescript) lists platform bindings that
// this registry does not serve, so `npm ci` fails with "Missing: ... from lock file"; 1.12.2's are all served.
project.package.addField('overrides', { 'unrs-resolver': '1.12.2' });

project.tsconfigDev.addInclude('../examples/**/*.ts');
for (const dir of ['/examples/', '/scripts/', '/cdk.out/', '/.ci/', '/rosetta/']) {
  project.addPackageIgnore(dir);
}

// Every example app, synthesized into cdk.out/<name>, with a summary per stack.
project.addTask('examples', {
  description: 'Synthesize every app in examples/ into cdk.out/ and summarize each stack',
  exec: 'ts-node --transpile-only scripts/synth-examples.ts',
});
project.tsconfigDev.addInclude('../scripts/**/*.ts');

// Synth time, memory, resources, template size and fixed cost of ProductionTable against the
// plain aws-cdk-lib equivalent; a script rather than a timed test, because timings belong to a machine.
project.addTask('test:coverage', {
  description: 'Runs the tests with coverage (coverage/lcov-report/index.html); `npm test` runs them without',
  exec: 'jest --ci --coverage',
  receiveArgs: true,
});

project.addTask('bench', {
  description: 'Benchmark synthesis of N fully featured tables against the hand-written aws-cdk-lib equivalent',
  exec: 'ts-node --transpile-only scripts/bench.ts',
  receiveArgs: true,
});

// The package as a user meets it: the jsii tarball installed into a fresh CDK app outside the repo.
project.addTask('package-smoke', {
  description: 'Install dist/js/*.tgz into a fresh CDK app next to aws-cdk-lib, constructs and the CLI, and cdk synth it',
  exec: 'bash .ci/package-smoke/run',
});

// Snippets in the README and in doc comments must compile, as Construct Hub renders them per language.
project.addTask('rosetta', {
  description: 'Compile README and @example snippets with jsii-rosetta (strict)',
  exec: 'jsii-rosetta extract --strict',
});

// eslint's project service types each file with the nearest tsconfig.json.
for (const dir of ['examples', 'scripts']) {
  new JsonFile(project, `${dir}/tsconfig.json`, { obj: { extends: '../test/tsconfig.json', include: ['**/*.ts'] } });
}

project.synth();
