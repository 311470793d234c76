import { Construct } from 'constructs';
import { DynamoDbKitError } from './errors';

/**
 * The construct shared by everything under `parent` (one per stack, one per VPC): found by its
 * fixed id, made on first use. Its id is fixed forever, because a renamed id replaces resources.
 *
 * @param tooLate when the caller brings configuration, the error to throw if the construct exists
 * already, since configuration is taken only when it is made
 */
export function sharedConstruct<T extends Construct>(
  parent: Construct,
  id: string,
  // The shared classes keep their constructors private, so `type` is typed by its prototype.
  type: { readonly prototype: T; readonly name: string },
  create: () => T,
  tooLate?: string,
): T {
  const existing = parent.node.tryFindChild(id);
  if (existing === undefined) {
    return create();
  }
  if (type.prototype.isPrototypeOf(existing)) {
    if (tooLate !== undefined) {
      throw new DynamoDbKitError(tooLate, existing);
    }
    return existing as T;
  }
  throw new DynamoDbKitError(
    `${parent.node.path}/${id} is reserved for the library's shared ${type.name}, but another construct uses that id; rename it`,
    existing,
  );
}
