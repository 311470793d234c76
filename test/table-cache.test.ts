import { App, CfnResource, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { AlarmActions, ProductionTable, TableCache, TableCacheProps, TenantAccess } from '../src';
import { agnosticStack, ENV, newStack, pk, sk } from './fixtures';
import { DynamoDbKitError } from '../src/private/errors';

const TENANT_KEY = 'TENANT#${aws:PrincipalTag/tenantId}';
// With an env but no context, aws-cdk-lib's Availability Zone lookup answers these three dummies.
const ZONES = ['dummy1a', 'dummy1b', 'dummy1c'];

function vpcOf(stack: Stack, maxAzs = 3, subnetConfiguration?: ec2.SubnetConfiguration[]): ec2.Vpc {
  return new ec2.Vpc(stack, 'Vpc', {
    maxAzs,
    natGateways: subnetConfiguration?.some(s => s.subnetType === ec2.SubnetType.PRIVATE_WITH_EGRESS) ? 1 : 0,
    subnetConfiguration: subnetConfiguration ?? [{ name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
  });
}

function build(props: Partial<TableCacheProps> = {}, options: { env?: typeof ENV | null; maxAzs?: number } = {}) {
  const stack = new Stack(new App(), 'Stack', { env: options.env === null ? undefined : options.env ?? ENV });
  const table = new ProductionTable(stack, 'Orders', { partitionKey: pk, sortKey: sk });
  const vpc = vpcOf(stack, options.maxAzs);
  const cache = new TableCache(stack, 'Cache', { table, vpc, ...props });
  return { stack, table, vpc, cache };
}

function resourceOf(stack: Stack, type: string): any {
  const resources = Object.values(Template.fromStack(stack).findResources(type));
  expect(resources).toHaveLength(1);
  return resources[0];
}

/** The statements of the DAX service role's customer-managed policy. */
function serviceStatements(stack: Stack): any[] {
  const policies = Object.values(Template.fromStack(stack).findResources('AWS::IAM::ManagedPolicy'))
    .filter((p: any) => p.Properties.Description?.startsWith('Lets DAX cluster'));
  expect(policies).toHaveLength(1);
  return (policies[0] as any).Properties.PolicyDocument.Statement;
}

function daxRole(stack: Stack): any {
  const roles = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Role'))
    .filter((r: any) => r.Properties.AssumeRolePolicyDocument.Statement[0].Principal.Service === 'dax.amazonaws.com');
  expect(roles).toHaveLength(1);
  return roles[0];
}

function tableArn(stack: Stack, table: dynamodb.ITable) {
  return { 'Fn::GetAtt': [stack.getLogicalId(table.node.defaultChild as dynamodb.CfnGlobalTable), 'Arn'] };
}

function indexArn(stack: Stack, table: dynamodb.ITable, name: string) {
  return { 'Fn::Join': ['', [tableArn(stack, table), `/index/${name}`]] };
}

function logicalId(stack: Stack, construct: { node: { defaultChild?: any } } | any): string {
  return stack.getLogicalId(construct.node?.defaultChild ?? construct);
}

describe('the cluster', () => {
  test('is encrypted at rest and in transit, with three nodes listed in three Availability Zones', () => {
    const { stack, cache } = build();

    const cluster = resourceOf(stack, 'AWS::DAX::Cluster');
    expect(cluster.Properties.SSESpecification).toEqual({ SSEEnabled: true });
    expect(cluster.Properties.ClusterEndpointEncryptionType).toBe('TLS');
    expect(cluster.Properties.ReplicationFactor).toBe(3);
    expect(cluster.Properties.AvailabilityZones).toEqual(ZONES);
    expect(cache.availabilityZones).toEqual(ZONES);
    expect(cluster.Properties.NodeType).toBe('dax.r5.large');
  });

  test('uses its own role, subnet group and security group', () => {
    const { stack, cache } = build();

    const cluster = resourceOf(stack, 'AWS::DAX::Cluster');
    expect(cluster.Properties.IAMRoleARN).toEqual({ 'Fn::GetAtt': [logicalId(stack, cache.role), 'Arn'] });
    expect(cluster.Properties.SubnetGroupName).toEqual({ Ref: logicalId(stack, cache.node.findChild('SubnetGroup')) });
    expect(cluster.Properties.SecurityGroupIds).toEqual([{ 'Fn::GetAtt': [logicalId(stack, cache.securityGroup), 'GroupId'] }]);
  });

  test('is made after its role\'s policy, which DAX uses as soon as the cluster exists', () => {
    const { stack, cache } = build();

    expect(resourceOf(stack, 'AWS::DAX::Cluster').DependsOn).toContain(logicalId(stack, cache.policy));
  });

  test('more nodes than zones are spread over the zones in turn', () => {
    const { stack } = build({ replicationFactor: 5 });

    expect(resourceOf(stack, 'AWS::DAX::Cluster').Properties.AvailabilityZones)
      .toEqual(['dummy1a', 'dummy1b', 'dummy1c', 'dummy1a', 'dummy1b']);
  });

  test('availabilityZones picks the zones, in its order', () => {
    const { stack } = build({ availabilityZones: ['dummy1c', 'dummy1a', 'dummy1b'] });

    expect(resourceOf(stack, 'AWS::DAX::Cluster').Properties.AvailabilityZones).toEqual(['dummy1c', 'dummy1a', 'dummy1b']);
  });

  test('nodeType is passed through', () => {
    const { stack } = build({ nodeType: 'dax.t3.small' });

    expect(resourceOf(stack, 'AWS::DAX::Cluster').Properties.NodeType).toBe('dax.t3.small');
  });

  test('a TableCache adds 9 resources: cluster, subnet group, security group, role, policy and 4 alarms', () => {
    const { stack } = build();

    const { cache } = { cache: stack.node.findChild('Cache') };
    const ours = cache.node.findAll().filter((c): c is CfnResource => c instanceof CfnResource);
    expect(ours.map(r => r.cfnResourceType).sort()).toEqual([
      'AWS::CloudWatch::Alarm', 'AWS::CloudWatch::Alarm', 'AWS::CloudWatch::Alarm', 'AWS::CloudWatch::Alarm',
      'AWS::DAX::Cluster', 'AWS::DAX::SubnetGroup', 'AWS::EC2::SecurityGroup', 'AWS::IAM::ManagedPolicy', 'AWS::IAM::Role',
    ]);
  });
});

test('the cluster acknowledges cfn-lint\'s W3010 (literal zones), which CT.DAX.PR.2 demands: cdk synth --strict stops on it', () => {
  // GIVEN / WHEN
  const { cache } = build();

  // THEN: the namespace is aws-cdk-lib's for its "CloudFormation Validate" plugin
  const acknowledged = cache.cluster.node.metadata.filter(entry => entry.type === 'aws:cdk:acknowledged-rules').map(entry => entry.data);
  expect(acknowledged).toEqual([{ 'CloudFormation-Validate::W3010': expect.stringContaining('CT.DAX.PR.2') }]);
});

describe('a single node or two', () => {
  test('replicationFactor 1 is one node in one zone, with the warning CacheFaultTolerant', () => {
    const { stack } = build({ replicationFactor: 1 });

    expect(resourceOf(stack, 'AWS::DAX::Cluster').Properties.AvailabilityZones).toEqual(['dummy1a']);
    Annotations.fromStack(stack).hasWarning('/Stack/Cache', Match.stringLikeRegexp('CacheFaultTolerant'));
    Annotations.fromStack(stack).hasWarning('/Stack/Cache', Match.stringLikeRegexp('replicationFactor is 1'));
  });

  test('replicationFactor 2 warns too: AWS calls one- and two-node clusters not fault tolerant', () => {
    const { stack } = build({ replicationFactor: 2 });

    Annotations.fromStack(stack).hasWarning('/Stack/Cache', Match.stringLikeRegexp('CacheFaultTolerant'));
  });

  test('the default three nodes record no warning', () => {
    const { stack } = build();

    Annotations.fromStack(stack).hasNoWarning('*', Match.stringLikeRegexp('CacheFaultTolerant'));
  });
});

describe('the subnet group', () => {
  test('holds the VPC\'s isolated subnets when it has no private ones', () => {
    const { stack, vpc } = build();

    const group = resourceOf(stack, 'AWS::DAX::SubnetGroup');
    expect(group.Properties.SubnetIds).toEqual(vpc.isolatedSubnets.map(s => ({ Ref: logicalId(stack, s) })));
    expect(group.Properties.SubnetIds).toHaveLength(3);
  });

  test('holds the VPC\'s private subnets when it has them, never its public ones', () => {
    const stack = newStack();
    const vpc = vpcOf(stack, 3, [
      { name: 'public', subnetType: ec2.SubnetType.PUBLIC },
      { name: 'private', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      { name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    ]);
    new TableCache(stack, 'Cache', { table: new ProductionTable(stack, 'Orders', { partitionKey: pk }), vpc });

    expect(resourceOf(stack, 'AWS::DAX::SubnetGroup').Properties.SubnetIds)
      .toEqual(vpc.privateSubnets.map(s => ({ Ref: logicalId(stack, s) })));
  });

  test('public subnets are refused', () => {
    const stack = newStack();
    const vpc = vpcOf(stack, 3, [
      { name: 'public', subnetType: ec2.SubnetType.PUBLIC },
      { name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    ]);
    const table = new ProductionTable(stack, 'Orders', { partitionKey: pk });

    expect(() => new TableCache(stack, 'Cache', { table, vpc, subnets: { subnetType: ec2.SubnetType.PUBLIC } }))
      .toThrow(/subnets selects 3 public subnet\(s\).*only private or isolated subnets are allowed/);
  });

  test('a VPC with public subnets only is refused, naming the fix', () => {
    const stack = newStack();
    const vpc = vpcOf(stack, 3, [{ name: 'public', subnetType: ec2.SubnetType.PUBLIC }]);
    const table = new ProductionTable(stack, 'Orders', { partitionKey: pk });

    expect(() => new TableCache(stack, 'Cache', { table, vpc })).toThrow(/has no private or isolated subnets.*pass subnets/);
  });
});

describe('the security group', () => {
  test('admits nobody by default', () => {
    const { stack } = build();

    const group = resourceOf(stack, 'AWS::EC2::SecurityGroup');
    expect(group.Properties.SecurityGroupIngress).toBeUndefined();
    Template.fromStack(stack).resourceCountIs('AWS::EC2::SecurityGroupIngress', 0);
  });

  test('connections admit a named client on the TLS port 9111 only', () => {
    const { stack, vpc, cache } = build();
    const client = new ec2.SecurityGroup(stack, 'Client', { vpc, allowAllOutbound: false });

    cache.connections.allowDefaultPortFrom(client);

    Template.fromStack(stack).hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      IpProtocol: 'tcp',
      FromPort: 9111,
      ToPort: 9111,
      GroupId: { 'Fn::GetAtt': [logicalId(stack, cache.securityGroup), 'GroupId'] },
      SourceSecurityGroupId: { 'Fn::GetAtt': [logicalId(stack, client), 'GroupId'] },
    });
    Template.fromStack(stack).resourceCountIs('AWS::EC2::SecurityGroupIngress', 1);
  });
});

describe('the service role', () => {
  test('is assumed by DAX and has no inline policy', () => {
    const { stack } = build();

    const role = daxRole(stack);
    expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([{
      Action: 'sts:AssumeRole',
      Effect: 'Allow',
      Principal: { Service: 'dax.amazonaws.com' },
    }]);
    expect(role.Properties.Policies).toBeUndefined();
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    Template.fromStack(stack).resourceCountIs('AWS::IAM::Policy', 0);
  });

  test('may describe the table and read and write its items, nothing else, in a customer-managed policy', () => {
    const { stack, table, cache } = build();

    const statements = serviceStatements(stack);
    expect(statements.find(s => s.Sid === 'DescribeTable')).toEqual({
      Sid: 'DescribeTable', Effect: 'Allow', Action: 'dynamodb:DescribeTable', Resource: tableArn(stack, table),
    });
    const items = statements.find(s => s.Sid === 'ReadAndWriteItems');
    expect(items.Resource).toEqual(tableArn(stack, table));
    expect([items.Action].flat().sort()).toEqual([
      'dynamodb:BatchGetItem', 'dynamodb:BatchWriteItem', 'dynamodb:ConditionCheckItem', 'dynamodb:DeleteItem', 'dynamodb:GetItem',
      'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:Scan', 'dynamodb:UpdateItem',
    ]);
    expect(statements.flatMap(s => [s.Action].flat()).every((action: string) => !action.includes('*'))).toBe(true);
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::ManagedPolicy', {
      Description: Match.stringLikeRegexp('^Lets DAX cluster'),
      Roles: [{ Ref: logicalId(stack, cache.role) }],
    });
  });

  test('may query each index by name, including one added after the cache, and no index wildcard', () => {
    const stack = newStack();
    const table = new ProductionTable(stack, 'Orders', {
      partitionKey: pk,
      sortKey: sk,
      globalSecondaryIndexes: [{ indexName: 'byCustomer', partitionKey: { name: 'customerId', type: dynamodb.AttributeType.STRING } }],
      localSecondaryIndexes: [{ indexName: 'byCreatedAt', sortKey: { name: 'createdAt', type: dynamodb.AttributeType.NUMBER } }],
    });
    new TableCache(stack, 'Cache', { table, vpc: vpcOf(stack) });
    table.addGlobalSecondaryIndex({ indexName: 'byStatus', partitionKey: { name: 'status', type: dynamodb.AttributeType.STRING } });

    const indexes = serviceStatements(stack).find(s => s.Sid === 'QueryIndexes');
    expect(indexes.Action).toEqual(['dynamodb:Query', 'dynamodb:Scan']);
    expect(indexes.Resource).toEqual([
      indexArn(stack, table, 'byCustomer'), indexArn(stack, table, 'byStatus'), indexArn(stack, table, 'byCreatedAt'),
    ]);
    expect(JSON.stringify(serviceStatements(stack))).not.toContain('/index/*');
  });

  test('a table without indexes gets no index statement', () => {
    const { stack } = build();

    expect(serviceStatements(stack).map(s => s.Sid)).toEqual(['DescribeTable', 'ReadAndWriteItems', 'UseTableKeyThroughDynamoDb']);
  });

  test('may use the table\'s customer-managed key through DynamoDB only', () => {
    const { stack, table } = build();

    const key = serviceStatements(stack).find(s => s.Sid === 'UseTableKeyThroughDynamoDb');
    expect(key.Resource).toEqual({ 'Fn::GetAtt': [logicalId(stack, table.encryptionKey!), 'Arn'] });
    expect([key.Action].flat().sort()).toEqual([
      'kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:GenerateDataKey', 'kms:ReEncryptFrom', 'kms:ReEncryptTo',
    ]);
    expect(key.Condition).toEqual({ StringEquals: { 'kms:ViaService': 'dynamodb.eu-west-1.amazonaws.com' } });
  });

  test('a table with an AWS owned key gets no key statement', () => {
    const stack = newStack();
    const table = new dynamodb.TableV2(stack, 'Plain', { partitionKey: pk });
    new TableCache(stack, 'Cache', { table, vpc: vpcOf(stack) });

    expect(serviceStatements(stack).map(s => s.Sid)).toEqual(['DescribeTable', 'ReadAndWriteItems']);
  });
});

describe('grants', () => {
  function withClient(props: Partial<TableCacheProps> = {}) {
    const built = build(props);
    const client = new iam.Role(built.stack, 'ClientRole', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    return { ...built, client };
  }

  function grantStatements(stack: Stack): any[] {
    const policies = Object.values(Template.fromStack(stack).findResources('AWS::IAM::ManagedPolicy'))
      .filter((p: any) => p.Properties.Description?.includes('use DAX cluster'));
    expect(policies).toHaveLength(1);
    return (policies[0] as any).Properties.PolicyDocument.Statement;
  }

  test('grantReadData lets the role read through the cluster, in a customer-managed policy attached to it', () => {
    const { stack, cache, client } = withClient();

    cache.grantReadData(client);

    expect(grantStatements(stack)).toEqual([{
      Sid: 'UseTableCache',
      Effect: 'Allow',
      Action: ['dax:GetItem', 'dax:BatchGetItem', 'dax:Query', 'dax:Scan', 'dax:ConditionCheckItem'],
      Resource: { 'Fn::GetAtt': [logicalId(stack, cache.cluster), 'Arn'] },
    }]);
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::ManagedPolicy', {
      Description: Match.stringLikeRegexp('use DAX cluster'),
      Roles: [{ Ref: logicalId(stack, client) }],
    });
    Template.fromStack(stack).resourceCountIs('AWS::IAM::Policy', 0);
  });

  test('grantReadWriteData adds the write actions', () => {
    const { stack, cache, client } = withClient();

    cache.grantReadWriteData(client);

    expect([...grantStatements(stack)[0].Action].sort()).toEqual([
      'dax:BatchGetItem', 'dax:BatchWriteItem', 'dax:ConditionCheckItem', 'dax:DeleteItem', 'dax:GetItem', 'dax:PutItem',
      'dax:Query', 'dax:Scan', 'dax:UpdateItem',
    ]);
  });

  test('grants to one role share one policy, without duplicate actions', () => {
    const { stack, cache, client } = withClient();

    const first = cache.grantReadData(client);
    const second = cache.grant(client, 'dax:GetItem', 'dax:PutItem');

    expect(second).toBe(first);
    expect(grantStatements(stack)[0].Action).toEqual(['dax:GetItem', 'dax:BatchGetItem', 'dax:Query', 'dax:Scan', 'dax:ConditionCheckItem', 'dax:PutItem']);
  });

  test.each([['dax:*'], ['dax:Get*'], ['dynamodb:GetItem'], ['*']])('grant refuses %s: DAX actions without wildcards only', action => {
    const { cache, client } = withClient();

    expect(() => cache.grant(client, action)).toThrow(DynamoDbKitError);
    expect(() => cache.grant(client, action)).toThrow(`actions[0] must be a DAX action without wildcards, such as dax:GetItem, got '${action}'`);
  });

  test('grant refuses no actions', () => {
    const { cache, client } = withClient();

    expect(() => cache.grant(client)).toThrow(/grant needs at least one action/);
  });
});

describe('alarms', () => {
  function alarms(stack: Stack): Record<string, any> {
    return Template.fromStack(stack).findResources('AWS::CloudWatch::Alarm');
  }

  function alarmOf(stack: Stack, cache: TableCache, id: string): any {
    return alarms(stack)[logicalId(stack, cache.node.findChild(id))].Properties;
  }

  test.each([
    ['CpuUtilizationAlarm', 'CPUUtilization', 'Maximum', 70, 5, undefined],
    ['CacheMemoryAlarm', 'CacheMemoryUtilization', 'Maximum', 90, 5, undefined],
    ['ThrottledRequestsAlarm', 'ThrottledRequestCount', 'Sum', 1, 5, 3],
    ['FaultsAlarm', 'FaultRequestCount', 'Sum', 1, 5, 3],
  ])('%s watches AWS/DAX %s (%s) of the cluster, threshold %d', (id, metricName, statistic, threshold, periods, datapoints) => {
    const { stack, cache } = build();

    const alarm = alarmOf(stack, cache, id);
    expect(alarm.Namespace).toBe('AWS/DAX');
    expect(alarm.MetricName).toBe(metricName);
    expect(alarm.Dimensions).toEqual([{ Name: 'ClusterId', Value: { Ref: logicalId(stack, cache.cluster) } }]);
    expect(alarm.Statistic).toBe(statistic);
    expect(alarm.Period).toBe(60);
    expect(alarm.Threshold).toBe(threshold);
    expect(alarm.EvaluationPeriods).toBe(periods);
    expect(alarm.DatapointsToAlarm).toBe(datapoints);
    expect(alarm.ComparisonOperator).toBe('GreaterThanOrEqualToThreshold');
    // DAX publishes a metric only when it is not zero.
    expect(alarm.TreatMissingData).toBe('notBreaching');
  });

  test('every alarm notifies the stack\'s alarm topic on alarm and on recovery', () => {
    const { stack, cache } = build();

    const topic = { Ref: logicalId(stack, stack.node.findChild('DynamoDbKitAlarms').node.findChild('Topic')) };
    expect(cache.alarms).toHaveLength(4);
    for (const alarm of cache.alarms) {
      const rendered = alarms(stack)[logicalId(stack, alarm)].Properties;
      expect(rendered.AlarmActions).toEqual([topic]);
      expect(rendered.OKActions).toEqual([topic]);
    }
  });

  test('thresholds can be set', () => {
    const { stack, cache } = build({ cpuUtilizationPercent: 50, cacheMemoryUtilizationPercent: 80 });

    expect(alarmOf(stack, cache, 'CpuUtilizationAlarm').Threshold).toBe(50);
    expect(alarmOf(stack, cache, 'CacheMemoryAlarm').Threshold).toBe(80);
  });

  test('AlarmActions.none() creates no alarm and records the warning AlarmsNotify', () => {
    const { stack, cache } = build({ alarmActions: AlarmActions.none() });

    expect(cache.alarms).toEqual([]);
    Template.fromStack(stack).resourcePropertiesCountIs('AWS::CloudWatch::Alarm', { Namespace: 'AWS/DAX' }, 0);
    Annotations.fromStack(stack).hasWarning('/Stack/Cache', Match.stringLikeRegexp('AlarmsNotify'));
  });
});

describe('tenant isolation', () => {
  test('a table with TenantAccess made before the cache is refused at synth, saying why', () => {
    const stack = newStack();
    const table = new ProductionTable(stack, 'Saas', { partitionKey: pk, sortKey: sk });
    new TenantAccess(stack, 'Tenants', { table, tenantKey: TENANT_KEY });
    new TableCache(stack, 'Cache', { table, vpc: vpcOf(stack) });

    expect(() => Template.fromStack(stack)).toThrow(
      /TableCache Stack\/Cache cannot cache table Stack\/Saas: TenantAccess Stack\/Tenants isolates tenants.*DAX does not enforce per-user separation/,
    );
  });

  test('a table with TenantAccess made after the cache, in another stack, is refused too', () => {
    const app = new App();
    const stack = new Stack(app, 'Stack', { env: ENV });
    const table = new ProductionTable(stack, 'Saas', { partitionKey: pk, sortKey: sk });
    new TableCache(stack, 'Cache', { table, vpc: vpcOf(stack) });
    new TenantAccess(new Stack(app, 'Tenants', { env: ENV }), 'Tenants', { table, tenantKey: TENANT_KEY });

    expect(() => app.synth()).toThrow(/TenantAccess Tenants\/Tenants isolates tenants/);
  });

  test('TenantAccess on another table does not stop the cache', () => {
    const stack = newStack();
    const table = new ProductionTable(stack, 'Orders', { partitionKey: pk, sortKey: sk });
    const saas = new ProductionTable(stack, 'Saas', { partitionKey: pk, sortKey: sk });
    new TenantAccess(stack, 'Tenants', { table: saas, tenantKey: TENANT_KEY });
    new TableCache(stack, 'Cache', { table, vpc: vpcOf(stack) });

    expect(() => Template.fromStack(stack)).not.toThrow();
  });
});

describe('imported tables', () => {
  test('are refused, naming why and the fix', () => {
    const stack = newStack();
    const table = dynamodb.TableV2.fromTableName(stack, 'Imported', 'orders');

    expect(() => new TableCache(stack, 'Cache', { table, vpc: vpcOf(stack) }))
      .toThrow(/cannot cache table Stack\/Imported: it is imported.*Make the cache in the app that defines the table/);
  });
});

describe('environment-agnostic stacks', () => {
  test('a VPC made there spans two zones, so three nodes are refused with the fix named', () => {
    expect(() => build({}, { env: null })).toThrow(DynamoDbKitError);
    expect(() => build({}, { env: null })).toThrow(
      /replicationFactor 3 needs subnets in 3 Availability Zones.*span 2\. The stack is environment-agnostic.*give the stack an account and a region/,
    );
  });

  test('an imported VPC whose subnets span three zones works, with the zones listed', () => {
    const stack = agnosticStack();
    const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', {
      vpcId: 'vpc-1',
      availabilityZones: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'],
      isolatedSubnetIds: ['subnet-a', 'subnet-b', 'subnet-c'],
    });
    new TableCache(stack, 'Cache', { table: new ProductionTable(stack, 'Orders', { partitionKey: pk }), vpc });

    expect(resourceOf(stack, 'AWS::DAX::Cluster').Properties.AvailabilityZones).toEqual(['eu-west-1a', 'eu-west-1b', 'eu-west-1c']);
    expect(resourceOf(stack, 'AWS::DAX::SubnetGroup').Properties.SubnetIds).toEqual(['subnet-a', 'subnet-b', 'subnet-c']);
  });

  test('one node in a VPC made there works, in the zone CloudFormation picks first', () => {
    const { stack } = build({ replicationFactor: 1 }, { env: null });

    expect(resourceOf(stack, 'AWS::DAX::Cluster').Properties.AvailabilityZones).toEqual([{ 'Fn::Select': [0, { 'Fn::GetAZs': '' }] }]);
  });

  test('with an env, a VPC in two zones is refused with the other fix', () => {
    expect(() => build({}, { maxAzs: 2 })).toThrow(/span 2\. Give the VPC subnets in three or more zones \(maxAzs\)/);
  });
});

