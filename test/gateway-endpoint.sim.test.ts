/**
 * Simulated authorization of the private data path: the gateway endpoint's policy and
 * `restrictTableToEndpoint`, with the identity policies of the roles that use the table. Every
 * request carries the keys AWS sends: the principal's, and aws:SourceVpce and aws:SourceVpc when
 * it comes through the endpoint.
 */
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { DynamoDbGatewayEndpoint, EndpointPolicy, ProductionTable, TableBackup } from '../src';
import { newStack, pk } from './fixtures';
import { ACCOUNT, OTHER_ACCOUNT, REGION, roleRequest, throughEndpoint } from './sim/context';
import { STREAM_LABEL } from './sim/resolve';
import { decide, SimulatedStack } from './sim/simulator';


function privateTable(policy?: EndpointPolicy, restrict = true) {
  const stack = newStack();
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
  const orders = new ProductionTable(stack, 'Orders', { partitionKey: pk });
  const app = new iam.Role(stack, 'App', { assumedBy: new iam.AccountRootPrincipal() });
  const admin = new iam.Role(stack, 'Admin', { assumedBy: new iam.AccountRootPrincipal() });
  const handler = new lambda.Function(stack, 'Projector', {
    runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => ({})'),
  });
  for (const role of [app, admin, handler.role!]) {
    orders.grantReadWriteData(role);
  }
  admin.addToPrincipalPolicy(new iam.PolicyStatement({
    actions: ['dynamodb:DescribeTable', 'dynamodb:UpdateTable', 'dynamodb:ExportTableToPointInTime', 'dynamodb:DeleteResourcePolicy'],
    resources: [orders.tableArn],
  }));
  orders.addStreamConsumer('Projection', { handler });
  const endpoint = DynamoDbGatewayEndpoint.of(vpc, policy ? { policy } : undefined);
  endpoint.addTable(orders);
  if (restrict) {
    endpoint.restrictTableToEndpoint(orders, { exemptRoles: [admin] });
  }

  const sim = SimulatedStack.of(stack);
  const tableId = sim.only('AWS::DynamoDB::GlobalTable');
  const endpointId = sim.only('AWS::EC2::VPCEndpoint');
  const vpce = throughEndpoint(sim.ref(endpointId), sim.ref(sim.only('AWS::EC2::VPC')));
  const roleId = (role: iam.IRole) => stack.getLogicalId(role.node.defaultChild as iam.CfnRole);
  return {
    sim,
    vpce,
    tableArn: sim.arn(tableId),
    streamArn: sim.arn(tableId, 'StreamArn'),
    tablePolicy: sim.tablePolicy(tableId),
    endpointPolicy: sim.endpointPolicy(endpointId),
    app: sim.role(roleId(app)),
    admin: sim.role(roleId(admin)),
    consumer: sim.role(roleId(handler.role!)),
    backup: sim.role(roleId(TableBackup.of(stack).role)),
  };
}

type Env = ReturnType<typeof privateTable>;
type Who = Env['app'];

/** A request of a role on a resource of this table, from inside the VPC (through the endpoint) or outside. */
function request(env: Env, who: Who, action: string, resource: string, from: 'vpc' | 'outside', extra: Record<string, string | string[]> = {}) {
  return decide({
    principal: who.session,
    action,
    resource,
    context: { ...roleRequest(who.arn), ...(from === 'vpc' ? env.vpce : {}), ...extra },
    identityPolicies: who.policies,
    // The table's policy governs the table and its indexes; a stream has a policy of its own (none
    // here), and account-level actions have none.
    resourcePolicy: resource === env.tableArn || resource.startsWith(`${env.tableArn}/index/`) ? env.tablePolicy : undefined,
    vpcEndpointPolicies: from === 'vpc' && env.endpointPolicy ? [env.endpointPolicy] : undefined,
  });
}

const KEY = { 'dynamodb:LeadingKeys': ['order-1'] };

describe('the data-perimeter endpoint policy', () => {
  const env = privateTable(undefined, false);

  test("a role of this account reaches this account's table through the endpoint", async () => {
    expect(await request(env, env.app, 'dynamodb:GetItem', env.tableArn, 'vpc', KEY)).toBe('Allowed');
  });

  test("a table of another account does not pass the endpoint, even with the identity's permission", async () => {
    const foreign = `arn:aws:dynamodb:${REGION}:${OTHER_ACCOUNT}:table/Exfiltration`;
    const everything = { ...env.app, policies: [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'dynamodb:*', Resource: '*' }] }] };
    expect(await decide({
      principal: everything.session,
      action: 'dynamodb:PutItem',
      resource: foreign,
      context: { ...roleRequest(everything.arn), ...env.vpce, ...KEY },
      identityPolicies: everything.policies,
      resourcePolicy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: env.app.arn }, Action: 'dynamodb:*', Resource: foreign }] },
      vpcEndpointPolicies: [env.endpointPolicy],
    })).toBe('ImplicitlyDenied');
  });

  test('a principal of another account does not pass the endpoint', async () => {
    const outsider = `arn:aws:iam::${OTHER_ACCOUNT}:role/Outsider`;
    expect(await decide({
      principal: `arn:aws:sts::${OTHER_ACCOUNT}:assumed-role/Outsider/session`,
      action: 'dynamodb:GetItem',
      resource: env.tableArn,
      context: { ...roleRequest(outsider), ...env.vpce, ...KEY },
      identityPolicies: [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'dynamodb:*', Resource: '*' }] }],
      resourcePolicy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: outsider }, Action: 'dynamodb:GetItem', Resource: env.tableArn }] },
      vpcEndpointPolicies: [env.endpointPolicy],
    })).toBe('ImplicitlyDenied');
  });

  test('account-level calls such as ListTables (Resource "*") do not pass the endpoint, as documented', async () => {
    const lister = { ...env.app, policies: [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'dynamodb:ListTables', Resource: '*' }] }] };
    expect(await request(env, lister, 'dynamodb:ListTables', '*', 'vpc')).toBe('ImplicitlyDenied');
    expect(await request(env, lister, 'dynamodb:ListTables', '*', 'outside')).toBe('Allowed');
  });
});

