import { Aws, CustomResource, Duration, Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { InsightsScope } from './table-introspection';

/**
 * DynamoDB names the Contributor Insights rule of a table's or index's most throttled partition
 * keys `DynamoDBContributorInsights-PKT-[resource_name]-[creationtimestamp]` (DynamoDB developer
 * guide, "CloudWatch contributor insights for DynamoDB: How it works"). The timestamp is known only
 * once the rule exists, so the name is looked up at deploy: DescribeContributorInsights lists the
 * rules of one table or index, and the prefix says which is which (PKC, PKT, SKC, SKT), whatever
 * their order.
 */
export const THROTTLED_KEYS_RULE_PREFIX = 'DynamoDBContributorInsights-PKT-';

/** The attribute of a lookup that holds the rule of its `i`th scope. */
export const ruleAttribute = (i: number) => `Rule${i}`;

/** How long the handler waits for a rule that is still being made (status ENABLING). */
const HANDLER_TIMEOUT = Duration.minutes(5);

/**
 * The handler, inline: CloudFormation writes it to index.js, and the Node.js runtime provides the
 * AWS SDK v3. It answers CloudFormation itself (a PUT of the response to the pre-signed
 * ResponseURL, "Custom resource response objects", CloudFormation user guide), so it needs no
 * provider framework and no second function.
 *
 * - Create and Update: one DescribeContributorInsights per scope; a rule still being made is asked
 *   for again every 10 s until 20 s before the function's timeout.
 * - A scope whose insights are DISABLED or FAILED (the account's rule quota, say) does not fail
 *   the deploy: its rule name says so, and the graph shows CloudWatch's "rule not found" with it.
 *   Any other error (access denied) fails the resource, with the message as the reason.
 * - Delete: nothing to undo; the rules are DynamoDB's.
 *
 * Written as plain CommonJS, because the runtime runs it as it is. `test/hot-key-lookup.test.ts`
 * runs it against a scripted DynamoDB and CloudFormation.
 */
export const HANDLER_SOURCE = `
const https = require('https');
const { DynamoDBClient, DescribeContributorInsightsCommand } = require('@aws-sdk/client-dynamodb');
const PREFIX = ${JSON.stringify(THROTTLED_KEYS_RULE_PREFIX)};
// A Contributor Insights rule name is 1 to 128 characters (CloudWatch API reference, PutInsightRule, RuleName).
const RULE_NAME_LIMIT = 128;
const sleep = ms => new Promise(resolve => setTimeout(resolve, ms));

async function ruleOf(client, tableName, indexName, deadline) {
  const input = indexName ? { TableName: tableName, IndexName: indexName } : { TableName: tableName };
  for (;;) {
    const out = await client.send(new DescribeContributorInsightsCommand(input));
    const rule = (out.ContributorInsightsRuleList || []).find(name => name.startsWith(PREFIX));
    if (rule) return rule;
    if (out.ContributorInsightsStatus !== 'ENABLING' || Date.now() > deadline) {
      const failure = out.FailureException ? ' ' + out.FailureException.ExceptionName : '';
      return (PREFIX + 'none-' + (indexName || tableName) + '-' + out.ContributorInsightsStatus + failure).slice(0, RULE_NAME_LIMIT);
    }
    await sleep(10000);
  }
}

function respond(event, status, reason, physicalId, data) {
  const body = JSON.stringify({
    Status: status, Reason: reason, PhysicalResourceId: physicalId, StackId: event.StackId,
    RequestId: event.RequestId, LogicalResourceId: event.LogicalResourceId, Data: data,
  });
  return new Promise((resolve, reject) => {
    const request = https.request(event.ResponseURL, {
      method: 'PUT', headers: { 'content-type': '', 'content-length': Buffer.byteLength(body) },
    }, response => { response.resume(); response.on('end', resolve); });
    request.on('error', reject);
    request.end(body);
  });
}

exports.handler = async (event, context) => {
  const props = event.ResourceProperties;
  const physicalId = event.PhysicalResourceId || props.TableName + '/contributor-insights';
  const data = {};
  try {
    if (event.RequestType !== 'Delete') {
      const client = new DynamoDBClient(props.Region ? { region: props.Region } : {});
      const deadline = Date.now() + context.getRemainingTimeInMillis() - 20000;
      for (const [i, scope] of props.Scopes.entries()) {
        data['Rule' + i] = await ruleOf(client, props.TableName, scope.IndexName, deadline);
      }
    }
    await respond(event, 'SUCCESS', 'OK', physicalId, data);
  } catch (error) {
    await respond(event, 'FAILED', String(error && error.message || error), physicalId, {});
  }
};
`;

/**
 * The function that looks up the rule names, one per stack, and the custom resources that ask it,
 * one per table and region. It runs at deploy only, in the stack's region, and asks DynamoDB in
 * each replica's region for that replica's rules.
 *
 * Its role may call DescribeContributorInsights, which returns rule names and a status, never
 * items, on the tables and indexes of this account, and nothing else: no CloudWatch Logs either,
 * since the handler reports every error to CloudFormation, which shows it as the reason.
 */
export class HotKeyLookup extends Construct {
  private readonly function: lambda.Function;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Looks up the names of the Contributor Insights rules of the DynamoDB tables of the stack\'s dashboard',
    });
    // A managed policy, not an inline one: the HIPAA, NIST and PCI packs refuse inline policies.
    new iam.ManagedPolicy(this, 'Policy', {
      description: 'Lets the dashboard\'s lookup read the names of the Contributor Insights rules of this account\'s tables',
      statements: [new iam.PolicyStatement({
        actions: ['dynamodb:DescribeContributorInsights'],
        // Tables and their indexes (table/NAME/index/INDEX) of this account, in every region: a global
        // table's replicas have rules of their own. The account stays a pseudo parameter, so the
        // finding's id is the same in every stack.
        resources: [Stack.of(this).formatArn({
          service: 'dynamodb', region: '*', account: Aws.ACCOUNT_ID, resource: 'table', resourceName: '*',
        })],
      })],
      roles: [role],
    });
    this.function = new lambda.Function(this, 'Function', {
      description: 'Looks up the names of the Contributor Insights rules of DynamoDB tables for a CloudWatch dashboard, at deploy',
      runtime: latestNodeRuntime(),
      handler: 'index.handler',
      code: lambda.Code.fromInline(HANDLER_SOURCE),
      role,
      timeout: HANDLER_TIMEOUT,
      memorySize: 256,
    });
  }

  /**
   * Looks up, in `scope`, the throttled-keys rule of each of `scopes` of `table`: attribute
   * `ruleAttribute(i)` of the resource names the rule of `scopes[i]`.
   *
   * @param replicaRegion the region of the replica whose rules these are; undefined for the stack's own
   */
  public rulesOf(scope: Construct, id: string, table: dynamodb.ITable, scopes: InsightsScope[], replicaRegion?: string): CustomResource {
    return new CustomResource(scope, id, {
      serviceToken: this.function.functionArn,
      resourceType: 'Custom::DynamoDbContributorInsightsRules',
      // A rule is made again, with a new timestamp, when insights are turned off and on or change
      // mode: the mode is a property, so that a change asks again.
      properties: {
        TableName: table.tableName,
        Scopes: scopes.map(insights => ({ IndexName: insights.indexName, Mode: insights.mode })),
        Region: replicaRegion,
      },
      serviceTimeout: HANDLER_TIMEOUT.plus(Duration.minutes(1)),
    });
  }
}

/**
 * The newest Node.js runtime this aws-cdk-lib knows: what cdk-nag's AwsSolutions-L1 and
 * Serverless-LambdaLatestVersion ask for, read from the same list they read.
 */
function latestNodeRuntime(): lambda.Runtime {
  const version = (runtime: lambda.Runtime) => Number(/^nodejs(\d+)/.exec(runtime.name)?.[1] ?? 0);
  return lambda.Runtime.ALL.filter(runtime => runtime.family === lambda.RuntimeFamily.NODEJS && version(runtime) > 0)
    .reduce((latest, runtime) => version(runtime) > version(latest) ? runtime : latest);
}
