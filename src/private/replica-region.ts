import { Stack, Stage, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { DynamoDbKitError } from './errors';

/**
 * Where a stack of the library's in a replica region goes: the table stack's Stage, checked first.
 * Shared by the key stacks and the alarm stacks of replica regions.
 *
 * @param what what the stack holds, for the messages: 'the replica keys', 'the replica alarms'
 * @param fix what the user can do instead when the table stack is in no App or Stage
 * @returns the Stage to create the stack in, and its id `<table stack path below the Stage>-<suffix>-<region>`
 */
export function replicaRegionStackPlacement(
  tableStack: Stack, region: string, what: string, suffix: string, fix: string,
): { stage: Stage; id: string } {
  const where = `${what} of stack ${tableStack.node.path} in ${region}`;
  if (Token.isUnresolved(tableStack.region)) {
    throw new DynamoDbKitError(
      `Replica tables are not supported in a region agnostic stack: stack ${tableStack.node.path} has no region, so ` +
      `${where} cannot be placed. Give the stack an env with a region ({ env: { account, region } })`,
    );
  }
  if (Token.isUnresolved(region)) {
    throw new DynamoDbKitError(`replica region must not be a token, got ${region}: the stacks of a replica region are made at synth`);
  }
  const stage = Stage.of(tableStack);
  if (stage === undefined) {
    throw new DynamoDbKitError(
      `Stack ${tableStack.node.path} is not in an App or Stage, so the library cannot add the stack that holds ${where}. ${fix}`,
    );
  }
  return { stage, id: `${relativePath(stage, tableStack)}-${suffix}-${region}` };
}

/** The construct's path below `parent`, in one id: 'Orders', or 'Group-Orders' when nested. */
export function relativePath(parent: IConstruct, construct: IConstruct): string {
  return construct.node.scopes.slice(parent.node.scopes.length).map(scope => scope.node.id).join('-');
}
