import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
// The real plugin, by its file (the package name is mapped to test/relevant-rules-guard.ts).
import { CfnGuardValidator as AllRulesValidator } from '@cdklabs/cdk-validator-cfnguard/lib/plugin';
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as dax from 'aws-cdk-lib/aws-dax';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { ENV, pk } from './fixtures';
import { CONTROL_TOWER_RULES, CfnGuardValidator, typesNamedBy } from './relevant-rules-guard';
import { AlarmTopic, ProductionTable } from '../src';

// The tests' CfnGuardValidator runs only the rule files that name a type of the templates. Its
// report must be the real plugin's, finding for finding, on templates that break rules of many
// services and on one that breaks none.

/** Templates written by `cdk synth`: one that breaks Control Tower rules of eight services, one ProductionTable stack. */
function templates(): string[] {
  const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'relevant-rules-')) });
  const careless = new Stack(app, 'Careless', { env: ENV });
  new dynamodb.Table(careless, 'Table', { partitionKey: pk });
  new sqs.Queue(careless, 'Queue', { encryption: sqs.QueueEncryption.UNENCRYPTED });
  new kms.Key(careless, 'Key');
  new s3.Bucket(careless, 'Bucket');
  const fn = new lambda.Function(careless, 'Function', { runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => {}') });
  new cloudwatch.Alarm(careless, 'Alarm', { metric: fn.metricErrors({ period: Duration.minutes(1) }), threshold: 1, evaluationPeriods: 1, actionsEnabled: false });
  new dax.CfnCluster(careless, 'Cache', { iamRoleArn: 'arn:aws:iam::111111111111:role/dax', nodeType: 'dax.t3.small', replicationFactor: 1 });
  new ec2.CfnSecurityGroup(careless, 'Open', {
    groupDescription: 'open', securityGroupIngress: [{ ipProtocol: 'tcp', fromPort: 22, toPort: 22, cidrIp: '0.0.0.0/0' }],
  });

  const library = new Stack(app, 'Library', { env: ENV });
  new ProductionTable(library, 'Orders', { partitionKey: pk });
  AlarmTopic.of(library).addEmailSubscription('oncall@example.com');

  const assembly = app.synth();
  return ['Careless', 'Library'].map(id => path.join(assembly.directory, assembly.getStackByName(id).templateFile));
}

const [careless, library] = templates();
const ruleNames = (report: { violations: Array<{ ruleName: string }> }) => [...new Set(report.violations.map(v => v.ruleName))];

test('on templates that break rules of eight services, the report is the real plugin\'s, finding for finding', () => {
  const context = { templatePaths: [careless, library] } as any;

  const all = new AllRulesValidator({ controlTowerRulesEnabled: true }).validate(context);
  const relevant = new CfnGuardValidator({ controlTowerRulesEnabled: true }).validate(context);

  expect(relevant).toEqual(all);
  expect(all.success).toBe(false);
  // The careless stack breaks rules of DynamoDB, DAX, SQS, KMS, S3, Lambda, CloudWatch and EC2.
  expect(ruleNames(all).length).toBeGreaterThanOrEqual(15);
  expect(ruleNames(all).some(rule => rule.startsWith('dynamodb_'))).toBe(true);
  for (const rule of ['sqs_queue_encrypted_check', 'lambda_inside_vpc_check', 'dax_cluster_encryption_enabled_check', 'kms_key_rotation_enabled_check', 's3_bucket_versioning_enabled_check', 'cloudwatch_alarm_action_check', 'vpc_sg_restricted_common_ports_check']) {
    expect(ruleNames(all)).toContain(rule);
  }
});

test('on a ProductionTable stack, both reports are the same', () => {
  const context = { templatePaths: [library] } as any;

  expect(new CfnGuardValidator({ controlTowerRulesEnabled: true }).validate(context))
    .toEqual(new AllRulesValidator({ controlTowerRulesEnabled: true }).validate(context));
});

test('it gives cfn-guard a small part of the rule files, and every file names the types it selects', () => {
  const files: string[] = [];
  const walk = (dir: string) => fs.readdirSync(dir).forEach(entry => {
    const file = path.join(dir, entry);
    return fs.statSync(file).isDirectory() ? walk(file) : files.push(file);
  });
  walk(CONTROL_TOWER_RULES);
  const libraryTypes = new Set(Object.values<any>(JSON.parse(fs.readFileSync(library, 'utf-8')).Resources).map(r => r.Type));

  expect(files.length).toBeGreaterThan(200);
  expect(files.filter(file => typesNamedBy(file).length === 0)).toEqual([]);
  expect(files.filter(file => typesNamedBy(file).some(type => libraryTypes.has(type))).length).toBeLessThan(files.length / 5);
});
