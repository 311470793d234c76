import { Stack, Token } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';

/**
 * Lets a customer-managed key encrypt a table in an environment-agnostic stack.
 *
 * aws-cdk-lib's `TableEncryptionV2.customerManagedKey` refuses to render the replica SSE
 * specification when the stack's region is a token ("Replica SSE specification cannot be rendered
 * in a region agnostic stack"), although a table without replicas has only one replica, the
 * primary, whose key is the table key whatever the region. This wrapper renders exactly that, and
 * defers to aws-cdk-lib whenever the region is known. Tables with replicas need a region anyway.
 */
export function regionAgnosticEncryption(encryption: dynamodb.TableEncryptionV2): dynamodb.TableEncryptionV2 {
  const tableKey = encryption.tableKey;
  if (encryption.type !== dynamodb.TableEncryption.CUSTOMER_MANAGED || tableKey === undefined) {
    return encryption;
  }
  const wrapped: dynamodb.TableEncryptionV2 = Object.create(encryption);
  Object.defineProperty(wrapped, '_renderReplicaSseSpecification', {
    value: (scope: Construct, region: string) => Token.isUnresolved(Stack.of(scope).region)
      ? { kmsMasterKeyId: tableKey.keyArn }
      : encryption._renderReplicaSseSpecification(scope, region),
  });
  return wrapped;
}
