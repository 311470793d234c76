import { Fn } from 'aws-cdk-lib';
import { daxCluster } from './dax';
import { findingsOf, logicalId, newStack, verdictsOf } from './helpers';

const RULE = 'CacheEncryptedInTransit';

test('passes a cluster whose endpoint takes TLS', () => {
  const stack = newStack();
  daxCluster(stack);

  expect(findingsOf(stack, RULE)).toEqual([]);
});

test.each([
  ['left out (DAX\'s default is NONE)', undefined],
  ['NONE', 'NONE'],
])('fails a cluster whose endpoint encryption is %s', (_, type) => {
  const stack = newStack();
  const cluster = daxCluster(stack, { clusterEndpointEncryptionType: type });

  expect(findingsOf(stack, RULE)).toEqual([{ resourceLogicalId: logicalId(cluster), locations: ['Properties/ClusterEndpointEncryptionType'] }]);
});

test('cannot decide an encryption type imported from another stack', () => {
  const stack = newStack();
  const cluster = daxCluster(stack, { clusterEndpointEncryptionType: Fn.importValue('EndpointEncryption') });

  expect(verdictsOf(stack, RULE)).toEqual({ failing: [], undecided: [{ resourceLogicalId: logicalId(cluster), locations: ['Properties/ClusterEndpointEncryptionType'] }] });
});
