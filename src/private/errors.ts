/**
 * The error the library throws for input it refuses at synth.
 *
 * aws-cdk-lib's own `ValidationError` is internal, so the library has its own. The message always
 * names the property, the value and what is allowed.
 */
export class DynamoDbKitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DynamoDbKitError';
    Object.setPrototypeOf(this, DynamoDbKitError.prototype);
  }
}
