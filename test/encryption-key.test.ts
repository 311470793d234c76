import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { HardenedKey } from '../src';
import { listFindings, synthWithChecks } from './compliance-harness';
import { agnosticStack } from './fixtures';

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
