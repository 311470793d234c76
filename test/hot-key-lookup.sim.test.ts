/**
 * Simulated authorization of the dashboard's hot-key lookup (StackDashboard.drawHotKeys()): its
 * function's role reads the names of Contributor Insights rules of the tables and indexes of its
 * account, in its region and its replicas', and nothing else. Lambda calls DynamoDB with a session of the role, not on a
 * caller's behalf (aws:ViaAWSService false); DescribeContributorInsights takes no context key of
 * its own (Service Authorization Reference, Amazon DynamoDB).
 */
import { App, Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { DynamoDbGatewayEndpoint, ProductionTable, StackDashboard } from '../src';
import { pk } from './fixtures';
import { ACCOUNT, OTHER_ACCOUNT, REGION, dynamodbItemRequest, roleRequest } from './sim/context';
import { decide, SimulatedStack } from './sim/simulator';

const stack = new Stack(new App(), 'Shop', { env: { account: ACCOUNT, region: REGION } });
const dashboard = StackDashboard.of(stack);
dashboard.drawHotKeys();
const orders = new ProductionTable(stack, 'Orders', {
  partitionKey: pk,
  globalSecondaryIndexes: [{ indexName: 'byStatus', partitionKey: { name: 'status', type: dynamodb.AttributeType.STRING } }],
});
const nested = Stack.of(dashboard.dashboards[0]);
const sim = SimulatedStack.of(nested);
const lookup = sim.role(sim.only('AWS::IAM::Role'));
const tableArn = SimulatedStack.of(stack).arn(stack.getLogicalId(orders.node.defaultChild as dynamodb.CfnGlobalTable));

function ask(action: string, resource: string, context = roleRequest(lookup.arn)) {
  return decide({ principal: lookup.session, action, resource, context, identityPolicies: lookup.policies });
}

test('the table the dashboard draws is in the stack\'s account and region', () => {
  expect(tableArn).toMatch(new RegExp(`^arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/`));
});

test.each([
  ['the table', () => tableArn],
  ['its index', () => `${tableArn}/index/byStatus`],
  ['a table of another stack of the account, in the region', () => `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/Invoices`],
  ['the replica of the table in another region', () => tableArn.replace(`:${REGION}:`, ':us-west-2:')],
])('DescribeContributorInsights on %s is allowed', async (_what, resource) => {
  expect(await ask('dynamodb:DescribeContributorInsights', resource())).toBe('Allowed');
});

test.each([
  ['another account', `arn:aws:dynamodb:${REGION}:${OTHER_ACCOUNT}:table/Orders`],
  ['another account, in another region', `arn:aws:dynamodb:us-west-2:${OTHER_ACCOUNT}:table/Orders`],
])('DescribeContributorInsights on a table of %s is denied', async (_what, resource) => {
  expect(await ask('dynamodb:DescribeContributorInsights', resource)).toBe('ImplicitlyDenied');
});

test.each(['UpdateContributorInsights', 'DescribeTable', 'DeleteTable'])('%s on the table is denied: it may not turn insights off, or see more', async (action) => {
  expect(await ask(`dynamodb:${action}`, tableArn)).toBe('ImplicitlyDenied');
});

test.each(['GetItem', 'Query', 'Scan', 'PutItem'])('%s on the table is denied: it reads no item', async (operation) => {
  const keys = operation === 'Scan' ? {} : { leadingKeys: ['order-1'] };
  const context = roleRequest(lookup.arn, dynamodbItemRequest(operation as Parameters<typeof dynamodbItemRequest>[0], keys));
  expect(await ask(`dynamodb:${operation}`, tableArn, context)).toBe('ImplicitlyDenied');
});

test('cloudwatch:PutInsightRule is denied: the rules stay as DynamoDB made them', async () => {
  expect(await ask('cloudwatch:PutInsightRule', `arn:aws:cloudwatch:${REGION}:${ACCOUNT}:insight-rule/DynamoDBContributorInsights-PKT-Orders-1`)).toBe('ImplicitlyDenied');
});

test('a table restricted to a VPC endpoint still lets the lookup, which runs outside the VPC, read its rule names', async () => {
  // GIVEN a table whose resource policy denies its data outside the endpoint
  const restricted = new Stack(new App(), 'Restricted', { env: { account: ACCOUNT, region: REGION } });
  const restrictedDashboard = StackDashboard.of(restricted);
  restrictedDashboard.drawHotKeys();
  const table = new ProductionTable(restricted, 'Orders', { partitionKey: pk });
  const vpc = new ec2.Vpc(restricted, 'Vpc', { natGateways: 0, subnetConfiguration: [{ name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
  const endpoint = DynamoDbGatewayEndpoint.of(vpc);
  endpoint.addTable(table);
  endpoint.restrictTableToEndpoint(table);
  const parent = SimulatedStack.of(restricted);
  const tableId = restricted.getLogicalId(table.node.defaultChild as dynamodb.CfnGlobalTable);
  const restrictedSim = SimulatedStack.of(Stack.of(restrictedDashboard.dashboards[0]));
  const role = restrictedSim.role(restrictedSim.only('AWS::IAM::Role'));
  const resourcePolicy = parent.tablePolicy(tableId);
  const request = (action: string, context: Record<string, string | string[]>) =>
    decide({ principal: role.session, action, resource: parent.arn(tableId), context, identityPolicies: role.policies, resourcePolicy });

  // THEN the policy is there and denies data outside the endpoint, and not the rule names
  expect(await request('dynamodb:GetItem', roleRequest(role.arn, dynamodbItemRequest('GetItem', { leadingKeys: ['order-1'] })))).toBe('ExplicitlyDenied');
  expect(await request('dynamodb:DescribeContributorInsights', roleRequest(role.arn))).toBe('Allowed');
});
