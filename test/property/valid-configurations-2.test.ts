/**
 * The second shard of the valid configurations (test/property/valid-properties.ts), and the strict
 * configurations through all seven compliance plugins: a file of its own, so that jest's two
 * workers share the property tests.
 */
import { compliantConfigurations, validConfigurations } from './valid-properties';

describe('valid ProductionTable configurations (property-based), shard 2', () => {
  validConfigurations(1);
});

describe('strict ProductionTable configurations (property-based)', () => {
  compliantConfigurations();
});
