import { ClusterRule } from '../cluster-rule';
import { isTrue, isToken } from '../table-model';
import { findings } from '../table-rule';

/**
 * Every DAX cluster is encrypted at rest. It cannot be turned on later: the cluster is made with it
 * or replaced (Security Hub DynamoDB.3, remediation:
 * https://docs.aws.amazon.com/securityhub/latest/userguide/dynamodb-controls.html#dynamodb-3).
 */
export const CacheEncryptedAtRest: ClusterRule = {
  name: 'CacheEncryptedAtRest',
  description: 'The DAX cluster is not encrypted at rest (SSESpecification.SSEEnabled is not true), so the cached items, ' +
    'configuration and logs DAX writes to disk are stored in plain text; it cannot be turned on later.',
  fix: 'Use a TableCache (always encrypted), or set sseSpecification: { sseEnabled: true } on the CfnCluster; the cluster is replaced.',
  check: cluster => {
    const enabled = cluster.properties.SSESpecification?.SSEEnabled;
    if (isToken(enabled)) {
      return findings([], ['Properties/SSESpecification/SSEEnabled']);
    }
    return isTrue(enabled) ? [] : ['Properties/SSESpecification/SSEEnabled'];
  },
};
