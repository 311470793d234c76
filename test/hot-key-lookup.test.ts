/**
 * The deploy-time lookup of Contributor Insights rule names (src/private/hot-key-lookup.ts): its
 * handler, run as Lambda runs it against a scripted DynamoDB and a recorded CloudFormation
 * response, and the resources that a dashboard with hot-key graphs adds.
 */
import * as vm from 'vm';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { ProductionTable, StackDashboard } from '../src';
import { ENV, pk, sk } from './fixtures';
import { HANDLER_SOURCE, THROTTLED_KEYS_RULE_PREFIX } from '../src/private/hot-key-lookup';

/** What DescribeContributorInsights answers, in turn, for one table or index (`table` or `table/index`). */
type Script = Record<string, Array<Record<string, unknown> | Error>>;

interface Run {
  /** The one response PUT to the ResponseURL. */
  readonly response: any;
  readonly url: string;
  readonly headers: Record<string, unknown>;
  /** Every DescribeContributorInsights input, in order. */
  readonly calls: Array<Record<string, unknown>>;
  /** The configuration of each DynamoDB client made. */
  readonly clients: Array<Record<string, unknown>>;
}

/**
 * Runs the inline handler on `event`, with `@aws-sdk/client-dynamodb` answering from `script`,
 * `https` recording the response, and waits cut short.
 */
async function run(event: Record<string, unknown>, script: Script, remainingMillis = 300_000): Promise<Run> {
  const calls: Array<Record<string, unknown>> = [];
  const clients: Array<Record<string, unknown>> = [];
  const sent: Array<{ url: string; headers: Record<string, unknown>; body: string }> = [];
  class DescribeContributorInsightsCommand {
    constructor(public readonly input: Record<string, unknown>) {}
  }
  class DynamoDBClient {
    constructor(config: Record<string, unknown>) {
      clients.push(config);
    }

    public async send(command: DescribeContributorInsightsCommand) {
      calls.push(command.input);
      const key = command.input.IndexName ? `${command.input.TableName}/${command.input.IndexName}` : `${command.input.TableName}`;
      const answers = script[key] ?? [];
      const answer = answers.length > 1 ? answers.shift()! : answers[0];
      if (answer === undefined) {
        throw new Error(`no answer scripted for ${key}`);
      }
      if (answer instanceof Error) {
        throw answer;
      }
      return answer;
    }
  }
  const https = {
    request: (url: string, options: { headers: Record<string, unknown> }, onResponse: (response: unknown) => void) => ({
      on: () => undefined,
      end: (body: string) => {
        sent.push({ url, headers: options.headers, body });
        onResponse({ resume: () => undefined, on: (name: string, listener: () => void) => name === 'end' && listener() });
      },
    }),
  };
  const modules: Record<string, unknown> = { 'https': https, '@aws-sdk/client-dynamodb': { DynamoDBClient, DescribeContributorInsightsCommand } };
  const sandbox: Record<string, any> = {
    require: (name: string) => modules[name],
    exports: {},
    Buffer,
    Date,
    setTimeout: (resolve: () => void) => resolve(),
  };
  vm.runInNewContext(HANDLER_SOURCE, sandbox);
  await sandbox.exports.handler(event, { getRemainingTimeInMillis: () => remainingMillis });

  expect(sent).toHaveLength(1);
  return { response: JSON.parse(sent[0].body), url: sent[0].url, headers: sent[0].headers, calls, clients };
}

const event = (requestType: string, scopes: Array<{ IndexName?: string }>, physicalId?: string, region?: string) => ({
  RequestType: requestType,
  ResponseURL: 'https://cloudformation-custom-resource-response-euwest1.s3.amazonaws.com/presigned',
  StackId: 'arn:aws:cloudformation:eu-west-1:111111111111:stack/Shop/guid',
  RequestId: 'request-1',
  LogicalResourceId: 'HotKeysShopOrders',
  ...(physicalId ? { PhysicalResourceId: physicalId } : {}),
  ResourceProperties: { ServiceToken: 'arn', TableName: 'Shop-Orders-ABC', Scopes: scopes, ...(region ? { Region: region } : {}) },
});

const rules = (resource: string, kinds: string[]) => kinds.map(kind => `DynamoDBContributorInsights-${kind}-${resource}-1767225600000`);

