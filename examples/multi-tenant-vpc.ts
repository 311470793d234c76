/**
 * A multi-tenant SaaS table reached from Lambda functions in an isolated VPC: no internet route at
 * all, flow logs on, DynamoDB through the VPC's gateway endpoint (a data perimeter), the table's
 * items readable and writable only through that endpoint, and one role per tenant that reaches
 * only that tenant's partition.
 *
 *   npx cdk synth --app "npx ts-node examples/multi-tenant-vpc.ts"
 */
import { App, Aws, Duration, Stack, StackProps, Tags, Validations } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { addComplianceChecks } from './compliance';
import { encryptedLogGroup } from './stream-handler';
import { AlarmTopic, DynamoDbGatewayEndpoint, ProductionTable, TenantAccess, TenantAccessLevel } from '../src';

/** The tenants of this example; in a real SaaS, roles are made as tenants sign up. */
const TENANTS = ['acme', 'globex'];

/**
 * A VPC with isolated subnets only (no internet gateway, no NAT) in `maxAzs` zones, its default security group
 * closed, and flow logs of all traffic in an encrypted log group, written by a role whose
 * permissions are a customer-managed policy.
 */
export function isolatedVpc(scope: Construct, id: string, maxAzs = 2): ec2.Vpc {
  const flowLogs = encryptedLogGroup(scope, `${id}FlowLogs`);
  const flowLogsRole = new iam.Role(scope, `${id}FlowLogsRole`, {
    assumedBy: new iam.ServicePrincipal('vpc-flow-logs.amazonaws.com', {
      conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
    }),
    description: `Writes the flow logs of ${id}`,
  });
  new iam.ManagedPolicy(scope, `${id}FlowLogsPolicy`, {
    description: `Lets VPC Flow Logs write to the log group of ${id}`,
    roles: [flowLogsRole],
    statements: [new iam.PolicyStatement({
      actions: ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
      resources: [flowLogs.logGroupArn],
    })],
  });

  return new ec2.Vpc(scope, id, {
    maxAzs,
    natGateways: 0,
    subnetConfiguration: [{ name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 }],
    restrictDefaultSecurityGroup: true,
    flowLogs: {
      All: {
        destination: ec2.FlowLogDestination.toCloudWatchLogs(flowLogs, flowLogsRole.withoutPolicyUpdates()),
        trafficType: ec2.FlowLogTrafficType.ALL,
      },
    },
  });
}

/**
 * The acknowledgements the closed default security group needs: aws-cdk-lib closes it with a
 * custom resource whose provider function and role it makes itself, at stack scope.
 */
export function acknowledgeDefaultSecurityGroupProvider(stack: Stack): void {
  const provider = stack.node.tryFindChild('Custom::VpcRestrictDefaultSGCustomResourceProvider');
  if (!provider) {
    return;
  }
  const reason = 'aws-cdk-lib\'s provider of the custom resource that closes the VPC\'s default security group ' +
    '(restrictDefaultSecurityGroup, which VPCDefaultSecurityGroupClosed demands); it runs only during deployment, calls the ' +
    'EC2 API, and its function cannot be configured into a VPC.';
  Validations.of(provider).acknowledge({ id: 'cdk-validator-cfnguard::lambda_inside_vpc_check', reason: `CT.LAMBDA.PR.3: ${reason}` });
}

/**
 * A tenant's function: in the VPC's isolated subnets, reaching DynamoDB through the gateway
 * endpoint only, with its own role tagged with the tenant's id.
 */
