import { isTrue, ReplicaSettings, TableModel } from '../table-model';
import { findings, TableRule } from '../table-rule';

// The alias of the AWS managed key: naming it is the same as not choosing a customer-managed key.
const AWS_MANAGED_KEY = /(^|:)alias\/aws\/dynamodb$/;

/** Every table, and every replica of a global table, is encrypted with a customer-managed KMS key. */
export const CustomerManagedKeyEncryption: TableRule = {
  name: 'CustomerManagedKeyEncryption',
  description: 'The DynamoDB table (or a replica of the global table) is not encrypted with a customer-managed KMS key, so key use cannot be audited, restricted by key policy or revoked.',
  fix: 'Set encryption: TableEncryptionV2.customerManagedKey(key, replicaKeyArns) (TableV2) or encryption: TableEncryption.CUSTOMER_MANAGED (Table); ' +
    'in a template, SSESpecification needs SSEEnabled: true, SSEType: KMS and the key.',
  check: table => {
    const sse = table.properties.SSESpecification;
    const kmsOn = isTrue(sse?.SSEEnabled) && sse?.SSEType === 'KMS';
    if (!kmsOn) {
      // CloudFormation refuses a KMSMasterKeyId without SSEType KMS: the key is there, the type is not.
      const keyWithoutType = isTrue(sse?.SSEEnabled) && sse?.SSEType === undefined && namesAnyKey(table);
      return keyWithoutType
        ? findings(['Properties/SSESpecification/SSEType'], [],
          'SSESpecification names a KMS key but has no SSEType: set SSEType to KMS, without which CloudFormation refuses the key.')
        : ['Properties/SSESpecification'];
    }
    return table.replicaSettings()
      .filter(settings => !hasCustomerKey(table, settings))
      .map(settings => `${settings.location}/SSESpecification/KMSMasterKeyId`);
  },
};

function keyIdOf(table: TableModel, settings: ReplicaSettings): unknown {
  // A regional table keeps its key next to SSEEnabled; a global table keeps one per replica.
  return table.isGlobal
    ? settings.properties.SSESpecification?.KMSMasterKeyId
    : table.properties.SSESpecification?.KMSMasterKeyId;
}

function namesAnyKey(table: TableModel): boolean {
  return table.replicaSettings().some(settings => present(keyIdOf(table, settings)));
}

function hasCustomerKey(table: TableModel, settings: ReplicaSettings): boolean {
  const keyId = keyIdOf(table, settings);
  if (!present(keyId)) {
    return false;
  }
  return !(typeof keyId === 'string' && AWS_MANAGED_KEY.test(keyId));
}

function present(keyId: unknown): boolean {
  return keyId !== undefined && keyId !== null && keyId !== '';
}
