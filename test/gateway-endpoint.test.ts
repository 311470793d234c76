import { App, Aws, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { DynamoDbGatewayEndpoint, EndpointPolicy, ProductionTable } from '../src';
import { ENV, newStack, pk } from './fixtures';
import { DynamoDbKitError } from '../src/private/errors';

const ENDPOINT = 'AWS::EC2::VPCEndpoint';

function isolatedVpc(stack: Stack, id = 'Vpc'): ec2.Vpc {
  return new ec2.Vpc(stack, id, {
    maxAzs: 2,
    natGateways: 0,
    subnetConfiguration: [{ name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
  });
}

function build() {
  const stack = newStack();
  return { stack, vpc: isolatedVpc(stack) };
}

/** The rendered statements of the only gateway (or interface) endpoint. */
function endpointStatements(stack: Stack, type = 'Gateway'): any[] {
  const endpoints = Object.values(Template.fromStack(stack).findResources(ENDPOINT))
    .filter((r: any) => (r.Properties.VpcEndpointType ?? 'Gateway') === type);
  expect(endpoints).toHaveLength(1);
  return (endpoints[0] as any).Properties.PolicyDocument?.Statement ?? [];
}

function tableArn(stack: Stack, table: dynamodb.ITable) {
  return { 'Fn::GetAtt': [stack.getLogicalId(table.node.defaultChild as dynamodb.CfnGlobalTable), 'Arn'] };
}

describe('one endpoint per VPC', () => {
  test('two tables on one VPC share one gateway endpoint, made under the VPC with a fixed id', () => {
    const { stack, vpc } = build();
    const orders = new ProductionTable(stack, 'Orders', { partitionKey: pk });
    const customers = new ProductionTable(stack, 'Customers', { partitionKey: pk });

    const first = orders.addVpcEndpoint(vpc);
    const second = customers.addVpcEndpoint(vpc);

    expect(second).toBe(first);
    expect(DynamoDbGatewayEndpoint.of(vpc).node.path).toEqual('Stack/Vpc/DynamoDbKitEndpoint');
    const template = Template.fromStack(stack);
    template.resourceCountIs(ENDPOINT, 1);
    template.hasResourceProperties(ENDPOINT, {
      VpcEndpointType: 'Gateway',
      ServiceName: { 'Fn::Join': ['', ['com.amazonaws.', { Ref: 'AWS::Region' }, '.dynamodb']] },
      RouteTableIds: [
        { Ref: Match.stringLikeRegexp('^VpcisolatedSubnet1RouteTable') },
        { Ref: Match.stringLikeRegexp('^VpcisolatedSubnet2RouteTable') },
      ],
    });
  });

  test('two VPCs get one endpoint each', () => {
    const { stack, vpc } = build();
    const other = isolatedVpc(stack, 'Other');
    const orders = new ProductionTable(stack, 'Orders', { partitionKey: pk });

    orders.addVpcEndpoint(vpc);
    orders.addVpcEndpoint(other);

    Template.fromStack(stack).resourceCountIs(ENDPOINT, 2);
  });

  test('options given after the endpoint exists are refused, with the order to follow', () => {
    const { stack, vpc } = build();
    new ProductionTable(stack, 'Orders', { partitionKey: pk }).addVpcEndpoint(vpc);

    expect(() => DynamoDbGatewayEndpoint.of(vpc, { policy: EndpointPolicy.tablesOnly() })).toThrow(
      /^Stack\/Vpc\/DynamoDbKitEndpoint: The DynamoDB gateway endpoint of Stack\/Vpc exists already.*call DynamoDbGatewayEndpoint.of\(vpc, options\) before the first table calls addVpcEndpoint\(vpc\)$/,
    );
    expect(() => DynamoDbGatewayEndpoint.of(vpc)).not.toThrow();
  });

  test('a construct of the user with the reserved id is reported, not overwritten', () => {
    const { vpc } = build();
    new iam.Role(vpc, 'DynamoDbKitEndpoint', { assumedBy: new iam.AccountRootPrincipal() });

    expect(() => DynamoDbGatewayEndpoint.of(vpc)).toThrow(
      "Stack/Vpc/DynamoDbKitEndpoint is reserved for the library's shared DynamoDbGatewayEndpoint",
    );
  });

  test('a second DynamoDB gateway endpoint added after the library made one fails synth', () => {
    const { stack, vpc } = build();
    new ProductionTable(stack, 'Orders', { partitionKey: pk }).addVpcEndpoint(vpc);

    vpc.addGatewayEndpoint('Late', { service: ec2.GatewayVpcEndpointAwsService.DYNAMODB });

    expect(() => Template.fromStack(stack)).toThrow(/has 2 DynamoDB gateway endpoints/);
  });
});

describe('the default policy: a data perimeter', () => {
  test('principals and tables of this account only, on table ARNs of this account and region', () => {
    const { stack, vpc } = build();
    new ProductionTable(stack, 'Orders', { partitionKey: pk }).addVpcEndpoint(vpc);

    expect(endpointStatements(stack)).toEqual([{
      Sid: 'TablesOfThisAccount',
      Effect: 'Allow',
      Principal: { AWS: '*' },
      Action: 'dynamodb:*',
      Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':dynamodb:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':table/*']] },
      Condition: { StringEquals: { 'aws:PrincipalAccount': { Ref: 'AWS::AccountId' }, 'aws:ResourceAccount': { Ref: 'AWS::AccountId' } } },
    }]);
  });

  test('it names no table, so a VPC in a network stack serves tables of another stack without a cycle', () => {
    const app = new App();
    const network = new Stack(app, 'Network', { env: ENV });
    const vpc = isolatedVpc(network);
    const data = new Stack(app, 'Data', { env: ENV });
    const orders = new ProductionTable(data, 'Orders', { partitionKey: pk });

    orders.addVpcEndpoint(vpc);

    expect(() => app.synth()).not.toThrow();
    expect(JSON.stringify(Template.fromStack(network).toJSON())).not.toContain('Fn::ImportValue');
    Template.fromStack(network).resourceCountIs(ENDPOINT, 1);
  });
});

describe('EndpointPolicy.tablesOnly()', () => {
  test('lists every registered table and its indexes, for principals of this account', () => {
    const { stack, vpc } = build();
    DynamoDbGatewayEndpoint.of(vpc, { policy: EndpointPolicy.tablesOnly() });
    const orders = new ProductionTable(stack, 'Orders', { partitionKey: pk });
    const customers = new ProductionTable(stack, 'Customers', { partitionKey: pk });

    orders.addVpcEndpoint(vpc);
    customers.addVpcEndpoint(vpc);

    Template.fromStack(stack).resourceCountIs(ENDPOINT, 1);
    expect(endpointStatements(stack)).toEqual([{
      Sid: 'RegisteredTables',
      Effect: 'Allow',
      Principal: { AWS: '*' },
      Action: 'dynamodb:*',
      Resource: [
        tableArn(stack, orders),
        { 'Fn::Join': ['', [tableArn(stack, orders), '/index/*']] },
        tableArn(stack, customers),
        { 'Fn::Join': ['', [tableArn(stack, customers), '/index/*']] },
      ],
      Condition: { StringEquals: { 'aws:PrincipalAccount': { Ref: 'AWS::AccountId' } } },
    }]);
  });

  test('any ITable can be registered, once however often it is added', () => {
    const { stack, vpc } = build();
    const legacy = new dynamodb.Table(stack, 'Legacy', { partitionKey: pk });
    const endpoint = DynamoDbGatewayEndpoint.of(vpc, { policy: EndpointPolicy.tablesOnly() });

    endpoint.addTable(legacy);
    endpoint.addTable(legacy);

    expect(endpointStatements(stack)[0].Resource).toHaveLength(2);
  });

  test('a table in another stack than the endpoint is refused: its ARN would make the network stack depend on it', () => {
    const app = new App();
    const network = new Stack(app, 'Network', { env: ENV });
    const vpc = isolatedVpc(network);
    DynamoDbGatewayEndpoint.of(vpc, { policy: EndpointPolicy.tablesOnly() });
    const orders = new ProductionTable(new Stack(app, 'Data', { env: ENV }), 'Orders', { partitionKey: pk });

    expect(() => orders.addVpcEndpoint(vpc)).toThrow(DynamoDbKitError);
    expect(() => orders.addVpcEndpoint(vpc)).toThrow(/cannot list table Data\/Orders: it is in stack Data.*Use EndpointPolicy.dataPerimeter\(\)/);
  });

  test('a table imported into the endpoint\'s stack by name is accepted', () => {
    const { stack, vpc } = build();
    const endpoint = DynamoDbGatewayEndpoint.of(vpc, { policy: EndpointPolicy.tablesOnly() });

    endpoint.addTable(dynamodb.TableV2.fromTableName(stack, 'Imported', 'orders'));

    expect(endpointStatements(stack)[0].Resource[0]).toEqual({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':dynamodb:eu-west-1:111111111111:table/orders']],
    });
  });

  test('30 tables with generated names fit the 20,480-character limit; the 31st is refused', () => {
    const { stack, vpc } = build();
    const endpoint = DynamoDbGatewayEndpoint.of(vpc, { policy: EndpointPolicy.tablesOnly() });
    for (let i = 0; i < 30; i++) {
      endpoint.addTable(new dynamodb.TableV2(stack, `T${i}`, { partitionKey: pk }));
    }

    expect(() => endpoint.addTable(new dynamodb.TableV2(stack, 'T30', { partitionKey: pk }))).toThrow(
      /could reach \d+ characters with 31 tables .* an endpoint policy holds at most 20,480/,
    );
    const rendered = JSON.stringify(Template.fromStack(stack).findResources(ENDPOINT));
    expect(rendered.length).toBeLessThan(20_480);
  });

  test('tables with short names given count at their length, so more of them fit', () => {
    const { stack, vpc } = build();
    const endpoint = DynamoDbGatewayEndpoint.of(vpc, { policy: EndpointPolicy.tablesOnly() });

    for (let i = 0; i < 100; i++) {
      endpoint.addTable(new dynamodb.TableV2(stack, `T${i}`, { partitionKey: pk, tableName: `table-${i}` }));
    }

    expect(endpointStatements(stack)[0].Resource).toHaveLength(200);
  });

  test('with no table registered, synth fails instead of falling back to the full-access default', () => {
    const { stack, vpc } = build();
    DynamoDbGatewayEndpoint.of(vpc, { policy: EndpointPolicy.tablesOnly() });

    expect(() => Template.fromStack(stack)).toThrow(/lists no table: an empty policy would fall back to AWS's full-access default/);
  });
});

describe('EndpointPolicy.open()', () => {
  test('leaves AWS\'s default policy and records a warning with a stable id', () => {
    const { stack, vpc } = build();
    DynamoDbGatewayEndpoint.of(vpc, { policy: EndpointPolicy.open() });
    new ProductionTable(stack, 'Orders', { partitionKey: pk }).addVpcEndpoint(vpc);

    Template.fromStack(stack).hasResourceProperties(ENDPOINT, { PolicyDocument: Match.absent() });
    Annotations.fromStack(stack).hasWarning('/Stack/Vpc/DynamoDbKitEndpoint/Resource', Match.stringLikeRegexp('EndpointPolicyIsPerimeter'));
  });
});

describe('no Resource "*" allow', () => {
  test.each([
    ['dataPerimeter', EndpointPolicy.dataPerimeter()],
    ['tablesOnly', EndpointPolicy.tablesOnly()],
  ])('%s: every Allow names table ARNs, never "*"', (_name, policy) => {
    const { stack, vpc } = build();
    DynamoDbGatewayEndpoint.of(vpc, { policy }).addTable(new ProductionTable(stack, 'Orders', { partitionKey: pk }));
    DynamoDbGatewayEndpoint.of(vpc).addStreamsEndpoint({ policy });

    const statements = [...endpointStatements(stack), ...endpointStatements(stack, 'Interface')];
    expect(statements.length).toBeGreaterThan(0);
    for (const statement of statements.filter(s => s.Effect === 'Allow')) {
      const resources = [statement.Resource].flat();
      expect(resources).not.toContain('*');
      expect(resources.every(resource => JSON.stringify(resource).includes(':table/') || JSON.stringify(resource).includes('Fn::GetAtt'))).toBe(true);
    }
  });
});

describe('reusing an endpoint in the construct tree', () => {
  test('an endpoint from vpc.addGatewayEndpoint is reused, and gets the data perimeter', () => {
    const { stack, vpc } = build();
    const existing = vpc.addGatewayEndpoint('DynamoDb', { service: ec2.GatewayVpcEndpointAwsService.DYNAMODB });
    const orders = new ProductionTable(stack, 'Orders', { partitionKey: pk });

    const endpoint = orders.addVpcEndpoint(vpc);

    expect(endpoint).toBe(existing);
    Template.fromStack(stack).resourceCountIs(ENDPOINT, 1);
    expect(endpointStatements(stack).map(s => s.Sid)).toEqual(['TablesOfThisAccount']);
    Annotations.fromStack(stack).hasNoWarning('*', Match.stringLikeRegexp('EndpointPolicyReviewed'));
  });

  test('an endpoint with statements of its own keeps them, gets ours too, and a warning asks for a review', () => {
    const { stack, vpc } = build();
    const existing = vpc.addGatewayEndpoint('DynamoDb', { service: ec2.GatewayVpcEndpointAwsService.DYNAMODB });
    existing.addToPolicy(new iam.PolicyStatement({
      sid: 'Theirs',
      principals: [new iam.AnyPrincipal()],
      actions: ['dynamodb:GetItem'],
      resources: [`arn:${Aws.PARTITION}:dynamodb:${Aws.REGION}:222222222222:table/shared`],
    }));

    new ProductionTable(stack, 'Orders', { partitionKey: pk }).addVpcEndpoint(vpc);

    expect(endpointStatements(stack).map(s => s.Sid)).toEqual(['Theirs', 'TablesOfThisAccount']);
    Annotations.fromStack(stack).hasWarning('/Stack/Vpc/DynamoDb', Match.stringLikeRegexp('EndpointPolicyReviewed'));
  });

  test('an L1 endpoint of the VPC is reused too, and its JSON policy is kept', () => {
    const { stack, vpc } = build();
    new ec2.CfnVPCEndpoint(stack, 'Raw', {
      vpcId: vpc.vpcId,
      serviceName: `com.amazonaws.${Aws.REGION}.dynamodb`,
      routeTableIds: vpc.isolatedSubnets.map(s => s.routeTable.routeTableId),
      policyDocument: { Version: '2012-10-17', Statement: [{ Sid: 'Theirs', Effect: 'Allow', Principal: '*', Action: 'dynamodb:GetItem', Resource: '*' }] },
    });

    new ProductionTable(stack, 'Orders', { partitionKey: pk }).addVpcEndpoint(vpc);

    Template.fromStack(stack).resourceCountIs(ENDPOINT, 1);
    expect(endpointStatements(stack).map(s => s.Sid)).toEqual(['Theirs', 'TablesOfThisAccount']);
  });

  test('an S3 gateway endpoint or a DynamoDB endpoint of another VPC is not reused', () => {
    const { stack, vpc } = build();
    vpc.addGatewayEndpoint('S3', { service: ec2.GatewayVpcEndpointAwsService.S3 });
    isolatedVpc(stack, 'Other').addGatewayEndpoint('DynamoDb', { service: ec2.GatewayVpcEndpointAwsService.DYNAMODB });

    new ProductionTable(stack, 'Orders', { partitionKey: pk }).addVpcEndpoint(vpc);

    Template.fromStack(stack).resourceCountIs(ENDPOINT, 3);
  });

  test('subnets cannot be given for a reused endpoint, whose routes are set already', () => {
    const { vpc } = build();
    vpc.addGatewayEndpoint('DynamoDb', { service: ec2.GatewayVpcEndpointAwsService.DYNAMODB });

    expect(() => DynamoDbGatewayEndpoint.of(vpc, { subnets: [{ subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] })).toThrow(
      'subnets cannot be given with the DynamoDB gateway endpoint Stack/Vpc/DynamoDb, which is reused',
    );
  });
});

describe('an imported VPC', () => {
  const attributes = {
    vpcId: 'vpc-12345678',
    availabilityZones: ['eu-west-1a', 'eu-west-1b'],
    isolatedSubnetIds: ['subnet-aaaa1111', 'subnet-bbbb2222'],
  };

  test('with route table IDs, it gets an endpoint on them', () => {
    const { stack } = build();
    const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Imported', { ...attributes, isolatedSubnetRouteTableIds: ['rtb-aaaa1111', 'rtb-bbbb2222'] });

    new ProductionTable(stack, 'Orders', { partitionKey: pk }).addVpcEndpoint(vpc);

    Template.fromStack(stack).hasResourceProperties(ENDPOINT, { VpcId: 'vpc-12345678', RouteTableIds: ['rtb-aaaa1111', 'rtb-bbbb2222'] });
  });

  test('subnets without a known route table are refused, naming the option', () => {
    const { stack } = build();
    const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Imported', attributes);

    expect(() => DynamoDbGatewayEndpoint.of(vpc, { subnets: [{ subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] })).toThrow(
      /^Stack\/Imported: subnets selects 2 subnet\(s\) without a known route table \(subnet-aaaa1111, subnet-bbbb2222\)/,
    );
    expect(() => new ProductionTable(stack, 'Orders', { partitionKey: pk }).addVpcEndpoint(vpc)).toThrow(
      /^Stack\/Imported: subnets \(default: every subnet of the VPC\) selects 2 subnet\(s\) without a known route table/,
    );
  });

  test('an existing endpoint passed as existingEndpoint is used as it is: no new endpoint, no policy change', () => {
    const { stack } = build();
    const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Imported', attributes);
    const existing = ec2.GatewayVpcEndpoint.fromGatewayVpcEndpointId(stack, 'Existing', 'vpce-0123456789abcdef0');

    DynamoDbGatewayEndpoint.of(vpc, { existingEndpoint: existing });
    const endpoint = new ProductionTable(stack, 'Orders', { partitionKey: pk }).addVpcEndpoint(vpc);

    expect(endpoint).toBe(existing);
    expect(DynamoDbGatewayEndpoint.of(vpc).policy).toBeUndefined();
    Template.fromStack(stack).resourceCountIs(ENDPOINT, 0);
  });

  test('a policy cannot be given with an existingEndpoint', () => {
    const { stack } = build();
    const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Imported', attributes);
    const existing = ec2.GatewayVpcEndpoint.fromGatewayVpcEndpointId(stack, 'Existing', 'vpce-0123456789abcdef0');

    expect(() => DynamoDbGatewayEndpoint.of(vpc, { existingEndpoint: existing, policy: EndpointPolicy.tablesOnly() })).toThrow(
      'Stack/Imported: policy cannot be given with existingEndpoint: its policy is managed where it was made',
    );
  });
});

describe('the DynamoDB Streams interface endpoint', () => {
  test('is an interface endpoint whose policy is scoped to the streams of the tables, before and after it is made', () => {
    const { stack, vpc } = build();
    const orders = new ProductionTable(stack, 'Orders', { partitionKey: pk });
    orders.addVpcEndpoint(vpc);

    const streams = DynamoDbGatewayEndpoint.of(vpc).addStreamsEndpoint();
    const customers = new ProductionTable(stack, 'Customers', { partitionKey: pk });
    customers.addVpcEndpoint(vpc);

    expect(DynamoDbGatewayEndpoint.of(vpc).addStreamsEndpoint()).toBe(streams);
    const template = Template.fromStack(stack);
    template.resourceCountIs(ENDPOINT, 2);
    template.hasResourceProperties(ENDPOINT, {
      VpcEndpointType: 'Interface',
      ServiceName: 'com.amazonaws.eu-west-1.dynamodb-streams',
      PrivateDnsEnabled: false,
    });
    expect(endpointStatements(stack, 'Interface')).toEqual([{
      Sid: 'StreamsOfRegisteredTables',
      Effect: 'Allow',
      Principal: { AWS: '*' },
      Action: ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator'],
      Resource: [
        { 'Fn::Join': ['', [tableArn(stack, orders), '/stream/*']] },
        { 'Fn::Join': ['', [tableArn(stack, customers), '/stream/*']] },
      ],
      Condition: { StringEquals: { 'aws:PrincipalAccount': { Ref: 'AWS::AccountId' } } },
    }]);
  });

  test('has private DNS off: DynamoDB Streams offers none, and readers use the endpoint URL', () => {
    // "AWS PrivateLink for Amazon DynamoDB Streams doesn't support ... Private and Hybrid Domain Name
    // System (DNS) services"; clients use the endpoint URL directly:
    // https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/privatelink-streams.html
    // Whether EC2 would refuse PrivateDnsEnabled: true at deploy time is not confirmed by that page.
    const { stack, vpc } = build();
    new ProductionTable(stack, 'Orders', { partitionKey: pk }).addVpcEndpoint(vpc);

    DynamoDbGatewayEndpoint.of(vpc).addStreamsEndpoint();

    Template.fromStack(stack).hasResourceProperties(ENDPOINT, {
      ServiceName: 'com.amazonaws.eu-west-1.dynamodb-streams',
      PrivateDnsEnabled: false,
    });
  });

  test('its security group admits nobody until the readers are allowed in', () => {
    const { stack, vpc } = build();
    new ProductionTable(stack, 'Orders', { partitionKey: pk }).addVpcEndpoint(vpc);

    DynamoDbGatewayEndpoint.of(vpc).addStreamsEndpoint();

    Template.fromStack(stack).hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: Match.stringLikeRegexp('^DynamoDB Streams interface endpoint'),
      SecurityGroupIngress: Match.absent(),
    });
  });

  test('readers allowed in reach it on HTTPS, from their security group only', () => {
    const { stack, vpc } = build();
    new ProductionTable(stack, 'Orders', { partitionKey: pk }).addVpcEndpoint(vpc);
    const readers = new ec2.SecurityGroup(stack, 'Readers', { vpc });

    DynamoDbGatewayEndpoint.of(vpc).addStreamsEndpoint().connections.allowDefaultPortFrom(readers);

    Template.fromStack(stack).hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      IpProtocol: 'tcp',
      FromPort: 443,
      ToPort: 443,
      SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Readers'), 'GroupId'] },
    });
  });

  test('options given a second time are refused', () => {
    const { stack, vpc } = build();
    new ProductionTable(stack, 'Orders', { partitionKey: pk }).addVpcEndpoint(vpc);
    DynamoDbGatewayEndpoint.of(vpc).addStreamsEndpoint();

    expect(() => DynamoDbGatewayEndpoint.of(vpc).addStreamsEndpoint({ policy: EndpointPolicy.dataPerimeter() })).toThrow(
      'The DynamoDB Streams endpoint of Stack/Vpc/DynamoDbKitEndpoint exists already',
    );
  });
});

describe('restricting a table to the endpoint', () => {
  test('a Deny of item actions not coming through the endpoint goes into the table\'s resource policy', () => {
    const { stack, vpc } = build();
    const orders = new ProductionTable(stack, 'Orders', { partitionKey: pk });

    DynamoDbGatewayEndpoint.of(vpc).restrictTableToEndpoint(orders);

    const [table] = Object.values(Template.fromStack(stack).findResources('AWS::DynamoDB::GlobalTable')) as any[];
    const [statement] = table.Properties.Replicas[0].ResourcePolicy.PolicyDocument.Statement;
    expect(statement).toEqual({
      Sid: 'DataOnlyThroughVpcEndpoint',
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: [
        'dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:Scan',
        'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem', 'dynamodb:ConditionCheckItem',
        'dynamodb:PartiQLSelect', 'dynamodb:PartiQLInsert', 'dynamodb:PartiQLUpdate', 'dynamodb:PartiQLDelete',
        'dynamodb:ExportTableToPointInTime', 'dynamodb:RestoreTableToPointInTime',
      ],
      Resource: '*',
      Condition: {
        StringNotEquals: { 'aws:SourceVpce': stack.resolve(DynamoDbGatewayEndpoint.of(vpc).endpoint.vpcEndpointId) },
        BoolIfExists: { 'aws:PrincipalIsAWSService': 'false', 'aws:ViaAWSService': 'false' },
      },
    });
  });

  test('it cannot lock out administrators, CloudFormation, AWS Backup or a stream consumer: none of their actions is denied', () => {
    const { stack, vpc } = build();
    const orders = new ProductionTable(stack, 'Orders', { partitionKey: pk });

    DynamoDbGatewayEndpoint.of(vpc).restrictTableToEndpoint(orders);

    const rendered = JSON.stringify(Template.fromStack(stack).findResources('AWS::DynamoDB::GlobalTable'));
    for (const action of [
      'DescribeTable', 'UpdateTable', 'DeleteTable', 'PutResourcePolicy', 'DeleteResourcePolicy', 'GetResourcePolicy',
      'CreateBackup', 'StartAwsBackupJob', 'RestoreTableFromAwsBackup', 'DescribeStream', 'GetRecords', 'GetShardIterator', '*',
    ]) {
      expect(rendered).not.toContain(`"dynamodb:${action}"`);
    }
  });

  test('an endpoint with a tables-only policy is refused: each policy would name the other, a cycle', () => {
    const { stack, vpc } = build();
    const orders = new ProductionTable(stack, 'Orders', { partitionKey: pk });
    const endpoint = DynamoDbGatewayEndpoint.of(vpc, { policy: EndpointPolicy.tablesOnly() });

    expect(() => endpoint.restrictTableToEndpoint(orders)).toThrow(
      'Stack/Vpc/DynamoDbKitEndpoint: restrictTableToEndpoint cannot restrict Stack/Orders on an endpoint with EndpointPolicy.tablesOnly()',
    );
  });

  test('a table restricted on a data-perimeter endpoint of a network stack makes no cycle', () => {
    const app = new App();
    const network = new Stack(app, 'Network', { env: ENV });
    const vpc = isolatedVpc(network);
    const orders = new ProductionTable(new Stack(app, 'Data', { env: ENV }), 'Orders', { partitionKey: pk });

    DynamoDbGatewayEndpoint.of(vpc).restrictTableToEndpoint(orders);

    expect(() => app.synth()).not.toThrow();
  });

  test('a table with replicas is refused: replication is not covered', () => {
    const { stack, vpc } = build();
    const global = new dynamodb.TableV2(stack, 'Global', { partitionKey: pk, replicas: [{ region: 'us-east-1' }] });

    expect(() => DynamoDbGatewayEndpoint.of(vpc).restrictTableToEndpoint(global)).toThrow(
      /^Stack\/Vpc\/DynamoDbKitEndpoint: restrictTableToEndpoint cannot restrict Stack\/Global: it has 1 replica\(s\)/,
    );
  });
});
