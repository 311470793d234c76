import { CrossStackReferences, ReferenceStrength, Stack, StackProps, Token } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct, IConstruct } from 'constructs';
import { HardenedKey } from './encryption-key';
import { relativePath, replicaRegionStackPlacement } from './private/replica-region';
import { sharedConstruct } from './private/shared-construct';
import { Kinds, required, validateKind } from './private/validation';

/**
 * The stack, in one replica region, that holds the KMS keys of the replicas of the global tables
 * of one stack.
 *
 * A KMS key lives in one region, and a replica must be encrypted with a key of its own region
 * (CloudFormation `AWS::DynamoDB::GlobalTable` `ReplicaSSESpecification.KMSMasterKeyId`). A key is
 * created by a stack deployed to its region, so a `ProductionTable` with replicas adds one of
 * these to its app for each replica region, as aws-cdk-lib's CodePipeline adds a support stack for
 * each region its actions run in. It is shared by every table of the stack, has the same account as
 * the table's stack, and the table's stack depends on it, so that `cdk deploy` makes the keys first.
 *
 * The table reads each key's ARN with `Fn::GetStackOutput` (a weak reference): no custom resource
 * and no Lambda function, and the key stack can be updated without first updating the table stack.
 *
 * Its construct id, `<table stack id>-DynamoDbKitReplicas-<region>` (the table stack's path below its
 * Stage, `-` for `/`), is fixed: the stack name derives from it (with the Stage's prefix), and a
 * renamed stack would be a new stack with new keys.
 */
export class ReplicaKeyStack extends Stack {
  /**
   * The key stack of `tableStack`'s tables in `region`, created in `tableStack`'s stage on first use.
   *
   * @param tableStack the stack that holds the global tables
   * @param region the replica region, not a token
   */
  public static forRegion(tableStack: Stack, region: string): ReplicaKeyStack {
    validateKind('tableStack', tableStack, required(Kinds.stack));
    validateKind('region', region, required(Kinds.string));
    const { stage, id } = replicaRegionStackPlacement(tableStack, region, 'the replica keys', 'DynamoDbKitReplicas',
      'Create the stack in an App, or pass encryption: TableEncryptionV2.customerManagedKey(key, { <region>: <key ARN in that region> })');
    return sharedConstruct(stage, id, ReplicaKeyStack, () => new ReplicaKeyStack(stage, id, tableStack, {
      // An account-agnostic table stack gets an account-agnostic key stack: both deploy to the
      // account of the credentials `cdk deploy` runs with, and Fn::GetStackOutput reads the output
      // in the consumer's own account.
      env: { account: Token.isUnresolved(tableStack.account) ? undefined : tableStack.account, region },
      description: `KMS keys of the ${region} replicas of the DynamoDB global tables in stack ${tableStack.stackName} (cdk-dynamodb-kit)`,
    }));
  }

  /** The stack whose tables' replicas these keys encrypt. */
  public readonly tableStack: Stack;

  private constructor(scope: Construct, id: string, tableStack: Stack, props: StackProps) {
    super(scope, id, props);
    this.tableStack = tableStack;
    tableStack.addStackDependency(this, 'the replicas of its global tables are encrypted with keys of this stack');
  }

  /**
   * The key of `table`'s replica in this stack's region, made on first use, with an id derived from
   * the table's path so that it never changes.
   *
   * @returns the key, and its ARN as a weak reference for use in the table's stack
   */
  public keyFor(table: IConstruct): ReplicaKey {
    const id = `${relativePath(this.tableStack, table)}Key`;
    const existing = this.node.tryFindChild(id);
    const key = existing instanceof HardenedKey ? existing : new HardenedKey(this, id, {
      description: `Encrypts the ${this.region} replica of the DynamoDB table ${table.node.path}`,
    });
    // Weak both ways: the producer publishes a plain output, the consumer reads it with
    // Fn::GetStackOutput, whatever `@aws-cdk/core:defaultCrossStackReferences` says app-wide.
    CrossStackReferences.of(key).produce(ReferenceStrength.WEAK);
    return { key, keyArn: Stack.consumeReference(key.keyArn, ReferenceStrength.WEAK) };
  }
}

/** A replica's key and its ARN as the table's stack reads it. */
export interface ReplicaKey {
  /** The key, in the replica's region. */
  readonly key: kms.IKey;

  /** The key's ARN, a weak reference (`Fn::GetStackOutput`) when used in another stack. */
  readonly keyArn: string;
}