describe('the tables-only endpoint policy', () => {
  const env = privateTable(EndpointPolicy.tablesOnly(), false);

  test('the registered table and its indexes pass; another table of this account does not', async () => {
    const everything = { ...env.app, policies: [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'dynamodb:*', Resource: '*' }] }] };
    expect(await request(env, everything, 'dynamodb:Query', `${env.tableArn}/index/byDate`, 'vpc', KEY)).toBe('Allowed');
    expect(await request(env, everything, 'dynamodb:GetItem', `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/Other`, 'vpc', KEY)).toBe('ImplicitlyDenied');
  });
});

describe('restrictTableToEndpoint', () => {
  const env = privateTable();

  test.each(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:Scan'])('%s from outside the VPC: denied explicitly', async action => {
    expect(await request(env, env.app, action, env.tableArn, 'outside', action === 'dynamodb:Scan' ? {} : KEY)).toBe('ExplicitlyDenied');
  });

  test('the same request through the endpoint: allowed', async () => {
    expect(await request(env, env.app, 'dynamodb:GetItem', env.tableArn, 'vpc', KEY)).toBe('Allowed');
  });

  test('through another endpoint: denied explicitly', async () => {
    const other = { ...env, vpce: { 'aws:SourceVpce': 'vpce-0000other', 'aws:SourceVpc': 'vpc-0000other' } };
    expect(await request(other, env.app, 'dynamodb:GetItem', env.tableArn, 'vpc', KEY)).toBe('ExplicitlyDenied');
  });

  test('copying the data out of the table from outside the VPC is denied: export and point-in-time restore', async () => {
    const exporter = { ...env.app, policies: [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['dynamodb:ExportTableToPointInTime', 'dynamodb:RestoreTableToPointInTime'], Resource: '*' }] }] };
    expect(await request(env, exporter, 'dynamodb:ExportTableToPointInTime', env.tableArn, 'outside')).toBe('ExplicitlyDenied');
    expect(await request(env, exporter, 'dynamodb:RestoreTableToPointInTime', env.tableArn, 'outside')).toBe('ExplicitlyDenied');
  });

  test('an exempt role (an administrator listed in exemptRoles) still reaches items from outside', async () => {
    expect(await request(env, env.admin, 'dynamodb:GetItem', env.tableArn, 'outside', KEY)).toBe('Allowed');
    expect(await request(env, env.admin, 'dynamodb:ExportTableToPointInTime', env.tableArn, 'outside')).toBe('Allowed');
  });

  test('nobody is locked out of the control plane: the administrator describes the table and removes the policy from outside', async () => {
    expect(await request(env, env.admin, 'dynamodb:DescribeTable', env.tableArn, 'outside')).toBe('Allowed');
    expect(await request(env, env.admin, 'dynamodb:DeleteResourcePolicy', env.tableArn, 'outside')).toBe('Allowed');
  });

  test("AWS Backup's role still backs the table up from outside the VPC", async () => {
    expect(await request(env, env.backup, 'dynamodb:StartAwsBackupJob', env.tableArn, 'outside')).toBe('Allowed');
  });

  test('the stream consumer still reads the stream; its item writes from outside need exemptRoles', async () => {
    expect(await request(env, env.consumer, 'dynamodb:GetRecords', `${env.tableArn}/stream/${STREAM_LABEL}`, 'outside')).toBe('Allowed');
    expect(await request(env, env.consumer, 'dynamodb:PutItem', env.tableArn, 'outside', KEY)).toBe('ExplicitlyDenied');
  });

  test('AWS services acting for a principal are exempt (aws:ViaAWSService); a service role of the account is not', async () => {
    expect(await request(env, env.app, 'dynamodb:GetItem', env.tableArn, 'outside', { ...KEY, 'aws:ViaAWSService': 'true' })).toBe('Allowed');
    expect(await request(env, env.app, 'dynamodb:GetItem', env.tableArn, 'outside', { ...KEY, 'aws:ViaAWSService': 'false' })).toBe('ExplicitlyDenied');
  });
});
