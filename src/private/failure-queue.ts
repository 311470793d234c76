import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct, IConstruct } from 'constructs';
import { HardenedKey } from '../encryption-key';
import { destroyKey, destroyWithTables, isDeletedWithStack } from './removal';
import { sharedConstruct } from './shared-construct';
import { LoosenedDefault, warnLoosened } from './warnings';

// Fixed id at stack scope: one key for the failure queues of every consumer of the stack whose
// table has no key of the app's own.
const SHARED_KEY_ID = 'DynamoDbKitFailureQueueKey';

/** The SQS maximum, so that nothing expires before someone looks. */
export const FAILURE_RETENTION = Duration.days(14);

/**
 * The on-failure queue of a stream consumer: standard, encrypted, TLS-only, messages kept 14
 * days, retained (deleted with the stack when its table is: the coordinates it holds point into a
 * stream that goes with the table). `queueProps` override the defaults.
 *
 * The key, unless `queueProps` choose one or another encryption:
 * - the table's customer-managed key, when the app made it (a `kms.Key`, not an imported one) in
 *   the consumer's stack. No key is added: a key costs $1 a month and its rotation.
 *   Whoever may use the table key may then decrypt the queue's messages too, once they may also
 *   receive them (sqs:ReceiveMessage on the queue). That widens nothing that matters: a message
 *   holds only the failed batch's coordinates (shard id, sequence numbers, times), not its
 *   records, and the principals trusted with the table key are trusted with the records, which
 *   say more. Disabling the table key stops the stream as well, so the queue adds no new way to fail.
 * - otherwise one `HardenedKey` per stack, shared by every such consumer's queue.
 *
 * Either key keeps a key policy that lets IAM policies of the account grant its use (the default
 * key policy does), since the consumer grants its handler role through its managed policy.
 */
export function createFailureQueue(scope: Construct, table: dynamodb.ITable, queueProps: sqs.QueueProps): sqs.Queue {
  const encryption = queueProps.encryption;
  const chooseKey = queueProps.encryptionMasterKey === undefined
    && (encryption === undefined || encryption === sqs.QueueEncryption.KMS);
  const removable = isDeletedWithStack(table);
  const queue = new sqs.Queue(scope, 'FailureQueue', {
    retentionPeriod: FAILURE_RETENTION,
    removalPolicy: removable ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
    enforceSSL: true,
    ...queueProps,
    encryptionMasterKey: chooseKey ? defaultFailureQueueKey(scope, table) : queueProps.encryptionMasterKey,
  });
  // A removable table's finding covers its consumers' queues.
  if (!removable && queueProps.removalPolicy !== undefined && queueProps.removalPolicy !== RemovalPolicy.RETAIN) {
    warnLoosened(scope, LoosenedDefault.FAILURE_QUEUE_NOT_RETAINED,
      `failureQueueProps.removalPolicy is ${queueProps.removalPolicy}: deleting the stack deletes the coordinates of failed batches.`);
  }
  Validations.of(queue).acknowledge(
    {
      id: 'AwsSolutions::AwsSolutions-SQS3',
      reason: 'This queue is the on-failure destination of a Lambda event source mapping; cdk-nag recognises only SQS redrive, ' +
        'not a Lambda failure destination. Its depth is alarmed.',
    },
    {
      id: 'Serverless::Serverless-SQSRedrivePolicy',
      reason: 'This queue is the last stop for the coordinates of failed stream batches; a dead-letter queue of its own ' +
        'would only move the problem. Its depth is alarmed instead.',
    },
    {
      id: 'cdk-validator-cfnguard::sqs_dlq_check',
      reason: 'CT.SQS.PR.1: this queue is itself the failure destination of a stream event source mapping, keeps messages ' +
        '14 days, and its depth is alarmed.',
    },
  );
  return queue;
}

/** The tables whose consumers' queues the shared key encrypts: it is deleted with the stack when they all are. */
const TABLES_SERVED = new WeakMap<kms.IKey, dynamodb.ITable[]>();

/** The table's key when the app owns it in the consumer's stack, else the stack's shared key. */
function defaultFailureQueueKey(scope: IConstruct, table: dynamodb.ITable): kms.IKey {
  const tableKey = table.encryptionKey;
  // Same stack, not only the same account and region: Control Tower's CT.SQS.PR.2 passes a queue key
  // only as a string or a reference within the template, never an import from another stack.
  if (tableKey instanceof kms.Key && Stack.of(tableKey) === Stack.of(scope)) {
    return tableKey;
  }
  const stack = Stack.of(scope);
  const key = sharedConstruct(stack, SHARED_KEY_ID, HardenedKey, () => {
    const created = new HardenedKey(stack, SHARED_KEY_ID, {
      description: `Encrypts the stream failure queues of ${stack.stackName}`,
    });
    destroyWithTables(created, () => TABLES_SERVED.get(created) ?? [], () => destroyKey(created));
    return created;
  });
  TABLES_SERVED.set(key, [...(TABLES_SERVED.get(key) ?? []), table]);
  return key;
}
