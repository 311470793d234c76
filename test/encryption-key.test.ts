import { App, PhysicalName, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { HardenedKey } from '../src';
import { listFindings, synthWithChecks } from './compliance-harness';
import { agnosticStack, ENV, envIn, OTHER_ACCOUNT, REGION } from './fixtures';

describe('HardenedKey', () => {
  test('rotates, is retained, and denies grants that are not for AWS resources', () => {
    const stack = agnosticStack();
    new HardenedKey(stack, 'Key', { description: 'test key', alias: 'test/key' });

    const template = Template.fromStack(stack);
    template.hasResource('AWS::KMS::Key', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: {
        Description: 'test key',
        EnableKeyRotation: true,
        KeyPolicy: {
          Statement: Match.arrayWith([Match.objectLike({
            Effect: 'Deny',
            Action: 'kms:CreateGrant',
            Condition: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
          })]),
        },
      },
    });
    template.hasResourceProperties('AWS::KMS::Alias', { AliasName: 'alias/test/key' });
  });

  test('stays a kms.Key: further statements can be added', () => {
    const stack = agnosticStack();
    const key = new HardenedKey(stack, 'Key', { description: 'test key' });

    key.grantEncryptDecrypt(new iam.ServicePrincipal('logs.amazonaws.com'));

    Template.fromStack(stack).hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: { Statement: Match.arrayWith([Match.objectLike({ Principal: { Service: 'logs.amazonaws.com' } })]) },
    });
  });

  test('passes the Control Tower KMS rules and the cdk-nag packs on its own', () => {
    // The seven plugins; the library's keys go through cfn-lint in every compliance scenario.
    const result = synthWithChecks(app => new HardenedKey(new Stack(app, 'Stack'), 'Key', { description: 'test key' }), { schema: false });

    expect(listFindings(result.unacknowledged)).toEqual('');
  });
});

describe('HardenedKey removalPolicy', () => {
  test('DESTROY deletes the key with its stack after KMS\'s shortest waiting period, 7 days; by default it is retained', () => {
    // GIVEN / WHEN
    const stack = agnosticStack();
    new HardenedKey(stack, 'Gone', { description: 'dev key', removalPolicy: RemovalPolicy.DESTROY });
    new HardenedKey(stack, 'Kept', { description: 'kept key' });

    // THEN
    const keys = Template.fromStack(stack).findResources('AWS::KMS::Key');
    const summary = Object.values<any>(keys).map(key => [key.Properties.Description, key.DeletionPolicy, key.Properties.PendingWindowInDays]);
    expect(summary).toEqual([['dev key', 'Delete', 7], ['kept key', 'Retain', undefined]]);
  });
});

describe('HardenedKey alias', () => {
  test.each(['alias/orders', 'aws', 'aws/orders', '', 'has space', 'a'.repeat(251)])('%j is refused, naming the property and what is allowed', alias => {
    const stack = agnosticStack();
    expect(() => new HardenedKey(stack, 'Key', { description: 'd', alias })).toThrow(
      new RegExp(`^Stack/Key: alias must be 1-250 characters .* without the 'alias/' prefix .* got '${alias.slice(0, 10)}`),
    );
  });

  test.each(['orders', 'team/orders_key-1'])('%j is accepted', alias => {
    const stack = agnosticStack();
    new HardenedKey(stack, 'Key', { description: 'd', alias });
    Template.fromStack(stack).hasResourceProperties('AWS::KMS::Alias', { AliasName: `alias/${alias}` });
  });
});

describe('HardenedKey grants to a principal of another region', () => {
  // GIVEN a key in eu-west-1 and roles in stacks of us-east-1 (this account) and eu-west-1 (another account)
  const setup = () => {
    const app = new App();
    const keyStack = new Stack(app, 'Keys', { env: ENV });
    const key = new HardenedKey(keyStack, 'Key', { description: 'table key' });
    const role = (id: string, env: typeof ENV) =>
      new iam.Role(new Stack(app, id, { env }), 'Role', { assumedBy: new iam.AccountRootPrincipal(), roleName: PhysicalName.GENERATE_IF_NEEDED });
    return {
      key,
      keyStack,
      local: role('Local', ENV),
      remote: role('Remote', envIn('us-east-1')),
      otherAccount: role('OtherAccount', { account: OTHER_ACCOUNT, region: REGION }),
    };
  };
  const statements = (principal: iam.Role) => Object.values<any>(Template.fromStack(Stack.of(principal)).toJSON().Resources)
    .filter(r => r.Type === 'AWS::IAM::Policy')
    .flatMap(r => r.Properties.PolicyDocument.Statement);

  test('grant, grantDecrypt, grantEncrypt and grantEncryptDecrypt name the key by its ARN, read with Fn::GetStackOutput, never "*"', () => {
    // WHEN
    const { key, keyStack, remote } = setup();
    key.grant(remote, 'kms:DescribeKey');
    key.grantDecrypt(remote);
    key.grantEncrypt(remote);
    key.grantEncryptDecrypt(remote);

    // THEN
    const resources = statements(remote).map(statement => statement.Resource);
    expect(resources.length).toBeGreaterThan(0);
    for (const resource of resources) {
      expect(resource).toEqual({ 'Fn::GetStackOutput': expect.objectContaining({ Region: REGION }) });
    }
    // The role's stack reads the output, so it deploys after the key's.
    expect(Stack.of(remote).dependencies).toContain(keyStack);
    expect([...new Set(statements(remote).flatMap(statement => [statement.Action].flat()))].sort()).toEqual(
      ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey*', 'kms:ReEncrypt*'],
    );
  });

  test('in the key\'s own region, and for another account, the grant is aws-kms\'s', () => {
    // WHEN
    const { key, keyStack, local, otherAccount } = setup();
    key.grantDecrypt(local);
    key.grantDecrypt(otherAccount);

    // THEN the local role's policy names the key's ARN in the template; another account's names "*"
    // and the key policy names that role, as aws-kms does
    expect(statements(local).map(statement => statement.Resource)).toEqual([{ 'Fn::ImportValue': expect.any(String) }]);
    expect(statements(otherAccount).map(statement => statement.Resource)).toEqual(['*']);
    const keyPolicy = Object.values<any>(Template.fromStack(keyStack).findResources('AWS::KMS::Key'))[0].Properties.KeyPolicy;
    const decrypters = keyPolicy.Statement.filter((statement: any) => statement.Action === 'kms:Decrypt');
    expect(JSON.stringify(decrypters)).toContain(`:iam::${OTHER_ACCOUNT}:role/`);
  });
});
