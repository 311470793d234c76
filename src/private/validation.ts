import { Duration, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { DynamoDbKitError } from './errors';

// Limits from the DynamoDB developer guide, "Quotas in Amazon DynamoDB" (naming rules, attributes).
const NAME_PATTERN = /^[a-zA-Z0-9_.-]+$/;
const NAME_MIN = 3;
const NAME_MAX = 255;
const ATTRIBUTE_NAME_MAX_BYTES = 255;

/**
 * Table and index names: 3-255 characters of a-z, A-Z, 0-9, '_', '-' and '.'.
 */
export function validateResourceName(property: string, name: string | undefined): void {
  if (name === undefined || Token.isUnresolved(name)) {
    return;
  }
  if (name.length < NAME_MIN || name.length > NAME_MAX || !NAME_PATTERN.test(name)) {
    throw new DynamoDbKitError(
      `${property} must be ${NAME_MIN}-${NAME_MAX} characters of a-z, A-Z, 0-9, '_', '-' and '.', got '${name}'`,
    );
  }
}

/**
 * Key attribute names: 1-255 bytes of UTF-8.
 */
export function validateKeyAttributeName(property: string, name: string): void {
  if (Token.isUnresolved(name)) {
    return;
  }
  const bytes = Buffer.byteLength(name, 'utf8');
  if (bytes < 1 || bytes > ATTRIBUTE_NAME_MAX_BYTES) {
    throw new DynamoDbKitError(
      `${property} must be 1-${ATTRIBUTE_NAME_MAX_BYTES} bytes of UTF-8, got ${bytes} bytes ('${truncate(name)}')`,
    );
  }
}

/**
 * A key schema whose sort key is named like its partition key cannot be created.
 */
export function validateDistinctKeys(property: string, partitionKeys: string[], sortKeys: string[]): void {
  const clash = sortKeys.find(name => !Token.isUnresolved(name) && partitionKeys.includes(name));
  if (clash !== undefined) {
    throw new DynamoDbKitError(
      `${property} must differ from the partition key's name, got '${clash}' for both`,
    );
  }
}

/**
 * An integer in [min, max]. Tokens pass through.
 */
export function validateRange(property: string, value: number | undefined, min: number, max: number, unit = '', scope?: IConstruct): void {
  if (value === undefined || Token.isUnresolved(value)) {
    return;
  }
  if (!Number.isInteger(value) || value < min || value > max) {
    const suffix = unit ? ` ${unit}` : '';
    throw new DynamoDbKitError(`${property} must be an integer between ${min} and ${max}${suffix}, got ${value}`, scope);
  }
}

function truncate(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}...` : text;
}

/**
 * A duration in [minSeconds, maxSeconds], named in the message with the unit a user thinks in.
 * Tokens pass through.
 */
export function validateDuration(property: string, value: Duration | undefined, minSeconds: number, maxSeconds: number, scope?: IConstruct): void {
  if (value === undefined || value.isUnresolved()) {
    return;
  }
  const seconds = value.toSeconds({ integral: false });
  if (seconds < minSeconds || seconds > maxSeconds) {
    throw new DynamoDbKitError(
      `${property} must be between ${describeSeconds(minSeconds)} and ${describeSeconds(maxSeconds)}, got ${value.toHumanString()}`,
      scope,
    );
  }
}

function describeSeconds(seconds: number): string {
  const [amount, unit] = seconds >= 3600 && seconds % 3600 === 0 ? [seconds / 3600, 'hour']
    : seconds >= 60 && seconds % 60 === 0 ? [seconds / 60, 'minute']
      : [seconds, 'second'];
  return `${amount} ${unit}${amount === 1 ? '' : 's'}`;
}

/**
 * An email address that SNS can confirm: one '@', no whitespace, a non-empty local part and a
 * domain. Tokens pass through.
 */
export function validateEmail(property: string, value: unknown, scope?: IConstruct): void {
  if (typeof value === 'string' && Token.isUnresolved(value)) {
    return;
  }
  const parts = typeof value === 'string' ? value.split('@') : [];
  if (parts.length !== 2 || parts[0] === '' || parts[1] === '' || /\s/.test(value as string)) {
    throw new DynamoDbKitError(`${property} must be an email address (local-part@domain), got ${describe(value)}`, scope);
  }
}

/**
 * An HTTPS URL: it parses as a WHATWG URL with the `https:` scheme and a host. aws-cdk-lib picks a
 * subscription's protocol from the URL, so an `http://` URL would subscribe in plain text. Tokens
 * pass through.
 */
export function validateHttpsUrl(property: string, value: unknown, scope?: IConstruct): void {
  if (typeof value === 'string' && Token.isUnresolved(value)) {
    return;
  }
  let url: URL | undefined;
  try {
    url = typeof value === 'string' ? new URL(value) : undefined;
  } catch {
    url = undefined;
  }
  if (url === undefined || url.protocol !== 'https:' || url.hostname === '') {
    throw new DynamoDbKitError(`${property} must be an https:// URL with a host, got ${describe(value)}`, scope);
  }
}

/** A value as a message shows it: strings quoted, everything else as JSON or its type. */
export function describe(value: unknown): string {
  if (typeof value === 'string') {
    return `'${truncate(value)}'`;
  }
  if (typeof value === 'number' || typeof value === 'boolean' || value === null || value === undefined) {
    return String(value);
  }
  try {
    return truncate(JSON.stringify(value));
  } catch {
    return typeof value;
  }
}
