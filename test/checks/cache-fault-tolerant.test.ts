import * as fs from 'fs';
import * as path from 'path';
import { App, Fn, Stack, Validations } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { daxCluster, THREE_ZONES } from './dax';
import { ENV, findingsOf, logicalId, newApp, newStack, PK, undecidedOf, verdictsOf } from './helpers';
import { DynamoDbChecks, ProductionTable, TableCache } from '../../src';
import { EXPLICIT_CHOICES_METADATA } from '../../src/private/warnings';

const RULE = 'CacheFaultTolerant';

describe('any AWS::DAX::Cluster', () => {
  test('passes three nodes in three listed zones', () => {
    const stack = newStack();
    daxCluster(stack);

    expect(verdictsOf(stack, RULE)).toEqual({ failing: [], undecided: [] });
  });

  test('fails fewer than three nodes', () => {
    const stack = newStack();
    const cluster = daxCluster(stack, { replicationFactor: 2 });

    expect(findingsOf(stack, RULE)).toEqual([{ resourceLogicalId: logicalId(cluster), locations: ['Properties/ReplicationFactor'] }]);
  });

  test('fails three nodes placed in two distinct zones', () => {
    const stack = newStack();
    const cluster = daxCluster(stack, { availabilityZones: ['us-east-1a', 'us-east-1b', 'us-east-1a'] });

    expect(findingsOf(stack, RULE)).toEqual([{ resourceLogicalId: logicalId(cluster), locations: ['Properties/AvailabilityZones'] }]);
  });

  test('fails a cluster that lists no zones, as CT.DAX.PR.2 does: the template does not say where DAX puts the nodes', () => {
    const stack = newStack();
    const cluster = daxCluster(stack, { availabilityZones: undefined });

    expect(findingsOf(stack, RULE)).toEqual([{ resourceLogicalId: logicalId(cluster), locations: ['Properties/AvailabilityZones'] }]);
  });

  test('cannot decide zones that are tokens, and does not pass them', () => {
    const stack = newStack();
    const cluster = daxCluster(stack, { availabilityZones: Fn.getAzs() });

    expect(verdictsOf(stack, RULE)).toEqual({ failing: [], undecided: [{ resourceLogicalId: logicalId(cluster), locations: ['Properties/AvailabilityZones'] }] });
  });

  test('cannot decide zones of which one is a token', () => {
    const stack = newStack();
    const cluster = daxCluster(stack, { availabilityZones: ['us-east-1a', 'us-east-1b', Fn.select(2, Fn.getAzs())] });

    expect(undecidedOf(stack, RULE)).toEqual([{ resourceLogicalId: logicalId(cluster), locations: ['Properties/AvailabilityZones'] }]);
  });
});

describe('TableCache', () => {
  function cacheStack(replicationFactor: number): { app: App; stack: Stack; cache: TableCache } {
    const app = newApp();
    const stack = new Stack(app, 'Stack', { env: ENV });
    const table = new ProductionTable(stack, 'Orders', { partitionKey: PK });
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 3, natGateways: 0, subnetConfiguration: [{ name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    const cache = new TableCache(stack, 'Cache', { table, vpc, replicationFactor });
    return { app, stack, cache };
  }

  test('passes the default three-node cache', () => {
    const { stack } = cacheStack(3);

    expect(findingsOf(stack, RULE)).toEqual([]);
  });

  test.each([1, 2])('a %i-node cache is one finding: the warning with this rule\'s id, listed in the cluster\'s metadata', replicationFactor => {
    const { stack, cache } = cacheStack(replicationFactor);

    expect(cache.cluster.getMetadata(EXPLICIT_CHOICES_METADATA)).toEqual([RULE]);
    expect(findingsOf(stack, RULE)).toEqual([]);
    const warnings = cache.node.metadata.filter(entry => entry.type === 'aws:cdk:warning').map(entry => String(entry.data));
    expect(warnings.filter(warning => warning.includes(`DynamoDbChecks::${RULE}`))).toHaveLength(1);
  });

  test('one acknowledgement clears the choice under the plugin', () => {
    // GIVEN a one-node cache in an app with DynamoDbChecks, acknowledged with the rule's id
    const { app, stack, cache } = cacheStack(1);
    Validations.of(app).addPlugins(new DynamoDbChecks(app));
    Validations.of(cache).acknowledge({ id: `DynamoDbChecks::${RULE}`, reason: 'A development cache; losing it costs a warm-up.' });

    // WHEN
    const assembly = app.synth();

    // THEN the plugin reports nothing for the cluster, and the warning is gone
    const report = JSON.parse(fs.readFileSync(path.join(app.outdir, 'validation-report.json'), 'utf-8'));
    const violations = report.pluginReports.flatMap((plugin: any) => plugin.violations).map((v: any) => v.ruleName);
    expect(violations).not.toContain(RULE);
    expect(assembly.getStackArtifact(stack.artifactId).findMetadataByType('aws:cdk:warning')
      .filter(entry => String(entry.data).includes(RULE))).toEqual([]);
    fs.rmSync(app.outdir, { recursive: true, force: true });
  });

  test('without the metadata, the same one-node cluster is reported', () => {
    // GIVEN the explicit-choice metadata taken off the cluster, as an escape hatch could
    const { stack, cache } = cacheStack(1);
    cache.cluster.addMetadata(EXPLICIT_CHOICES_METADATA, []);

    expect(findingsOf(stack, RULE)).toEqual([{ resourceLogicalId: logicalId(cache.cluster), locations: ['Properties/ReplicationFactor', 'Properties/AvailabilityZones'] }]);
  });
});

// A table resource is no cluster: the cluster rules do not look at it.
test('reads only AWS::DAX::Cluster resources', () => {
  const stack = newStack();
  new dynamodb.TableV2(stack, 'Table', { partitionKey: PK });

  expect(findingsOf(stack, RULE)).toEqual([]);
  expect(THREE_ZONES).toHaveLength(3);
});
