import { isTrue, ReplicaSettings, TableModel } from '../table-model';
import { TableRule } from '../table-rule';

// The alias of the AWS managed key: naming it is the same as not choosing a customer-managed key.
const AWS_MANAGED_KEY = /(^|:)alias\/aws\/dynamodb$/;

/** Every table, and every replica of a global table, is encrypted with a customer-managed KMS key. */
export const CustomerManagedKeyEncryption: TableRule = {
  name: 'CustomerManagedKeyEncryption',
  description: 'The DynamoDB table (or a replica of the global table) is not encrypted with a customer-managed KMS key, so key use cannot be audited, restricted by key policy or revoked.',
  fix: 'Set encryption: TableEncryptionV2.customerManagedKey(key, replicaKeyArns) (TableV2) or encryption: TableEncryption.CUSTOMER_MANAGED (Table).',
  check: table => {
    const failures: string[] = [];
    const sse = table.properties.SSESpecification;
    const kmsOn = isTrue(sse?.SSEEnabled) && sse?.SSEType === 'KMS';
    if (!kmsOn) {
      failures.push('Properties/SSESpecification');
    }
    for (const settings of table.replicaSettings()) {
      if (kmsOn && !hasCustomerKey(table, settings)) {
        failures.push(`${settings.location}/SSESpecification/KMSMasterKeyId`);
      }
    }
    return failures;
  },
};

function hasCustomerKey(table: TableModel, settings: ReplicaSettings): boolean {
  // A regional table keeps its key next to SSEEnabled; a global table keeps one per replica.
  const keyId = table.isGlobal
    ? settings.properties.SSESpecification?.KMSMasterKeyId
    : table.properties.SSESpecification?.KMSMasterKeyId;
  if (keyId === undefined || keyId === null || keyId === '') {
    return false;
  }
  return !(typeof keyId === 'string' && AWS_MANAGED_KEY.test(keyId));
}
