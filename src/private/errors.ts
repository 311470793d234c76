import { IConstruct } from 'constructs';

/**
 * The error the library throws for input it refuses at synth.
 *
 * aws-cdk-lib's own `ValidationError` is internal, so the library has its own. The message names
 * the property, the value and what is allowed, and, like `ValidationError`, the construct that
 * refused it: with twenty tables, the path says which one is wrong.
 */
export class DynamoDbKitError extends Error {
  /** The path of the construct that refused the input, when it is known. */
  public readonly constructPath?: string;

  /**
   * @param message what is wrong, naming the property, the value and what is allowed
   * @param scope the construct that refuses the input, or the path it is being made at
   */
  constructor(message: string, scope?: IConstruct | string) {
    const path = typeof scope === 'string' ? scope : scope?.node.path;
    super(path === undefined || path === '' || message.includes(path) ? message : `${path}: ${message}`);
    this.name = 'DynamoDbKitError';
    this.constructPath = path;
    Object.setPrototypeOf(this, DynamoDbKitError.prototype);
  }
}

/**
 * Runs `check`, and gives any `DynamoDbKitError` it throws without a construct path the path of the
 * construct that refuses the input: `scope`, or the path a construct is being made at (validation
 * that runs before `super()`).
 */
export function refusedAt<T>(scope: IConstruct | string, check: () => T): T {
  try {
    return check();
  } catch (error) {
    if (error instanceof DynamoDbKitError && error.constructPath === undefined) {
      throw new DynamoDbKitError(error.message, scope);
    }
    throw error;
  }
}