describe('validation', () => {
  test.each([0, 12, 1.5])('replicationFactor %d is refused: 1 to 11 nodes', replicationFactor => {
    expect(() => build({ replicationFactor })).toThrow(`replicationFactor must be an integer between 1 and 11, got ${replicationFactor}`);
  });

  test.each(['r5.large', 'dax.r5', 'DAX.R5.LARGE', 'dax.r5.large '])('nodeType %s is refused', nodeType => {
    expect(() => build({ nodeType })).toThrow(`nodeType must be a DAX node type such as dax.r5.large or dax.t3.small, got '${nodeType}'`);
  });

  test('nodeType dax.r3.* is refused: it cannot encrypt at rest', () => {
    expect(() => build({ nodeType: 'dax.r3.large' })).toThrow(/nodeType dax.r3.large cannot encrypt at rest/);
  });

  test('availabilityZones must not be empty', () => {
    expect(() => build({ availabilityZones: [] })).toThrow(/availabilityZones must list at least one zone, got none/);
  });

  test('availabilityZones must list each zone once', () => {
    expect(() => build({ availabilityZones: ['dummy1a', 'dummy1b', 'dummy1a'] })).toThrow(/must list each zone once, got 'dummy1a' twice/);
  });

  test('availabilityZones must be zones of the selected subnets', () => {
    expect(() => build({ availabilityZones: ['dummy1a', 'dummy1b', 'eu-west-1d'] }))
      .toThrow("availabilityZones[2] is 'eu-west-1d', but the selected subnets of Stack/Vpc are in dummy1a, dummy1b, dummy1c");
  });

  test('availabilityZones must list a zone per node, up to three', () => {
    expect(() => build({ availabilityZones: ['dummy1a', 'dummy1b'] }))
      .toThrow('availabilityZones must list at least 3 zones for replicationFactor 3, one node in each, got 2');
    expect(() => build({ availabilityZones: ['dummy1a', 'dummy1b'], replicationFactor: 2 })).not.toThrow();
  });

  test.each([['cpuUtilizationPercent', 0], ['cpuUtilizationPercent', 101], ['cacheMemoryUtilizationPercent', 0]])(
    '%s %d is refused', (property, value) => {
      expect(() => build({ [property]: value })).toThrow(`${property} must be an integer between 1 and 100 %, got ${value}`);
    });
});
