import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { ProductionTable, TableBackup, VaultLock } from '../src';
import { DynamoDbKitError } from '../src/private/errors';

// Bad input, one table per kind of input: each is refused at synth with a DynamoDbKitError that
// names the property (and the construct, where one exists), never a TypeError, never accepted.

const ENV = { account: '111111111111', region: 'us-east-1' };
const pk = { name: 'pk', type: dynamodb.AttributeType.STRING };
/** What a JavaScript caller can pass where TypeScript would stop it. */
const js = (value: unknown): any => value;

const newStack = () => new Stack(new App(), 'Stack', { env: ENV });

/** `act` throws a DynamoDbKitError whose message holds every fragment. */
function expectRefused(act: () => unknown, ...fragments: Array<string | RegExp>): void {
  let error: unknown;
  try {
    act();
  } catch (caught) {
    error = caught;
  }
  expect(error).toBeInstanceOf(DynamoDbKitError);
  for (const fragment of fragments) {
    expect((error as Error).message).toMatch(fragment);
  }
}

/** A stack with the stack's backup plan made with `vaultLock`, and one table in it. */
function withLock(vaultLock: VaultLock): Template {
  const stack = newStack();
  TableBackup.of(stack, { retention: Duration.days(35), vaultLock });
  new ProductionTable(stack, 'Orders', { partitionKey: pk });
  return Template.fromStack(stack);
}

describe('vault lock: never weaker than asked', () => {
  test('a compliance lock always renders ChangeableForDays, so that it is not a governance lock', () => {
    // GIVEN a compliance lock changeable for the AWS minimum
    const lock = VaultLock.compliance({ minRetention: Duration.days(7), changeableFor: Duration.days(3) });

    // WHEN
    const template = withLock(lock);

    // THEN
    template.hasResourceProperties('AWS::Backup::BackupVault', { LockConfiguration: { MinRetentionDays: 7, ChangeableForDays: 3 } });
  });

  test.each([
    ['changeableFor left out (JavaScript)', () => VaultLock.compliance(js({ minRetention: Duration.days(7) })), ['changeableFor must be given']],
    ['changeableFor null', () => VaultLock.compliance(js({ minRetention: Duration.days(7), changeableFor: null })), ['changeableFor must be', 'got null']],
    ['changeableFor 2 days', () => VaultLock.compliance({ minRetention: Duration.days(7), changeableFor: Duration.days(2) }), ['changeableFor must be a whole number of days, at least 3', '72-hour']],
    ['changeableFor 80 hours', () => VaultLock.compliance({ minRetention: Duration.days(7), changeableFor: Duration.hours(80) }), ['changeableFor must be a whole number of days', 'got 3 days 8 hours']],
    ['changeableFor a number', () => VaultLock.compliance(js({ minRetention: Duration.days(7), changeableFor: 3 })), ['changeableFor must be a Duration', 'got 3']],
    ['minRetention 36 hours', () => VaultLock.governance({ minRetention: Duration.hours(36) }), ['minRetention must be a whole number of days', 'got 1 day 12 hours']],
    ['minRetention 0 days', () => VaultLock.governance({ minRetention: Duration.days(0) }), ['minRetention must be a whole number of days, between 1 and 36500']],
    ['minRetention left out', () => VaultLock.governance(js({})), ['minRetention must be given']],
    ['minRetention a number', () => VaultLock.governance(js({ minRetention: 7 })), ['minRetention must be a Duration', 'got 7']],
    ['maxRetention below minRetention', () => VaultLock.governance({ minRetention: Duration.days(10), maxRetention: Duration.days(5) }), ['maxRetention must be at least minRetention (10 days), got 5 days']],
    ['maxRetention above 36500 days', () => VaultLock.governance({ minRetention: Duration.days(1), maxRetention: Duration.days(36501) }), ['maxRetention must be a whole number of days, between 1 and 36500']],
    ['options null', () => VaultLock.governance(js(null)), ['VaultLock.governance options must be an object, got null']],
  ])('%s is refused with the property named', (_name, act, fragments) => {
    expectRefused(act, ...fragments);
  });
});
