import { Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { EndpointPolicy, EndpointPolicyMode } from '../src';
import { agnosticStack } from './fixtures';
import { EndpointService } from '../src/private/endpoint-binding';

function endpointIn(stack: Stack): ec2.GatewayVpcEndpoint {
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 1, natGateways: 0, subnetConfiguration: [{ name: 'Isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
  return vpc.addGatewayEndpoint('DynamoDb', { service: ec2.GatewayVpcEndpointAwsService.DYNAMODB });
}

describe('EndpointPolicy', () => {
  test.each([
    ['dataPerimeter', EndpointPolicy.dataPerimeter(), EndpointPolicyMode.DATA_PERIMETER],
    ['tablesOnly', EndpointPolicy.tablesOnly(), EndpointPolicyMode.TABLES_ONLY],
    ['open', EndpointPolicy.open(), EndpointPolicyMode.OPEN],
  ])('%s() says its mode with the enum', (_name, policy, mode) => {
    expect(policy.mode).toBe(mode);
    expect(policy).toBeInstanceOf(EndpointPolicy);
  });

  test('only the factories make one: the constructor is private, so no jsii language can subclass it', () => {
    // @ts-expect-error the constructor is private
    const made = () => new EndpointPolicy(EndpointPolicyMode.OPEN);

    expect(made).toBeDefined();
  });

  test.each([
    ['dataPerimeter', () => EndpointPolicy.dataPerimeter(), EndpointService.TABLES, 'TablesOfThisAccount'],
    ['dataPerimeter', () => EndpointPolicy.dataPerimeter(), EndpointService.STREAMS, 'StreamsOfThisAccount'],
    ['tablesOnly', () => EndpointPolicy.tablesOnly(), EndpointService.TABLES, 'RegisteredTables'],
    ['tablesOnly', () => EndpointPolicy.tablesOnly(), EndpointService.STREAMS, 'StreamsOfRegisteredTables'],
  ])('%s on the %s endpoint binds one statement, %s', (_name, make, service, sid) => {
    const policy = make();

    const binding = policy._bind(endpointIn(agnosticStack()), service);

    expect(binding.statements.map(statement => statement.sid)).toEqual([sid]);
  });

  test('open binds no statement and records the loosened default on the endpoint', () => {
    const stack = agnosticStack();
    const endpoint = endpointIn(stack);

    const binding = EndpointPolicy.open()._bind(endpoint, EndpointService.TABLES);

    expect(binding.statements).toEqual([]);
    Annotations.fromStack(stack).hasWarning('/Stack/Vpc/DynamoDb', Match.stringLikeRegexp('EndpointPolicyIsPerimeter'));
  });
});
