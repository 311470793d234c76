/**
 * What the tests share: the account and region of a stack with an environment, the table keys, and
 * stacks in a fresh app. A test that needs another region or account says why where it uses one.
 */
import { App, Environment, Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';

export const ACCOUNT = '111111111111';
/** An account that is not ACCOUNT: another team's, or an attacker's. */
export const OTHER_ACCOUNT = '222222222222';
export const REGION = 'eu-west-1';

/** A stack's environment: TableV2 replicas, customer-managed keys and cross-stack grants need one. */
export const ENV: Environment = { account: ACCOUNT, region: REGION };

/** The environment in `region` of the same account, for a test that needs that region. */
export function envIn(region: string): Environment {
  return { account: ACCOUNT, region };
}

/** The partition key of the test tables. */
export const pk: dynamodb.Attribute = { name: 'pk', type: dynamodb.AttributeType.STRING };
/** The sort key of the test tables that have one. */
export const sk: dynamodb.Attribute = { name: 'sk', type: dynamodb.AttributeType.STRING };

/** A stack with an environment (ENV unless `env` is given), alone in a new app. */
export function newStack(id = 'Stack', env: Environment = ENV): Stack {
  return new Stack(new App(), id, { env });
}

/** An environment-agnostic stack, alone in a new app: the library must work there too. */
export function agnosticStack(id = 'Stack'): Stack {
  return new Stack(new App(), id);
}
