import { App, Stack, Stage, Token } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Construct } from 'constructs';
import { ProductionTable, ReplicaKeyStack } from '../src';
import { ENV, pk } from './fixtures';
import { DynamoDbKitError } from '../src/private/errors';

const KEY_STACK = 'Tables-DynamoDbKitReplicas-us-east-1';

function globalTable(env: { account?: string; region?: string } | undefined = ENV) {
  const app = new App();
  const stack = new Stack(app, 'Tables', { env });
  const table = new ProductionTable(stack, 'Orders', { partitionKey: pk, replicas: [{ region: 'us-east-1' }] });
  return { app, stack, table };
}

describe('the key stack of a replica region', () => {
  test('holds a hardened key for the replica, in the replica region and the table stack\'s account', () => {
    // GIVEN / WHEN
    const { app, stack } = globalTable();

    // THEN
    const keyStack = app.node.findChild(KEY_STACK) as ReplicaKeyStack;
    expect(keyStack).toBeInstanceOf(ReplicaKeyStack);
    expect(keyStack.region).toEqual('us-east-1');
    expect(keyStack.account).toEqual('111111111111');
    expect(Stage.of(keyStack)).toBe(Stage.of(stack));
    expect(keyStack.tableStack).toBe(stack);
    const template = Template.fromStack(keyStack);
    template.resourceCountIs('AWS::KMS::Key', 1);
    template.hasResource('AWS::KMS::Key', {
      DeletionPolicy: 'Retain',
      Properties: {
        EnableKeyRotation: true,
        Description: 'Encrypts the us-east-1 replica of the DynamoDB table Tables/Orders',
        KeyPolicy: { Statement: Match.arrayWith([Match.objectLike({ Sid: 'AllowGrantsOnlyForAwsServices', Effect: 'Deny' })]) },
      },
    });
  });

  test('deploys before the table: the table stack depends on it', () => {
    const { app, stack } = globalTable();

    expect(stack.dependencies).toEqual([app.node.findChild(KEY_STACK)]);
  });

  test('crosses regions by a weak reference: Fn::GetStackOutput, and no custom resource or Lambda function anywhere', () => {
    // GIVEN / WHEN
    const { app } = globalTable();
    const assembly = app.synth();

    // THEN
    const tableTemplate = assembly.getStackByName('Tables').template;
    const replicas = Object.values<any>(tableTemplate.Resources).find(r => r.Type === 'AWS::DynamoDB::GlobalTable').Properties.Replicas;
    expect(replicas.find((r: any) => r.Region === 'us-east-1').SSESpecification.KMSMasterKeyId).toEqual({
      'Fn::GetStackOutput': { StackName: KEY_STACK, Region: 'us-east-1', OutputName: expect.stringMatching(/^PublishOutputFnGetAttOrdersKey/) },
    });
    const keyTemplate = assembly.getStackByName(KEY_STACK).template;
    expect(Object.values<any>(keyTemplate.Outputs)).toEqual([{ Value: { 'Fn::GetAtt': [expect.stringMatching(/^OrdersKey/), 'Arn'] } }]);
    for (const stack of assembly.stacks) {
      const types = Object.values<any>(stack.template.Resources).map(r => r.Type);
      expect(types.filter(type => type.startsWith('Custom::') || type === 'AWS::Lambda::Function' || type === 'AWS::CloudFormation::CustomResource')).toEqual([]);
      expect(stack.template.Outputs ? Object.values<any>(stack.template.Outputs).filter(o => o.Export) : []).toEqual([]);
    }
  });

  test('is shared by every table of the stack for that region, one key each', () => {
    // GIVEN
    const { app, stack } = globalTable();

    // WHEN
    new ProductionTable(stack, 'Customers', { partitionKey: pk, replicas: [{ region: 'us-east-1' }] });

    // THEN
    const keyStacks = app.node.children.filter(child => child instanceof ReplicaKeyStack);
    expect(keyStacks.map(child => child.node.id)).toEqual([KEY_STACK]);
    Template.fromStack(keyStacks[0] as Stack).resourceCountIs('AWS::KMS::Key', 2);
  });

  test('an account-agnostic table stack gets an account-agnostic key stack, deployed with the same credentials', () => {
    const { app } = globalTable({ region: 'eu-west-1' });

    const keyStack = app.node.findChild(KEY_STACK) as ReplicaKeyStack;
    expect(keyStack.region).toEqual('us-east-1');
    expect(Token.isUnresolved(keyStack.account)).toBe(true);
    expect(keyStack.environment).toEqual('aws://unknown-account/us-east-1');
  });

  test('is placed in the table stack\'s Stage', () => {
    const app = new App();
    const stage = new Stage(app, 'Prod');
    const stack = new Stack(stage, 'Tables', { env: ENV });
    new ProductionTable(stack, 'Orders', { partitionKey: pk, replicas: [{ region: 'us-east-1' }] });

    expect(stage.node.tryFindChild(KEY_STACK)).toBeInstanceOf(ReplicaKeyStack);
    expect((stage.node.findChild(KEY_STACK) as Stack).stackName).toEqual(`Prod-${KEY_STACK}`);
  });

  test('refuses a table stack in no Stage, naming the fix', () => {
    const make = () => new ProductionTable(new Stack(new Construct(undefined as any, 'Root'), 'Tables', { env: ENV }), 'Orders', {
      partitionKey: pk, replicas: [{ region: 'us-east-1' }],
    });
    expect(make).toThrow(DynamoDbKitError);
    expect(make).toThrow(/is not in an App or Stage.*Create the stack in an App, or pass encryption: TableEncryptionV2.customerManagedKey/);
  });

  test('refuses a region-agnostic table stack, with aws-cdk-lib\'s sentence and the fix', () => {
    const stack = new Stack(new App(), 'Tables');

    expect(() => ReplicaKeyStack.forRegion(stack, 'us-east-1')).toThrow(DynamoDbKitError);
    expect(() => ReplicaKeyStack.forRegion(stack, 'us-east-1'))
      .toThrow(/^Replica tables are not supported in a region agnostic stack: .*Give the stack an env with a region/);
  });
});
