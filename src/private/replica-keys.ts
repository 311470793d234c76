import { Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { DynamoDbKitError } from './errors';
import { ReplicaKeyStack } from '../replica-key-stack';

// The key actions TableV2's grants give on the table key (aws-cdk-lib aws-dynamodb/lib/perms.js).
export const KEY_READ_ACTIONS = ['kms:Decrypt', 'kms:DescribeKey'];
export const KEY_WRITE_ACTIONS = ['kms:Encrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*'];

/**
 * The keys of a table's replicas, one per replica region.
 *
 * - Encryption chosen by the library: a key in the replica's `ReplicaKeyStack`, its ARN put into
 *   the map that was given to `TableEncryptionV2.customerManagedKey`. aws-cdk-lib reads that map when
 *   it renders the replicas (`_renderReplicaSseSpecification` in aws-dynamodb/lib/encryption.js), so
 *   a replica added after the table exists gets its key too.
 * - A customer-managed key of the user's: the ARN the user gave for the region, checked here so that
 *   a missing one fails when the replica is added, naming the fix, not at synth with a raw message.
 * - An AWS managed or AWS-owned key: nothing to do, DynamoDB uses the same kind in every region.
 *
 * IAM authorizes KMS by the key's ARN, so grants on the table name every replica's key.
 */
export class ReplicaKeys {
  private readonly keys = new Map<string, kms.IKey>();

  /**
   * @param libraryArns the map given to `customerManagedKey` when the library chose the encryption
   */
  constructor(
    private readonly table: dynamodb.TableV2,
    private readonly encryption: dynamodb.TableEncryptionV2 | undefined,
    private readonly libraryArns?: Record<string, string>,
  ) {}

  /** Provide the key of the replica in `region`, which TableV2 has accepted. */
  public add(region: string): void {
    if (this.encryption?.type !== dynamodb.TableEncryption.CUSTOMER_MANAGED || this.keys.has(region)) {
      return;
    }
    let keyArn: string;
    if (this.libraryArns) {
      keyArn = ReplicaKeyStack.forRegion(Stack.of(this.table), region).keyFor(this.table).keyArn;
      this.libraryArns[region] = keyArn;
    } else {
      const given = this.encryption.replicaKeyArns?.[region];
      if (given === undefined) {
        throw new DynamoDbKitError(
          `encryption has no key for the replica in ${region} of table ${this.table.node.path}: a replica must be encrypted ` +
          `with a key of its own region. Pass TableEncryptionV2.customerManagedKey(key, { '${region}': '<key ARN in ${region}>', ... }), ` +
          'or leave encryption out and the library makes a key in each replica region',
        );
      }
      keyArn = given;
    }
    // Imported in the table's stack: a grant then goes into the grantee's identity policy only, which
    // the key policy (account root, HardenedKey) lets decide.
    this.keys.set(region, kms.Key.fromKeyArn(this.table, `ReplicaKeyIn${region}`, keyArn));
  }

  /**
   * The key of the replica in `region`, if it has a customer-managed one. Imported in the table's
   * stack: its own grants (`replica(region).grant*`) to a principal of another region go through
   * aws-kms, which names "*" for such a grantee (see README, Global tables).
   */
  public keyOf(region: string): kms.IKey | undefined {
    return this.keys.get(region);
  }

  /**
   * Let `grantee` use every replica key with `actions`, by the key's ARN in the grantee's identity
   * policy (the key policy lets the account's identities decide). Not `key.grant()`: for a grantee
   * in another region than the stack the key is imported into, aws-kms grants on "*".
   */
  public grant(grantee: iam.IGrantable, actions: string[]): void {
    for (const key of this.keys.values()) {
      iam.Grant.addToPrincipal({ grantee, actions, resourceArns: [key.keyArn] });
    }
  }
}
