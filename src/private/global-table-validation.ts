import { Stack, Token } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { IConstruct } from 'constructs';
import { DynamoDbKitError } from './errors';

/**
 * Replicas in a region-agnostic stack. aws-cdk-lib refuses them too ("Replica tables are not
 * supported in a region agnostic stack"); this check runs first only so that the message also names
 * the fix. The sentence of aws-cdk-lib is kept, so that code matching it still matches.
 */
export function checkReplicasHaveRegion(scope: IConstruct, replicaCount: number): void {
  const stack = Stack.of(scope);
  if (replicaCount > 0 && Token.isUnresolved(stack.region)) {
    throw new DynamoDbKitError(
      `Replica tables are not supported in a region agnostic stack: stack ${stack.node.path} has no region, so neither ` +
      'the replicas nor their keys can be placed. Give the stack an env with a region ({ env: { account, region } })',
    );
  }
}

/**
 * What AWS documents for multi-Region strong consistency (MRSC) and aws-cdk-lib does not check.
 * aws-cdk-lib already checks the region set, the replica and witness counts and region-agnostic
 * stacks (`validateMrscConfiguration` in aws-dynamodb/lib/table-v2.js), once, for `props.replicas`.
 */
export function checkMrsc(scope: IConstruct, props: dynamodb.TablePropsV2): void {
  const witness = props.witnessRegion;
  if (props.multiRegionConsistency !== dynamodb.MultiRegionConsistency.STRONG || witness === undefined || Token.isUnresolved(witness)) {
    return;
  }
  // A witness holds no replica: it is a third region that takes part in the quorum
  // (DynamoDB developer guide, "How DynamoDB global tables work", multi-Region strong consistency).
  const replicaRegions = [Stack.of(scope).region, ...(props.replicas ?? []).map(replica => replica.region)];
  if (replicaRegions.includes(witness)) {
    throw new DynamoDbKitError(
      `witnessRegion must differ from every replica region (${replicaRegions.join(', ')}), got '${witness}': a witness ` +
      'is a third region that holds no replica. Choose another region of the same region set',
    );
  }
}

/**
 * An MRSC table's replicas are fixed where it is declared: aws-cdk-lib counts `props.replicas`
 * (exactly 3 replicas, or 2 and a witness), and a replica added later would break that count
 * unchecked.
 */
export function checkReplicaAddedLater(scope: IConstruct, props: dynamodb.TablePropsV2, region: string): void {
  if (props.multiRegionConsistency === dynamodb.MultiRegionConsistency.STRONG) {
    throw new DynamoDbKitError(
      `addReplica('${region}') is not allowed on ${scope.node.path}, a multi-Region strong consistency table: it must have exactly ` +
      '3 replicas, or 2 and a witness, all given in props.replicas (and props.witnessRegion). Declare the replica there',
    );
  }
}
