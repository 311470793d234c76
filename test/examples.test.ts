import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { listFindings, synthWithChecks } from './compliance-harness';
import { ENV } from './fixtures';
import { EventStoreStack } from '../examples/event-store';
import { GlobalStack } from '../examples/global';
import { MultiTenantStack } from '../examples/multi-tenant-vpc';
import { OrdersStack } from '../examples/orders-table';
import { LedgerStack } from '../examples/provisioned-ledger';

// Whole-template snapshots of the example stacks, so that any change to what users deploy shows up
// in review. Accept an intended change with `npm run test:update`.
describe.each([
  ['orders-table', (app: any) => new OrdersStack(app, 'OrdersExample')],
  ['provisioned-ledger', (app: any) => new LedgerStack(app, 'LedgerExample', { env: ENV })],
  ['event-store', (app: any) => new EventStoreStack(app, 'EventStoreExample')],
  ['multi-tenant-vpc', (app: any) => new MultiTenantStack(app, 'MultiTenantExample')],
])('example %s', (_name, build: (app: any) => Stack) => {
  let stack: Stack;
  const result = synthWithChecks(app => { stack = build(app); });

  test('passes every compliance plugin', () => {
    expect(listFindings(result.unacknowledged)).toEqual('');
  });

  test('template matches the snapshot', () => {
    expect(Template.fromStack(stack).toJSON()).toMatchSnapshot();
  });
});

// A global table's app has three stacks: the replica region's key stack, the table's, and the
// replica region's alarm stack.
describe('example global', () => {
  let stack: GlobalStack;
  const result = synthWithChecks(app => {
    stack = new GlobalStack(app, 'GlobalExample', { env: ENV });
  });

  test('passes every compliance plugin, in every stack', () => {
    expect(listFindings(result.unacknowledged)).toEqual('');
  });

  test('template matches the snapshot, in every stack', () => {
    const keyStack = stack.node.root.node.findChild('GlobalExample-DynamoDbKitReplicas-us-east-1') as Stack;
    const alarmStack = stack.node.root.node.findChild('GlobalExample-DynamoDbKitReplicaAlarms-us-east-1') as Stack;
    expect(Template.fromStack(stack).toJSON()).toMatchSnapshot();
    expect(Template.fromStack(keyStack).toJSON()).toMatchSnapshot();
    expect(Template.fromStack(alarmStack).toJSON()).toMatchSnapshot();
  });
});
