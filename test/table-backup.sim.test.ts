/**
 * Simulated authorization: what AWS Backup may do with the roles of the stack's backup plan (back
 * up, tag, copy, restore), on which tables, keys, vaults and recovery points, and what it may not.
 * Each request carries the context keys that AWS sends with it (test/sim/context.ts); KMS requests
 * are also judged by the key's policy.
 */
import * as iam from 'aws-cdk-lib/aws-iam';
import { ProductionTable, TableBackup, TableBackupProps } from '../src';
import { newStack, pk } from './fixtures';
import { ACCOUNT, OTHER_ACCOUNT, REGION, kmsViaService, roleRequest, without } from './sim/context';
import { decide, SimulatedStack } from './sim/simulator';

const DR_VAULT = `arn:aws:backup:eu-central-1:${OTHER_ACCOUNT}:backup-vault:dr`;
const ARCHIVE_VAULT = `arn:aws:backup:us-east-1:${ACCOUNT}:backup-vault:archive`;
const RECOVERY_POINT = `arn:aws:backup:${REGION}:${ACCOUNT}:recovery-point:1a2b3c4d-0000-4000-8000-000000000001`;
const OTHER_TABLE = `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/Unrelated`;
const OTHER_KEY = `arn:aws:kms:${REGION}:${ACCOUNT}:key/00000000-0000-4000-8000-000000000000`;

type Context = Record<string, string | string[]>;

/**
 * A stack with one ProductionTable in the backup plan (made with `props`) and an operator role
 * given `startRestoreStatements()`, resolved for simulation.
 */
function backupStack(props?: TableBackupProps) {
  const stack = newStack();
  if (props) {
    TableBackup.of(stack, props);
  }
  new ProductionTable(stack, 'Orders', { partitionKey: pk });
  const operator = new iam.Role(stack, 'Operator', { assumedBy: new iam.AccountRootPrincipal(), description: 'Starts restores' });
  new iam.ManagedPolicy(stack, 'StartRestores', { statements: TableBackup.of(stack).startRestoreStatements(), roles: [operator] });

  const sim = SimulatedStack.of(stack);
  const roleBy = (description: string) => sim.role(sim.only('AWS::IAM::Role', p => String(p.Description).startsWith(description)));
  const keyOf = (prefix: string) => {
    const [logicalId] = sim.logicalIds('AWS::KMS::Key').filter(id => id.startsWith(prefix));
    return { arn: sim.arn(logicalId), policy: sim.keyPolicy(logicalId) };
  };
  const table = sim.only('AWS::DynamoDB::GlobalTable');
  return {
    backupRole: roleBy('Backs up'),
    restoreRole: roleBy('Restores'),
    operator: roleBy('Starts restores'),
    tableArn: sim.arn(table),
    tableName: sim.ref(table),
    tableKey: keyOf('OrdersKey'),
    vaultKey: keyOf('DynamoDbKitBackupVaultKey'),
    vaultArn: sim.arn(sim.only('AWS::Backup::BackupVault')),
    restoreTarget: (suffix: string) => `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${sim.env.stackName}-restore-${suffix}`,
  };
}

type Role = ReturnType<typeof backupStack>['backupRole'];
type Key = ReturnType<typeof backupStack>['tableKey'];

/** A request of a session of `role`, judged by its identity policies (and a resource policy). */
const asRole = (role: Role, action: string, resource: string, context: Context = {}, resourcePolicy?: any) => decide({
  principal: role.session, action, resource, context: roleRequest(role.arn, context), identityPolicies: role.policies, resourcePolicy,
});

/**
 * DynamoDB's encryption context for a table's key (DynamoDB developer guide, "Encryption at rest: how
 * it works"). iam-simulate matches variable condition keys only after a '/', so it drops
 * `kms:EncryptionContext:<key>` as an unknown key. No policy here conditions on the encryption
 * context, so the decision does not depend on it: these keys may be ignored.
 */
const DYNAMODB_CONTEXT_KEYS = ['kms:EncryptionContext:aws:dynamodb:tableName', 'kms:EncryptionContext:aws:dynamodb:subscriberId'];
const dynamoDbContext = (tableName: string, region = REGION) =>
  kmsViaService('dynamodb', region, ACCOUNT, { 'aws:dynamodb:tableName': tableName, 'aws:dynamodb:subscriberId': ACCOUNT });

