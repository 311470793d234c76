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
  if (props.multiRegionConsistency !== dynamodb.MultiRegionConsistency.STRONG) {
    return;
  }
  if (props.timeToLiveAttribute !== undefined) {
    throw new DynamoDbKitError(
      `timeToLiveAttribute must not be set on a multi-Region strong consistency table, got '${props.timeToLiveAttribute}': ` +
      `AWS does not support Time To Live on MRSC global tables (${MRSC_PAGE}). Leave it out, or use multiRegionConsistency EVENTUAL`, scope);
  }
  for (const index of props.localSecondaryIndexes ?? []) {
    refuseLocalIndex(scope, index.indexName);
  }
  const witness = props.witnessRegion;
  if (witness === undefined || Token.isUnresolved(witness)) {
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
 * AWS's page on how global tables work, for MRSC (multi-Region strong consistency):
 * "Global tables configured for multi-Region strong consistency (MRSC) do not support configuring
 * Time To Live (TTL) deletion", "do not support transaction operations" (an error at run time,
 * which no synth check can see) and "do not publish a ReplicationLatency metric" (core concepts
 * page). That local secondary indexes "are not supported for MRSC global tables" is quoted from
 * V2globaltables_HowItWorks.html, which the search tools returned only in part.
 */
const MRSC_PAGE = 'https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/globaltables-CoreConcepts.html';
const MRSC_LSI_PAGE = 'https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/V2globaltables_HowItWorks.html';

/** A local secondary index on an MRSC table, given in the props or added later. */
export function checkLocalIndexAllowed(scope: IConstruct, props: dynamodb.TablePropsV2, indexName: string): void {
  if (props.multiRegionConsistency === dynamodb.MultiRegionConsistency.STRONG) {
    refuseLocalIndex(scope, indexName);
  }
}

function refuseLocalIndex(scope: IConstruct, indexName: string): never {
  throw new DynamoDbKitError(
    `localSecondaryIndexes must be empty on a multi-Region strong consistency table, got '${indexName}': AWS does not support ` +
    `local secondary indexes on MRSC global tables (${MRSC_LSI_PAGE}). Use a global secondary index, or multiRegionConsistency EVENTUAL`, scope);
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
