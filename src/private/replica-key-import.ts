import { Resource, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { DECRYPT_ACTIONS, ENCRYPT_ACTIONS } from './key-actions';

/**
 * A replica's key, imported into the table's stack, whose grants to a principal of the account name
 * it by its ARN in the principal's identity policy, whatever the principal's region.
 *
 * aws-kms's imported key decides by the stack it is imported into: for a principal whose stack is
 * in another region than the table's, even the replica's own region, it grants on "*" (KeyGrants
 * in aws-kms/lib/key-grants.js, unless the app sets `@aws-cdk/aws-kms:reduceCrossAccountRegionPolicyScope`).
 * A key imported by ARN has no key policy to change either way, and the library's keys let the
 * account's identities decide, so the ARN in the identity policy is the whole grant. Principals of
 * another account, or not made in the app, keep aws-kms's rules.
 */
export class ReplicaKeyImport extends Resource implements kms.IKey {
  public readonly keyArn: string;
  public readonly keyId: string;
  public readonly keyRef: kms.KeyReference;
  private readonly imported: kms.IKey;

  constructor(scope: Construct, id: string, keyArn: string) {
    super(scope, id, { environmentFromArn: keyArn });
    this.imported = kms.Key.fromKeyArn(this, 'Imported', keyArn);
    this.keyArn = this.imported.keyArn;
    this.keyId = this.imported.keyId;
    this.keyRef = this.imported.keyRef;
  }

  public grant(grantee: iam.IGrantable, ...actions: string[]): iam.Grant {
    if (!isPrincipalOfAccount(this, grantee)) {
      return this.imported.grant(grantee, ...actions);
    }
    return iam.Grant.addToPrincipal({ grantee, actions, resourceArns: [this.keyArn] });
  }

  public grantDecrypt(grantee: iam.IGrantable): iam.Grant {
    return this.grant(grantee, ...DECRYPT_ACTIONS);
  }

  public grantEncrypt(grantee: iam.IGrantable): iam.Grant {
    return this.grant(grantee, ...ENCRYPT_ACTIONS);
  }

  public grantEncryptDecrypt(grantee: iam.IGrantable): iam.Grant {
    return this.grant(grantee, ...DECRYPT_ACTIONS, ...ENCRYPT_ACTIONS);
  }

  // A replica's key encrypts a table: it neither signs nor makes MACs, and has no alias or policy to add to.
  public grantSign(grantee: iam.IGrantable): iam.Grant {
    return this.imported.grantSign(grantee);
  }

  public grantVerify(grantee: iam.IGrantable): iam.Grant {
    return this.imported.grantVerify(grantee);
  }

  public grantSignVerify(grantee: iam.IGrantable): iam.Grant {
    return this.imported.grantSignVerify(grantee);
  }

  public grantGenerateMac(grantee: iam.IGrantable): iam.Grant {
    return this.imported.grantGenerateMac(grantee);
  }

  public grantVerifyMac(grantee: iam.IGrantable): iam.Grant {
    return this.imported.grantVerifyMac(grantee);
  }

  public addAlias(alias: string): kms.Alias {
    return this.imported.addAlias(alias);
  }

  public addToResourcePolicy(statement: iam.PolicyStatement, allowNoOp?: boolean): iam.AddToResourcePolicyResult {
    return this.imported.addToResourcePolicy(statement, allowNoOp);
  }
}

/**
 * Whether `grantee` is a principal made in a stack of the account the key is imported into, both
 * accounts known at synth.
 */
function isPrincipalOfAccount(key: Construct, grantee: iam.IGrantable): boolean {
  if (!iam.principalIsOwnedResource(grantee.grantPrincipal)) {
    return false;
  }
  const keyAccount = Stack.of(key).account;
  const granteeAccount = Stack.of(grantee.grantPrincipal).account;
  return !Token.isUnresolved(keyAccount) && keyAccount === granteeAccount;
}
