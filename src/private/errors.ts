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
   * @param scope the construct that refuses the input (or the one it would have been made in)
   */
  constructor(message: string, scope?: IConstruct) {
    const path = scope?.node.path;
    super(path === undefined || path === '' || message.includes(path) ? message : `${path}: ${message}`);
    this.name = 'DynamoDbKitError';
    this.constructPath = path;
    Object.setPrototypeOf(this, DynamoDbKitError.prototype);
  }
}