describe('the handler', () => {
  test('names the throttled-keys (PKT) rule of the table and of each index, whatever the order DynamoDB lists them in', async () => {
    // GIVEN a table with a sort key (four rules) and an index in throttled-keys mode (PKT only)
    const script: Script = {
      'Shop-Orders-ABC': [{ ContributorInsightsStatus: 'ENABLED', ContributorInsightsRuleList: rules('Shop-Orders-ABC', ['SKC', 'SKT', 'PKT', 'PKC']) }],
      'Shop-Orders-ABC/byStatus': [{ ContributorInsightsStatus: 'ENABLED', ContributorInsightsRuleList: rules('Shop-Orders-ABC-byStatus', ['PKT']) }],
    };

    // WHEN
    const { response, url, headers, calls } = await run(event('Create', [{}, { IndexName: 'byStatus' }]), script);

    // THEN
    expect(calls).toEqual([{ TableName: 'Shop-Orders-ABC' }, { TableName: 'Shop-Orders-ABC', IndexName: 'byStatus' }]);
    expect(response).toEqual({
      Status: 'SUCCESS',
      Reason: 'OK',
      PhysicalResourceId: 'Shop-Orders-ABC/contributor-insights',
      StackId: 'arn:aws:cloudformation:eu-west-1:111111111111:stack/Shop/guid',
      RequestId: 'request-1',
      LogicalResourceId: 'HotKeysShopOrders',
      Data: {
        Rule0: 'DynamoDBContributorInsights-PKT-Shop-Orders-ABC-1767225600000',
        Rule1: 'DynamoDBContributorInsights-PKT-Shop-Orders-ABC-byStatus-1767225600000',
      },
    });
    // The pre-signed URL is signed without a content type ("Custom resource response objects").
    expect(url).toEqual('https://cloudformation-custom-resource-response-euwest1.s3.amazonaws.com/presigned');
    expect(headers['content-type']).toEqual('');
  });

  test('asks DynamoDB in the replica\'s region for a replica\'s rules, and in its own region otherwise', async () => {
    const script: Script = { 'Shop-Orders-ABC': [{ ContributorInsightsStatus: 'ENABLED', ContributorInsightsRuleList: rules('Shop-Orders-ABC', ['PKT']) }] };

    const replica = await run(event('Create', [{}], undefined, 'us-west-2'), script);
    const own = await run(event('Create', [{}]), script);

    expect(replica.clients).toEqual([{ region: 'us-west-2' }]);
    expect(own.clients).toEqual([{}]);
    expect(replica.response.Data).toEqual(own.response.Data);
  });

  test('asks again while the rules are being made (ENABLING), then names them', async () => {
    const script: Script = {
      'Shop-Orders-ABC': [
        { ContributorInsightsStatus: 'ENABLING', ContributorInsightsRuleList: [] },
        { ContributorInsightsStatus: 'ENABLING' },
        { ContributorInsightsStatus: 'ENABLED', ContributorInsightsRuleList: rules('Shop-Orders-ABC', ['PKT']) },
      ],
    };

    const { response, calls } = await run(event('Update', [{}], 'Shop-Orders-ABC/contributor-insights'), script);

    expect(calls).toHaveLength(3);
    expect(response.Status).toEqual('SUCCESS');
    expect(response.PhysicalResourceId).toEqual('Shop-Orders-ABC/contributor-insights');
    expect(response.Data).toEqual({ Rule0: 'DynamoDBContributorInsights-PKT-Shop-Orders-ABC-1767225600000' });
  });

  test.each([
    ['DISABLED', { ContributorInsightsStatus: 'DISABLED' }, 'DynamoDBContributorInsights-PKT-none-byStatus-DISABLED'],
    ['FAILED on the rule quota', {
      ContributorInsightsStatus: 'FAILED',
      FailureException: { ExceptionName: 'LimitExceededException', ExceptionDescription: 'Per-account Amazon CloudWatch Contributor Insights rule limit reached.' },
    }, 'DynamoDBContributorInsights-PKT-none-byStatus-FAILED LimitExceededException'],
    ['still ENABLING when the time is up', { ContributorInsightsStatus: 'ENABLING' }, 'DynamoDBContributorInsights-PKT-none-byStatus-ENABLING'],
  ])('insights %s: the deploy goes on, and the graph\'s rule name says why it has no rule', async (_name, answer, expected) => {
    const script: Script = { 'Shop-Orders-ABC/byStatus': [answer] };

    // 19 s left: the handler stops asking 20 s before its timeout.
    const { response, calls } = await run(event('Create', [{ IndexName: 'byStatus' }]), script, 19_000);

    expect(calls).toHaveLength(1);
    expect(response.Status).toEqual('SUCCESS');
    expect(response.Data.Rule0).toEqual(expected);
  });

  test('a name made for a missing rule stays within CloudWatch\'s 128 characters', async () => {
    const indexName = 'i'.repeat(255);
    const script: Script = { [`Shop-Orders-ABC/${indexName}`]: [{ ContributorInsightsStatus: 'DISABLED' }] };

    const { response } = await run(event('Create', [{ IndexName: indexName }]), script);

    expect(response.Data.Rule0.startsWith(THROTTLED_KEYS_RULE_PREFIX)).toBe(true);
    expect(response.Data.Rule0).toHaveLength(128);
  });

  test('any other error fails the resource, with the error as the reason CloudFormation shows', async () => {
    const denied = Object.assign(new Error('User is not authorized to perform: dynamodb:DescribeContributorInsights'), { name: 'AccessDeniedException' });
    const script: Script = { 'Shop-Orders-ABC': [denied] };

    const { response } = await run(event('Create', [{}]), script);

    expect(response).toMatchObject({
      Status: 'FAILED',
      Reason: 'User is not authorized to perform: dynamodb:DescribeContributorInsights',
      PhysicalResourceId: 'Shop-Orders-ABC/contributor-insights',
      Data: {},
    });
  });

  test('Delete asks nothing and succeeds: the rules are DynamoDB\'s', async () => {
    const { response, calls } = await run(event('Delete', [{}], 'Shop-Orders-ABC/contributor-insights'), {});

    expect(calls).toEqual([]);
    expect(response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: 'Shop-Orders-ABC/contributor-insights' });
  });
});