/** A KMS request of a session of `role`, judged by its identity policies and the key's policy. */
const withKey = (role: Role, action: string, key: Key | string, context: Context) => decide({
  principal: role.session,
  action,
  resource: typeof key === 'string' ? key : key.arn,
  context: roleRequest(role.arn, context),
  identityPolicies: role.policies,
  resourcePolicy: typeof key === 'string' ? undefined : key.policy,
  allowIgnoredKeys: DYNAMODB_CONTEXT_KEYS,
});

describe('the backup role backs up the tables of the plan, and no other', () => {
  const s = backupStack();

  test.each(['dynamodb:CreateBackup', 'dynamodb:StartAwsBackupJob', 'dynamodb:DescribeTable', 'dynamodb:ListTagsOfResource'])(
    '%s on the table: allowed; on a table outside the plan: denied', async action => {
      expect(await asRole(s.backupRole, action, s.tableArn)).toBe('Allowed');
      expect(await asRole(s.backupRole, action, OTHER_TABLE)).toBe('ImplicitlyDenied');
    });

  test('describing and deleting a native backup of a table of this account and region: allowed; in another region: denied', async () => {
    const nativeBackup = (region: string) => `arn:aws:dynamodb:${region}:${ACCOUNT}:table/${s.tableName}/backup/01700000000000-abcdef12`;
    expect(await asRole(s.backupRole, 'dynamodb:DeleteBackup', nativeBackup(REGION))).toBe('Allowed');
    expect(await asRole(s.backupRole, 'dynamodb:DescribeBackup', nativeBackup(REGION))).toBe('Allowed');
    expect(await asRole(s.backupRole, 'dynamodb:DeleteBackup', nativeBackup('us-east-1'))).toBe('ImplicitlyDenied');
  });

  test('it may not restore, or touch items', async () => {
    expect(await asRole(s.backupRole, 'dynamodb:RestoreTableFromAwsBackup', s.restoreTarget('x'))).toBe('ImplicitlyDenied');
    expect(await asRole(s.backupRole, 'dynamodb:Scan', s.tableArn)).toBe('ImplicitlyDenied');
  });
});

