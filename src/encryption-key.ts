import { CrossStackReferences, ReferenceStrength, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { DynamoDbKitError } from './private/errors';
import { DECRYPT_ACTIONS, ENCRYPT_ACTIONS } from './private/key-actions';
import { destroyKey } from './private/removal';
import { hardenedKeySpec, validateConstructInput } from './private/validation';

/**
 * Properties of a `HardenedKey`.
 */
export interface HardenedKeyProps {
  /**
   * What the key protects, shown in the KMS console.
   */
  readonly description: string;

  /**
   * An alias for the key, without the `alias/` prefix.
   *
   * @default - no alias
   */
  readonly alias?: string;

  /**
   * What happens to the key when its stack is deleted. `RemovalPolicy.DESTROY` schedules its
   * deletion with the shortest waiting period KMS allows, 7 days: until then it can still be
   * restored with `CancelKeyDeletion`, and so can what it encrypts.
   *
   * @default RemovalPolicy.RETAIN - data encrypted with the key may outlive the stack
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * A customer-managed KMS key as the library makes every key: for tables, topics and vaults.
 *
 * - rotation on (AwsSolutions-KMS5, CT.KMS.PR.1);
 * - retained when the stack is deleted, because data encrypted with it outlives the stack (unless
 *   `removalPolicy` is DESTROY: then deleted after KMS's shortest waiting period, 7 days);
 * - a key-policy statement that lets only AWS services create grants (CT.KMS.PR.3), so that no
 *   principal can hand a grant on the key to itself or to another account.
 *
 * It is a `kms.Key`, so further statements are added with `addToResourcePolicy`.
 */
export class HardenedKey extends kms.Key {
  constructor(scope: Construct, id: string, props: HardenedKeyProps) {
    validateConstructInput(scope, id, props, hardenedKeySpec());
    validateKeyAlias(scope, id, props.alias);
    super(scope, id, {
      description: props.description,
      alias: props.alias,
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    if (props.removalPolicy === RemovalPolicy.DESTROY) {
      destroyKey(this);
    } else if (props.removalPolicy !== undefined) {
      this.applyRemovalPolicy(props.removalPolicy);
    }

    // CT.KMS.PR.3 wants exactly this shape: a Deny of kms:CreateGrant for every principal unless
    // the grant is for an AWS resource or the caller is an AWS service (BoolIfExists, both "false").
    this.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'AllowGrantsOnlyForAwsServices',
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: ['kms:CreateGrant'],
      resources: ['*'],
      conditions: {
        BoolIfExists: {
          'kms:GrantIsForAWSResource': 'false',
          'aws:PrincipalIsAWSService': 'false',
        },
      },
    }));
  }

  /**
   * Grant `actions` on this key. As `kms.Key.grant` does, except for a principal of this account
   * whose stack is in another region: aws-kms then names the key as `"*"` in the principal's
   * policy, since it cannot reference the key's ARN there. This key names itself instead, by its
   * ARN read across regions as a weak reference (`Fn::GetStackOutput`, which the grantee's stack
   * reads after this key's stack is deployed); the key policy lets the account's identities decide,
   * as for any grant in the key's own region. Table grants (`grantReadData` and the rest) come here.
   */
  public grant(grantee: iam.IGrantable, ...actions: string[]): iam.Grant {
    if (!isSameAccountOtherRegion(this, grantee)) {
      return super.grant(grantee, ...actions);
    }
    CrossStackReferences.of(this).produce(ReferenceStrength.WEAK);
    return iam.Grant.addToPrincipal({ grantee, actions, resourceArns: [Stack.consumeReference(this.keyArn, ReferenceStrength.WEAK)] });
  }

  /** Grant decryption with this key (`kms:Decrypt`), as `grant` does. */
  public grantDecrypt(grantee: iam.IGrantable): iam.Grant {
    return this.grant(grantee, ...DECRYPT_ACTIONS);
  }

  /** Grant encryption with this key (`kms:Encrypt`, `kms:ReEncrypt*`, `kms:GenerateDataKey*`), as `grant` does. */
  public grantEncrypt(grantee: iam.IGrantable): iam.Grant {
    return this.grant(grantee, ...ENCRYPT_ACTIONS);
  }

  /** Grant encryption and decryption with this key, as `grant` does. */
  public grantEncryptDecrypt(grantee: iam.IGrantable): iam.Grant {
    return this.grant(grantee, ...DECRYPT_ACTIONS, ...ENCRYPT_ACTIONS);
  }
}

/**
 * Whether `grantee` is a principal made in a stack of the key's account, known at synth, in another
 * known region: what aws-kms grants on "*". An environment-agnostic side cannot be told, and keeps
 * aws-kms's rules.
 */
function isSameAccountOtherRegion(key: kms.Key, grantee: iam.IGrantable): boolean {
  if (!iam.principalIsOwnedResource(grantee.grantPrincipal)) {
    return false;
  }
  const keyStack = Stack.of(key);
  const granteeStack = Stack.of(grantee.grantPrincipal);
  const known = [keyStack.account, keyStack.region, granteeStack.account, granteeStack.region].every(value => !Token.isUnresolved(value));
  return known && keyStack.account === granteeStack.account && keyStack.region !== granteeStack.region;
}

/**
 * The alias is given without its `alias/` prefix, which KMS adds; `alias/aws` and its children are
 * reserved for AWS managed keys (KMS developer guide, "Creating an alias").
 */
function validateKeyAlias(scope: Construct, id: string, alias: string | undefined): void {
  if (alias === undefined || Token.isUnresolved(alias)) {
    return;
  }
  if (alias === '' || alias.startsWith('alias/') || !/^[a-zA-Z0-9/_-]{1,250}$/.test(alias) || alias === 'aws' || alias.startsWith('aws/')) {
    throw new DynamoDbKitError(
      `${scope.node.path}/${id}: alias must be 1-250 characters of a-z, A-Z, 0-9, '/', '_' and '-', without the 'alias/' prefix ` +
      `(which KMS adds), and not 'aws' or 'aws/...' (reserved for AWS managed keys), got '${alias}'`,
    );
  }
}
