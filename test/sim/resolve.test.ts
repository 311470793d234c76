import { TemplateResolver, STREAM_LABEL } from './resolve';
import { sessionOf } from './simulator';
import { ACCOUNT, REGION } from '../fixtures';

const TARGET = { account: ACCOUNT, region: REGION, partition: 'aws', stackName: 'Stack' };
const template = {
  Parameters: { Stage: { Default: 'prod' } },
  Conditions: {
    IsEu: { 'Fn::Equals': [{ Ref: 'AWS::Region' }, 'eu-west-1'] },
    NotEu: { 'Fn::Not': [{ Condition: 'IsEu' }] },
  },
  Resources: {
    Table: { Type: 'AWS::DynamoDB::GlobalTable', Properties: { TableName: { 'Fn::Join': ['-', ['orders', { Ref: 'Stage' }]] } } },
    Unnamed: { Type: 'AWS::DynamoDB::Table', Properties: {} },
    Key: { Type: 'AWS::KMS::Key', Properties: {} },
    Topic: { Type: 'AWS::SNS::Topic', Properties: {} },
    Queue: { Type: 'AWS::SQS::Queue', Properties: { QueueName: 'failures' } },
    Role: { Type: 'AWS::IAM::Role', Properties: { RoleName: 'consumer' } },
    Vault: { Type: 'AWS::Backup::BackupVault', Properties: { BackupVaultName: 'vault' } },
  },
};
const resolver = new TemplateResolver(template, TARGET);

describe('the simulator resolves intrinsics as CloudFormation does', () => {
  test.each([
    [{ Ref: 'Table' }, 'orders-prod'],
    [{ Ref: 'Unnamed' }, 'Unnamed'],
    [{ 'Fn::GetAtt': ['Table', 'Arn'] }, 'arn:aws:dynamodb:eu-west-1:111111111111:table/orders-prod'],
    [{ 'Fn::GetAtt': ['Table', 'StreamArn'] }, `arn:aws:dynamodb:eu-west-1:111111111111:table/orders-prod/stream/${STREAM_LABEL}`],
    [{ 'Fn::GetAtt': 'Queue.Arn' }, 'arn:aws:sqs:eu-west-1:111111111111:failures'],
    [{ Ref: 'Queue' }, 'https://sqs.eu-west-1.amazonaws.com/111111111111/failures'],
    [{ Ref: 'Topic' }, 'arn:aws:sns:eu-west-1:111111111111:Topic'],
    [{ 'Fn::GetAtt': ['Role', 'Arn'] }, 'arn:aws:iam::111111111111:role/consumer'],
    [{ 'Fn::GetAtt': ['Vault', 'BackupVaultArn'] }, 'arn:aws:backup:eu-west-1:111111111111:backup-vault:vault'],
    [{ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':dynamodb:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':table/*']] },
      'arn:aws:dynamodb:eu-west-1:111111111111:table/*'],
    [{ 'Fn::Sub': 'arn:${AWS::Partition}:cloudwatch:${AWS::Region}:${AWS::AccountId}:alarm:*' }, 'arn:aws:cloudwatch:eu-west-1:111111111111:alarm:*'],
    [{ 'Fn::Sub': ['${Arn}/index/*', { Arn: { 'Fn::GetAtt': ['Table', 'Arn'] } }] }, 'arn:aws:dynamodb:eu-west-1:111111111111:table/orders-prod/index/*'],
    [{ 'Fn::Sub': '${Table.Arn} ${!Literal}' }, 'arn:aws:dynamodb:eu-west-1:111111111111:table/orders-prod ${Literal}'],
    [{ 'Fn::Select': [1, { 'Fn::Split': ['/', 'a/b/c'] }] }, 'b'],
    [{ 'Fn::If': ['IsEu', 'eu', 'elsewhere'] }, 'eu'],
    [{ 'Fn::If': ['NotEu', 'elsewhere', 'eu'] }, 'eu'],
    [{ a: [1, { Ref: 'AWS::NoValue' }, 2], b: { Ref: 'AWS::NoValue' } }, { a: [1, 2] }],
  ])('%j resolves to %j', (fragment, expected) => {
    expect(resolver.resolve(fragment)).toEqual(expected);
  });

  test('a key resolves to one id in Ref, KeyId and its ARN', () => {
    const id = resolver.resolve({ Ref: 'Key' });
    expect(id).toMatch(/^[0-9a-f]{8}-0000-4000-8000-[0-9a-f]{12}$/);
    expect(resolver.resolve({ 'Fn::GetAtt': ['Key', 'Arn'] })).toBe(`arn:aws:kms:eu-west-1:111111111111:key/${id}`);
  });

  test.each([
    [{ Ref: 'Missing' }, /no resource Missing/],
    [{ 'Fn::GetAtt': ['Key', 'Nothing'] }, /no attribute Nothing/],
    [{ 'Fn::ImportValue': 'x' }, /Fn::ImportValue needs the other stacks of the app/],
    [{ 'Fn::GetStackOutput': { StackName: 'Keys', OutputName: 'Arn' } }, /Fn::GetStackOutput needs the other stacks of the app/],
    [{ 'Fn::Base64': 'x' }, /does not resolve Fn::Base64/],
    [{ 'Fn::Select': [5, ['a']] }, /out of range/],
    [{ 'Fn::If': ['Unknown', 1, 2] }, /no condition Unknown/],
  ])('%j cannot be resolved, and says why', (fragment, message) => {
    expect(() => resolver.resolve(fragment)).toThrow(message);
  });

  test('a role session is the principal of the role', () => {
    expect(sessionOf('arn:aws:iam::111111111111:role/path/consumer')).toBe('arn:aws:sts::111111111111:assumed-role/consumer/session');
  });
});
