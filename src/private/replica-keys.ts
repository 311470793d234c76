import { Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { DynamoDbKitError } from './errors';
import { destroyKey, isDeletedWithStack } from './removal';
import { ReplicaKeyImport } from './replica-key-import';
import { RenderedTable } from './table-introspection';
import { ReplicaKeyStack } from '../replica-key-stack';

// The key actions TableV2's grants give on the table key (aws-cdk-lib aws-dynamodb/lib/perms.js).
const KEY_READ_ACTIONS = ['kms:Decrypt', 'kms:DescribeKey'];
const KEY_WRITE_ACTIONS = ['kms:Encrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*'];

/** What a data grant on the table does with its key, and so with every replica's key. */
export enum KeyUse {
  /** grantReadData, grantStreamRead */
  READ = 'READ',
  /** grantWriteData, grantReadWriteData, grantFullAccess */
  READ_WRITE = 'READ_WRITE',
}

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
      const replicaKey = ReplicaKeyStack.forRegion(Stack.of(this.table), region).keyFor(this.table);
      // A removable table's replicas go with it, and so do their keys.
      if (isDeletedWithStack(this.table)) {
        destroyKey(replicaKey.key);
      }
      keyArn = replicaKey.keyArn;
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
    // the key policy (account root, HardenedKey) lets decide, by the key's ARN in every region.
    this.keys.set(region, new ReplicaKeyImport(this.table, `ReplicaKeyIn${region}`, keyArn));
  }

  /**
   * The key of the replica in `region`, if it has a customer-managed one. Imported in the table's
   * stack; its own grants (`replica(region).grant*`) name it by its ARN for a principal of the
   * account in any region (ReplicaKeyImport).
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

  /**
   * `grant`, a data grant on the table, extended to every replica's key. TableBaseV2's grant methods
   * (aws-cdk-lib 2.269) grant on `encryptionKey` directly rather than through grantOnKey(), so the
   * replica keys are added here; a grant twice is one statement.
   */
  public extend(grantee: iam.IGrantable, use: KeyUse, grant: iam.Grant): iam.Grant {
    this.grant(grantee, use === KeyUse.READ ? KEY_READ_ACTIONS : [...KEY_READ_ACTIONS, ...KEY_WRITE_ACTIONS]);
    return grant;
  }

  /**
   * `replica`, the table's replica in `region` as TableV2 hands it out, with the replica's key.
   * TableV2 copies encryption.replicaKeyArns once, in its constructor, before the library's replica
   * keys exist, so its replica has no key.
   */
  public withKey(region: string, replica: dynamodb.ITableV2): dynamodb.ITableV2 {
    const key = this.keyOf(region);
    if (replica === this.table || key === undefined || replica.encryptionKey !== undefined) {
      return replica;
    }
    return dynamodb.TableV2.fromTableAttributes(this.table, `ReplicaTableWithKey${region}`, {
      tableArn: replica.tableArn,
      tableStreamArn: replica.tableStreamArn,
      encryptionKey: key,
      grantIndexPermissions: RenderedTable.of(this.table)!.indexNames().length > 0,
    });
  }
}
