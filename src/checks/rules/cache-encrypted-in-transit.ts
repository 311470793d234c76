import { ClusterRule } from '../cluster-rule';
import { isToken } from '../table-model';
import { findings } from '../table-rule';

/**
 * Every DAX cluster endpoint takes TLS only. A cluster is made with it or replaced: "You can't
 * change the TLS encryption setting after creating a DAX cluster"
 * (https://docs.aws.amazon.com/securityhub/latest/userguide/dynamodb-controls.html#dynamodb-7).
 */
export const CacheEncryptedInTransit: ClusterRule = {
  name: 'CacheEncryptedInTransit',
  description: 'The DAX cluster endpoint is not encrypted in transit (ClusterEndpointEncryptionType is not TLS, and NONE is ' +
    'its default), so requests, items and credentials cross the VPC in plain text; it cannot be changed later.',
  fix: 'Use a TableCache (always TLS), or set clusterEndpointEncryptionType: \'TLS\' on the CfnCluster and use a DAX client ' +
    'that speaks TLS (daxs:// endpoint); the cluster is replaced.',
  check: cluster => {
    const type = cluster.properties.ClusterEndpointEncryptionType;
    if (isToken(type)) {
      return findings([], ['Properties/ClusterEndpointEncryptionType']);
    }
    return type === 'TLS' ? [] : ['Properties/ClusterEndpointEncryptionType'];
  },
};