describe("the backup role uses the table's key and the vault's key through DynamoDB only", () => {
  const s = backupStack();
  // For the vault key, AWS documents no encryption context, so none is sent.
  const tableContext = () => dynamoDbContext(s.tableName);

  test.each(['kms:Decrypt', 'kms:GenerateDataKey'])('%s on the table key through DynamoDB: allowed', async action => {
    expect(await withKey(s.backupRole, action, s.tableKey, tableContext())).toBe('Allowed');
  });

  test.each(['kms:Decrypt', 'kms:GenerateDataKey'])('%s on the vault key through DynamoDB: allowed', async action => {
    expect(await withKey(s.backupRole, action, s.vaultKey, kmsViaService('dynamodb', REGION, ACCOUNT))).toBe('Allowed');
  });

  test('without kms:ViaService (a direct call), or through another service: denied', async () => {
    expect(await withKey(s.backupRole, 'kms:Decrypt', s.tableKey, without(tableContext(), 'kms:ViaService'))).toBe('ImplicitlyDenied');
    expect(await withKey(s.backupRole, 'kms:Decrypt', s.tableKey, kmsViaService('sqs', REGION, ACCOUNT))).toBe('ImplicitlyDenied');
    expect(await withKey(s.backupRole, 'kms:Decrypt', s.tableKey, dynamoDbContext(s.tableName, 'us-east-1'))).toBe('ImplicitlyDenied');
  });

  test('a key that is neither the table key nor the vault key: denied', async () => {
    expect(await withKey(s.backupRole, 'kms:Decrypt', OTHER_KEY, tableContext())).toBe('ImplicitlyDenied');
    expect(await withKey(s.backupRole, 'kms:DescribeKey', OTHER_KEY, {})).toBe('ImplicitlyDenied');
  });

  test('kms:DescribeKey on both keys: allowed', async () => {
    expect(await withKey(s.backupRole, 'kms:DescribeKey', s.tableKey, { 'kms:CallerAccount': ACCOUNT })).toBe('Allowed');
    expect(await withKey(s.backupRole, 'kms:DescribeKey', s.vaultKey, { 'kms:CallerAccount': ACCOUNT })).toBe('Allowed');
  });

  const grant = (value?: string) => ({ 'kms:CallerAccount': ACCOUNT, ...(value === undefined ? {} : { 'kms:GrantIsForAWSResource': value }) });

  test.each(['tableKey', 'vaultKey'] as const)('kms:CreateGrant on the %s for an AWS resource: allowed', async key => {
    expect(await withKey(s.backupRole, 'kms:CreateGrant', s[key], grant('true'))).toBe('Allowed');
  });

  test('kms:CreateGrant not for an AWS resource: denied, explicitly by the key policy', async () => {
    expect(await withKey(s.backupRole, 'kms:CreateGrant', s.tableKey, grant('false'))).toBe('ExplicitlyDenied');
  });

  test('kms:CreateGrant without kms:GrantIsForAWSResource: denied, explicitly by the key policy', async () => {
    expect(await withKey(s.backupRole, 'kms:CreateGrant', s.tableKey, grant())).toBe('ExplicitlyDenied');
    expect(await withKey(s.backupRole, 'kms:CreateGrant', s.vaultKey, grant())).toBe('ExplicitlyDenied');
  });

  test("the role's own policy requires kms:GrantIsForAWSResource too: under a key policy without the deny, still denied", async () => {
    const trusting = (key: Key) => ({ ...key, policy: { ...key.policy, Statement: key.policy.Statement.filter((st: any) => st.Effect !== 'Deny') } });
    expect(await withKey(s.backupRole, 'kms:CreateGrant', trusting(s.tableKey), grant())).toBe('ImplicitlyDenied');
    expect(await withKey(s.backupRole, 'kms:CreateGrant', trusting(s.tableKey), grant('true'))).toBe('Allowed');
  });
});

describe('the backup role tags recovery points and writes to the vault', () => {
  const s = backupStack();

  test('backup:TagResource on a recovery point of this account, in this region or another: allowed', async () => {
    expect(await asRole(s.backupRole, 'backup:TagResource', RECOVERY_POINT)).toBe('Allowed');
    expect(await asRole(s.backupRole, 'backup:TagResource', RECOVERY_POINT.replace(REGION, 'eu-central-1'))).toBe('Allowed');
  });

  test('backup:TagResource on a recovery point of another account: denied', async () => {
    expect(await asRole(s.backupRole, 'backup:TagResource', RECOVERY_POINT.replace(ACCOUNT, OTHER_ACCOUNT))).toBe('ImplicitlyDenied');
  });

  test('tag:GetResources, which takes no resource: allowed', async () => {
    expect(await decide({
      principal: s.backupRole.session,
      action: 'tag:GetResources',
      resource: '*',
      resourceAccount: ACCOUNT,
      context: roleRequest(s.backupRole.arn),
      identityPolicies: s.backupRole.policies,
    })).toBe('Allowed');
  });

  test.each(['backup:DescribeBackupVault', 'backup:CopyIntoBackupVault'])('%s on the vault: allowed; on another vault: denied', async action => {
    expect(await asRole(s.backupRole, action, s.vaultArn)).toBe('Allowed');
    expect(await asRole(s.backupRole, action, ARCHIVE_VAULT)).toBe('ImplicitlyDenied');
  });

  test('without copies, backup:CopyFromBackupVault: denied', async () => {
    expect(await asRole(s.backupRole, 'backup:CopyFromBackupVault', RECOVERY_POINT)).toBe('ImplicitlyDenied');
  });
});

