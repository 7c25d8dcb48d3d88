// Sampling consent per app: remembered in a Memento-like store, revocable, nothing else touched.
import * as assert from 'node:assert/strict';
import { SamplingConsent } from '../../src/clientFeatures/samplingConsent';

class MapMemento {
  readonly data = new Map<string, unknown>();
  get<T>(key: string): T | undefined {
    return this.data.get(key) as T | undefined;
  }
  update(key: string, value: unknown): Promise<void> {
    this.data.set(key, value);
    return Promise.resolve();
  }
}

describe('sampling consent', () => {
  it('is per app, remembered across instances and revocable', async () => {
    const store = new MapMemento();
    const consent = new SamplingConsent(store);
    assert.equal(consent.allowed('github'), false);
    await consent.allow('github');
    await consent.allow('github');
    assert.equal(new SamplingConsent(store).allowed('github'), true, 'remembered');
    assert.equal(consent.allowed('jira'), false, 'only that app');
    assert.equal(await consent.revoke('github'), true);
    assert.equal(await consent.revoke('github'), false, 'nothing left to revoke');
    assert.equal(consent.allowed('github'), false);
  });

  it('ignores a corrupted store', () => {
    const store = new MapMemento();
    store.data.set('mcpPool.samplingConsent', { not: 'a list' });
    assert.equal(new SamplingConsent(store).allowed('github'), false);
    store.data.set('mcpPool.samplingConsent', ['github', 42, null]);
    assert.equal(new SamplingConsent(store).allowed('github'), true);
  });
});