function tenantFunction(scope: Construct, tenant: string, props: {
  vpc: ec2.IVpc;
  securityGroup: ec2.ISecurityGroup;
  table: dynamodb.ITable;
  access: TenantAccess;
}): lambda.Function {
  const id = `${tenant.charAt(0).toUpperCase()}${tenant.slice(1)}Api`;
  const logGroup = encryptedLogGroup(scope, `${id}Logs`);
  const role = new iam.Role(scope, `${id}Role`, {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    description: `Execution role of tenant ${tenant}`,
  });
  // The tenant's identity: TenantAccess resolves ${aws:PrincipalTag/tenantId} from it.
  Tags.of(role).add('tenantId', tenant);
  props.access.grant(role);

  const policy = new iam.ManagedPolicy(scope, `${id}Policy`, {
    description: `Lets the function of tenant ${tenant} log, trace and attach to the VPC`,
    roles: [role],
    statements: [
      new iam.PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logGroup.logGroupArn] }),
      new iam.PolicyStatement({ actions: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], resources: ['*'] }),
      // What AWSLambdaVPCAccessExecutionRole grants, which Lambda needs to attach to the VPC.
      new iam.PolicyStatement({
        actions: ['ec2:CreateNetworkInterface', 'ec2:DescribeNetworkInterfaces', 'ec2:DescribeSubnets', 'ec2:DeleteNetworkInterface',
          'ec2:AssignPrivateIpAddresses', 'ec2:UnassignPrivateIpAddresses'],
        resources: ['*'],
      }),
    ],
  });
  Validations.of(policy).acknowledge({
    id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
    reason: 'xray:PutTraceSegments, xray:PutTelemetryRecords and the EC2 network-interface actions Lambda needs to attach ' +
      'to a VPC (as in AWSLambdaVPCAccessExecutionRole) support no resource-level permissions.',
  });

  const fn = new lambda.Function(scope, id, {
    runtime: lambda.Runtime.NODEJS_24_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline([
      "const { DynamoDBClient, QueryCommand } = require('@aws-sdk/client-dynamodb');",
      'const client = new DynamoDBClient({});',
      'exports.handler = async () => {',
      '  const out = await client.send(new QueryCommand({',
      '    TableName: process.env.TABLE_NAME,',
      "    KeyConditionExpression: 'pk = :pk',",
      "    ExpressionAttributeValues: { ':pk': { S: 'TENANT#' + process.env.TENANT_ID } },",
      '  }));',
      '  return { items: out.Count };',
      '};',
    ].join('\n')),
    role: role.withoutPolicyUpdates(),
    environment: { TABLE_NAME: props.table.tableName, TENANT_ID: tenant },
    vpc: props.vpc,
    vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    securityGroups: [props.securityGroup],
    memorySize: 256,
    timeout: Duration.seconds(10),
    // Lambda records its own segments; code that sends subsegments with the X-Ray SDK would need an X-Ray interface endpoint.
    tracing: lambda.Tracing.ACTIVE,
    logGroup,
    reservedConcurrentExecutions: 5,
  });
  fn.node.addDependency(policy);
  const dlqReason = 'Invoked synchronously by the tenant\'s API, which receives the error: Lambda never sends to an ' +
    'asynchronous dead-letter queue here.';
  Validations.of(fn).acknowledge(
    { id: 'HIPAA.Security::HIPAA.Security-LambdaDLQ', reason: dlqReason },
    { id: 'NIST.800.53.R5::NIST.800.53.R5-LambdaDLQ', reason: dlqReason },
    { id: 'Serverless::Serverless-LambdaDLQ', reason: dlqReason },
  );
  return fn;
}

export class MultiTenantStack extends Stack {
  public readonly table: ProductionTable;
  public readonly vpc: ec2.Vpc;
  public readonly functions: lambda.Function[];

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    this.vpc = isolatedVpc(this, 'Vpc');
    this.table = new ProductionTable(this, 'Saas', {
      // Every item of a tenant lives under the partition key TENANT#<tenant id>.
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
    });
    // The VPC's gateway endpoint, and a table resource policy that denies item reads and writes
    // coming from anywhere else.
    DynamoDbGatewayEndpoint.of(this.vpc).restrictTableToEndpoint(this.table);

    const access = new TenantAccess(this, 'TenantAccess', {
      table: this.table,
      tenantKey: 'TENANT#${aws:PrincipalTag/tenantId}',
      access: TenantAccessLevel.READ_WRITE,
    });

    const securityGroup = new ec2.SecurityGroup(this, 'TenantApiSecurityGroup', {
      vpc: this.vpc,
      description: 'Tenant functions: HTTPS out only',
      allowAllOutbound: false,
    });
    // The isolated subnets have no route out but the DynamoDB gateway endpoint's.
    securityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS to DynamoDB through the gateway endpoint');

    this.functions = TENANTS.map(tenant => tenantFunction(this, tenant, { vpc: this.vpc, securityGroup, table: this.table, access }));
    acknowledgeDefaultSecurityGroupProvider(this);
    // The alarms reach someone: a topic that nobody is subscribed to is reported at synth.
    AlarmTopic.of(this).addEmailSubscription('oncall@example.com');
  }
}

if (require.main === module) {
  const app = new App();
  addComplianceChecks(app);
  // Environment-agnostic: a VPC in a stack with an account and a region looks its Availability Zones up in that account.
  new MultiTenantStack(app, 'MultiTenantExample');
  app.synth();
}