describe('with copies, the backup role copies into the destination vaults only', () => {
  const s = backupStack({ copies: [{ destinationVaultArn: DR_VAULT }, { destinationVaultArn: ARCHIVE_VAULT }] });
  /**
   * The statement the README asks the owner of a destination vault in another account to add to
   * its access policy (AWS Backup developer guide, "Creating backup copies across AWS accounts").
   */
  const destinationAccessPolicy = {
    Version: '2012-10-17',
    Statement: [{
      Sid: 'AllowCopiesFromSourceAccount',
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
      Action: 'backup:CopyIntoBackupVault',
      Resource: '*',
    }],
  };

  test('backup:CopyFromBackupVault on a recovery point of this account and region: allowed; of another region: denied', async () => {
    expect(await asRole(s.backupRole, 'backup:CopyFromBackupVault', RECOVERY_POINT)).toBe('Allowed');
    expect(await asRole(s.backupRole, 'backup:CopyFromBackupVault', RECOVERY_POINT.replace(REGION, 'us-east-1'))).toBe('ImplicitlyDenied');
  });

  test('backup:CopyIntoBackupVault into a destination in another region of this account: allowed', async () => {
    expect(await asRole(s.backupRole, 'backup:CopyIntoBackupVault', ARCHIVE_VAULT)).toBe('Allowed');
  });

  test('into a destination in another account: allowed with the documented vault access policy, denied without it', async () => {
    expect(await asRole(s.backupRole, 'backup:CopyIntoBackupVault', DR_VAULT, {}, destinationAccessPolicy)).toBe('Allowed');
    expect(await asRole(s.backupRole, 'backup:CopyIntoBackupVault', DR_VAULT)).toBe('ImplicitlyDenied');
  });

  test('into a vault that is not a destination, even one whose policy allows this account: denied', async () => {
    const elsewhere = `arn:aws:backup:eu-central-1:${OTHER_ACCOUNT}:backup-vault:elsewhere`;
    expect(await asRole(s.backupRole, 'backup:CopyIntoBackupVault', elsewhere, {}, destinationAccessPolicy)).toBe('ImplicitlyDenied');
  });
});

describe('the restore role restores into new tables named <stack name>-restore-*, with the vault key and the table key', () => {
  const s = backupStack();

  test('dynamodb:RestoreTableFromAwsBackup into a table with the restore prefix: allowed', async () => {
    expect(await asRole(s.restoreRole, 'dynamodb:RestoreTableFromAwsBackup', s.restoreTarget('2026-01-01'))).toBe('Allowed');
  });

  test('into the live table, another table, or a table of another stack with the same suffix: denied', async () => {
    expect(await asRole(s.restoreRole, 'dynamodb:RestoreTableFromAwsBackup', s.tableArn)).toBe('ImplicitlyDenied');
    expect(await asRole(s.restoreRole, 'dynamodb:RestoreTableFromAwsBackup', OTHER_TABLE)).toBe('ImplicitlyDenied');
    expect(await asRole(s.restoreRole, 'dynamodb:RestoreTableFromAwsBackup', `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/Other-restore-x`)).toBe('ImplicitlyDenied');
  });

  test('a native backup restores with dynamodb:RestoreTableFromBackup, authorized on the backup and on the new table', async () => {
    const nativeBackup = `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${s.tableName}/backup/01700000000000-abcdef12`;
    expect(await asRole(s.restoreRole, 'dynamodb:RestoreTableFromBackup', nativeBackup)).toBe('Allowed');
    expect(await asRole(s.restoreRole, 'dynamodb:RestoreTableFromBackup', s.restoreTarget('x'))).toBe('Allowed');
    expect(await asRole(s.restoreRole, 'dynamodb:RestoreTableFromBackup', OTHER_TABLE)).toBe('ImplicitlyDenied');
  });

  test.each(['dynamodb:BatchWriteItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem', 'dynamodb:Scan'])(
    '%s on the restored table: allowed; on the live table: denied', async action => {
      expect(await asRole(s.restoreRole, action, s.restoreTarget('x'))).toBe('Allowed');
      expect(await asRole(s.restoreRole, action, s.tableArn)).toBe('ImplicitlyDenied');
    });

  test('kms:Decrypt on the vault key through DynamoDB, which decrypts an advanced backup: allowed', async () => {
    expect(await withKey(s.restoreRole, 'kms:Decrypt', s.vaultKey, kmsViaService('dynamodb', REGION, ACCOUNT))).toBe('Allowed');
  });

  test.each(['kms:Encrypt', 'kms:GenerateDataKey', 'kms:Decrypt'])(
    '%s on the table key, which encrypts the restored table, through DynamoDB: allowed', async action => {
      expect(await withKey(s.restoreRole, action, s.tableKey, dynamoDbContext(s.restoreTarget('x').split('/')[1]))).toBe('Allowed');
    });

  test('a direct call, another service, or another key: denied', async () => {
    expect(await withKey(s.restoreRole, 'kms:Decrypt', s.vaultKey, { 'kms:CallerAccount': ACCOUNT })).toBe('ImplicitlyDenied');
    expect(await withKey(s.restoreRole, 'kms:Decrypt', s.vaultKey, kmsViaService('sns', REGION, ACCOUNT))).toBe('ImplicitlyDenied');
    expect(await withKey(s.restoreRole, 'kms:Decrypt', OTHER_KEY, kmsViaService('dynamodb', REGION, ACCOUNT))).toBe('ImplicitlyDenied');
  });

  test('kms:CreateGrant on the table key for an AWS resource: allowed; without kms:GrantIsForAWSResource: denied', async () => {
    const trusting = { ...s.tableKey, policy: { ...s.tableKey.policy, Statement: s.tableKey.policy.Statement.filter((st: any) => st.Effect !== 'Deny') } };
    expect(await withKey(s.restoreRole, 'kms:CreateGrant', s.tableKey, { 'kms:CallerAccount': ACCOUNT, 'kms:GrantIsForAWSResource': 'true' })).toBe('Allowed');
    expect(await withKey(s.restoreRole, 'kms:CreateGrant', s.tableKey, { 'kms:CallerAccount': ACCOUNT })).toBe('ExplicitlyDenied');
    expect(await withKey(s.restoreRole, 'kms:CreateGrant', trusting, { 'kms:CallerAccount': ACCOUNT })).toBe('ImplicitlyDenied');
  });

  test('it may not back up, delete backups or write to the vault', async () => {
    expect(await asRole(s.restoreRole, 'dynamodb:StartAwsBackupJob', s.tableArn)).toBe('ImplicitlyDenied');
    expect(await asRole(s.restoreRole, 'dynamodb:DeleteBackup', `${s.tableArn}/backup/01700000000000-abcdef12`)).toBe('ImplicitlyDenied');
    expect(await asRole(s.restoreRole, 'backup:CopyIntoBackupVault', s.vaultArn)).toBe('ImplicitlyDenied');
  });
});

