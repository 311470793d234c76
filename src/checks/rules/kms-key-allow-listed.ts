import { isTrue, referencedResource, TableModel } from '../table-model';
import { findings, TableRule, whenGiven } from '../table-rule';

const KMS_KEY_TYPE = 'AWS::KMS::Key';

/**
 * With `kmsKeyArns`, every table and every replica is encrypted with one of the listed keys, as AWS
 * Config's dynamodb-table-encrypted-kms checks with its `kmsKeyArns` parameter:
 * https://docs.aws.amazon.com/config/latest/developerguide/dynamodb-table-encrypted-kms.html
 *
 * A literal key ARN is compared with the list. A key of the same template (Ref or Fn::GetAtt of an
 * AWS::KMS::Key) passes only when its logical ID is listed, since its ARN exists only after deploy.
 * Any other reference (an import, a parameter, another stack's output) cannot be decided at synth.
 */
export const KmsKeyAllowListed: TableRule = {
  name: 'KmsKeyAllowListed',
  description: 'The DynamoDB table (or a replica of the global table) is not encrypted with one of the KMS keys that ' +
    'DynamoDbChecks\' kmsKeyArns allows (AWS Config dynamodb-table-encrypted-kms), so data may be under a key outside the reviewed set.',
  fix: 'Encrypt the table and every replica with a listed key, or add the key\'s ARN (or, for a key of the same stack, its logical ID) to kmsKeyArns.',
  check: whenGiven('kmsKeyArns', (table, allowed) => {
    const sse = table.properties.SSESpecification;
    const kmsOn = isTrue(sse?.SSEEnabled) && sse?.SSEType === 'KMS';
    if (!kmsOn) {
      return ['Properties/SSESpecification'];
    }
    const failing: string[] = [];
    const undecided: string[] = [];
    for (const replica of table.replicaSettings()) {
      const keyId = table.isGlobal ? replica.properties.SSESpecification?.KMSMasterKeyId : sse.KMSMasterKeyId;
      const location = `${replica.location}/SSESpecification/KMSMasterKeyId`;
      const verdict = judge(keyId, allowed, table);
      if (verdict === 'fail') {
        failing.push(location);
      } else if (verdict === 'undecided') {
        undecided.push(location);
      }
    }
    return findings(failing, undecided);
  }),
};

function judge(keyId: unknown, allowed: string[], table: TableModel): 'pass' | 'fail' | 'undecided' {
  if (keyId === undefined || keyId === null || keyId === '') {
    // No key named: the AWS managed key, which no allow-list of customer keys holds.
    return 'fail';
  }
  if (typeof keyId === 'string') {
    if (keyId.includes('${Token[')) {
      return 'undecided';
    }
    // An ARN is compared whole; a bare key id or alias matches the listed ARN that ends with it.
    return allowed.some(entry => entry === keyId || (!keyId.startsWith('arn:') && (entry.endsWith(`:key/${keyId}`) || entry.endsWith(`:${keyId}`))))
      ? 'pass' : 'fail';
  }
  const logicalId = referencedResource(keyId);
  const keys = new Set(table.resourcesOfType(KMS_KEY_TYPE).map(([id]) => id));
  if (logicalId !== undefined && keys.has(logicalId)) {
    return allowed.includes(logicalId) ? 'pass' : 'fail';
  }
  return 'undecided';
}
