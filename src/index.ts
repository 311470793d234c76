export * from './production-table';
export * from './encryption-key';
export * from './table-backup';
export * from './checks/dynamodb-checks';
export * from './alarm-topic';
export * from './alarm-actions';
export * from './stream-consumer';
export * from './table-alarms';