describe('whoever holds startRestoreStatements() may start a restore with the restore role', () => {
  const s = backupStack();
  const pass = (role: string, service?: string) => asRole(s.operator, 'iam:PassRole', role, service === undefined ? {} : { 'iam:PassedToService': service });

  // A native DynamoDB backup's ARN (table/<name>/backup/<id>) is a recovery point too, but
  // iam-simulate does not recognise it as one for backup:StartRestoreJob, so only the backup ARN is asked.
  test('backup:StartRestoreJob on a recovery point of this account and region: allowed; of another region: denied', async () => {
    expect(await asRole(s.operator, 'backup:StartRestoreJob', RECOVERY_POINT)).toBe('Allowed');
    expect(await asRole(s.operator, 'backup:StartRestoreJob', RECOVERY_POINT.replace(REGION, 'us-east-1'))).toBe('ImplicitlyDenied');
  });

  test('iam:PassRole of the restore role to AWS Backup: allowed', async () => {
    expect(await pass(s.restoreRole.arn, 'backup.amazonaws.com')).toBe('Allowed');
  });

  test('to another service, or without iam:PassedToService: denied', async () => {
    expect(await pass(s.restoreRole.arn, 'lambda.amazonaws.com')).toBe('ImplicitlyDenied');
    expect(await pass(s.restoreRole.arn)).toBe('ImplicitlyDenied');
  });

  test('iam:PassRole of the backup role, or of any other role: denied', async () => {
    expect(await pass(s.backupRole.arn, 'backup.amazonaws.com')).toBe('ImplicitlyDenied');
    expect(await pass(`arn:aws:iam::${ACCOUNT}:role/Admin`, 'backup.amazonaws.com')).toBe('ImplicitlyDenied');
  });
});