describe('what drawHotKeys() adds', () => {
  const S = dynamodb.AttributeType.STRING;
  const stack = new Stack(new App(), 'Shop', { env: ENV });
  const dashboard = StackDashboard.of(stack);
  const lookup = dashboard.drawHotKeys();
  new ProductionTable(stack, 'Orders', { partitionKey: pk, sortKey: sk, globalSecondaryIndexes: [{ indexName: 'byStatus', partitionKey: { name: 'status', type: S } }] });
  new ProductionTable(stack, 'Invoices', { partitionKey: pk });
  // A table with insights off: no graph, no lookup.
  new ProductionTable(stack, 'Carts', { partitionKey: pk, contributorInsightsSpecification: { enabled: false } });
  const again = dashboard.drawHotKeys();
  const nested = Template.fromStack(Stack.of(dashboard.dashboards[0]));

  test('one function, with a role whose only permission is DescribeContributorInsights on this account\'s tables', () => {
    nested.resourceCountIs('AWS::Lambda::Function', 1);
    nested.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: lambda.Runtime.NODEJS_24_X.name,
      Handler: 'index.handler',
      Timeout: 300,
      Code: { ZipFile: HANDLER_SOURCE },
    });
    nested.resourceCountIs('AWS::IAM::ManagedPolicy', 1);
    nested.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: {
        Statement: [{
          Action: 'dynamodb:DescribeContributorInsights',
          Effect: 'Allow',
          Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':dynamodb:*:', { Ref: 'AWS::AccountId' }, ':table/*']] },
        }],
      },
    });
    // No inline policy, no AWS managed policy: no CloudWatch Logs either.
    nested.hasResourceProperties('AWS::IAM::Role', { Policies: Match.absent(), ManagedPolicyArns: Match.absent() });
    expect(lookup.node.findAll().some(child => child instanceof lambda.Function)).toBe(true);
  });

  test('a lookup per table with insights on, asking for the table and each index, with each one\'s mode', () => {
    const lookups = nested.findResources('Custom::DynamoDbContributorInsightsRules');
    const scopes = Object.values<any>(lookups).map(resource => resource.Properties.Scopes);
    expect(scopes).toEqual([
      [{ Mode: 'THROTTLED_KEYS' }, { IndexName: 'byStatus', Mode: 'THROTTLED_KEYS' }],
      [{ Mode: 'THROTTLED_KEYS' }],
    ]);
  });

  test('drawHotKeys() twice makes one function; after synth it is refused', () => {
    expect(again).toBe(lookup);
    expect(() => dashboard.drawHotKeys()).toThrow(/drawHotKeys\(\) came after the dashboard was drawn at synth/);
  });
});
