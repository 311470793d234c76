import { Stack, Validations } from 'aws-cdk-lib';
import * as dax from 'aws-cdk-lib/aws-dax';

/** Three zones of us-east-1, one node in each. */
export const THREE_ZONES = ['us-east-1a', 'us-east-1b', 'us-east-1c'];

/**
 * A DAX cluster as an L1, not a TableCache: the rules judge any AWS::DAX::Cluster. Compliant unless
 * `props` says otherwise.
 */
export function daxCluster(stack: Stack, props: Partial<dax.CfnClusterProps> = {}, id = 'Cluster'): dax.CfnCluster {
  const cluster = new dax.CfnCluster(stack, id, {
    iamRoleArn: 'arn:aws:iam::111111111111:role/dax',
    nodeType: 'dax.r5.large',
    replicationFactor: 3,
    availabilityZones: THREE_ZONES,
    sseSpecification: { sseEnabled: true },
    clusterEndpointEncryptionType: 'TLS',
    ...props,
  });
  // CT.DAX.PR.2 wants the zones listed, and cfn-lint's W3010 warns of every listed zone.
  Validations.of(cluster).acknowledge({ id: 'CloudFormation-Validate::W3010', reason: 'The zones are the point of the test.' });
  return cluster;
}
