import { CfnParameter } from 'aws-cdk-lib';
import { daxCluster } from './dax';
import { findingsOf, logicalId, newStack, verdictsOf } from './helpers';

const RULE = 'CacheEncryptedAtRest';

test('passes a cluster encrypted at rest', () => {
  const stack = newStack();
  daxCluster(stack);

  expect(verdictsOf(stack, RULE)).toEqual({ failing: [], undecided: [] });
});

test('fails a cluster without SSESpecification, which DAX leaves unencrypted', () => {
  const stack = newStack();
  const cluster = daxCluster(stack, { sseSpecification: undefined });

  expect(findingsOf(stack, RULE)).toEqual([{ resourceLogicalId: logicalId(cluster), locations: ['Properties/SSESpecification/SSEEnabled'] }]);
});

test('fails a cluster with encryption at rest off, and only that cluster', () => {
  const stack = newStack();
  daxCluster(stack, {}, 'Encrypted');
  const plain = daxCluster(stack, { sseSpecification: { sseEnabled: false } }, 'Plain');

  expect(findingsOf(stack, RULE)).toEqual([{ resourceLogicalId: logicalId(plain), locations: ['Properties/SSESpecification/SSEEnabled'] }]);
});

test('cannot decide a cluster whose setting is a parameter, and does not pass it', () => {
  const stack = newStack();
  const encrypted = new CfnParameter(stack, 'Encrypted', { type: 'String', allowedValues: ['true', 'false'] });
  const cluster = daxCluster(stack, { sseSpecification: { sseEnabled: encrypted.valueAsString as any } });

  expect(verdictsOf(stack, RULE)).toEqual({ failing: [], undecided: [{ resourceLogicalId: logicalId(cluster), locations: ['Properties/SSESpecification/SSEEnabled'] }] });
});
