// Secret-looking argument names (masked in logs, never remembered) and the memory of last-used
// arguments per app and tool. The store is a small in-memory Memento (the real one needs the editor).
import * as assert from 'node:assert/strict';
import { ArgumentMemory, type MementoLike } from '../../src/invoke/argumentMemory';
import { ARGUMENT_MEMORY_KEY } from '../../src/manifest/storage';
import { isSecretName, maskSecrets, SECRET_MASK, withoutSecrets } from '../../src/invoke/secretArgs';

/** In-memory stand-in for vscode.Memento (named as such: a fake). */
class FakeMemento implements MementoLike {
  readonly data = new Map<string, unknown>();
  get<T>(key: string): T | undefined {
    return this.data.get(key) as T | undefined;
  }
  async update(key: string, value: unknown): Promise<void> {
    this.data.set(key, JSON.parse(JSON.stringify(value)));
  }
}

describe('secretArgs', () => {
  it('recognizes secret-looking names', () => {
    for (const name of [
      'token',
      'accessToken',
      'access_token',
      'password',
      'PASSWORD',
      'clientSecret',
      'secret',
      'apiKey',
      'api_key',
      'x-api-key',
      'API_KEY',
      'privateKey',
      'key',
      'credentials',
      'authorization',
      'sessionKey',
    ]) {
      assert.equal(isSecretName(name), true, name);
    }
  });

  it('leaves ordinary names alone (keys that are ids, tokens that are cursors)', () => {
    for (const name of [
      'query',
      'issueKey',
      'sortKey',
      'keyword',
      'keywords',
      'monkey',
      'maxTokens',
      'max_tokens',
      'nextPageToken',
      'pageToken',
      'tokenizer',
      'author',
      'count',
    ]) {
      assert.equal(isSecretName(name), false, name);
    }
  });

  it('masks secret values at any depth, keeping the rest', () => {
    const args = { q: 'x', token: 'abc', auth: { password: 'p', user: 'u' }, list: [{ apiKey: 'k' }], empty: { secret: '' } };
    assert.deepEqual(maskSecrets(args), {
      q: 'x',
      token: SECRET_MASK,
      auth: { password: SECRET_MASK, user: 'u' },
      list: [{ apiKey: SECRET_MASK }],
      empty: { secret: '' },
    });
    assert.equal(args.token, 'abc', 'the original is not changed');
  });

  it('drops secret values at any depth', () => {
    assert.deepEqual(withoutSecrets({ q: 'x', token: 'abc', nested: { clientSecret: 's', keep: 1 } }), { q: 'x', nested: { keep: 1 } });
  });
});

describe('ArgumentMemory', () => {
  it('remembers the last arguments per app and tool, without secrets', async () => {
    const store = new FakeMemento();
    const memory = new ArgumentMemory(store);
    assert.equal(memory.get('a', 'search'), undefined);
    await memory.remember('a', 'search', { query: 'cats', limit: 5, apiKey: 'sk-live-123' });
    await memory.remember('b', 'search', { query: 'dogs' });
    assert.deepEqual(memory.get('a', 'search'), { query: 'cats', limit: 5 });
    assert.deepEqual(memory.get('b', 'search'), { query: 'dogs' });
    assert.ok(!JSON.stringify([...store.data.values()]).includes('sk-live-123'), 'the secret never reaches the store');
    await memory.remember('a', 'search', { query: 'birds' });
    assert.deepEqual(memory.get('a', 'search'), { query: 'birds' });
  });

  it('survives a new instance over the same store, and junk in it', async () => {
    const store = new FakeMemento();
    await new ArgumentMemory(store).remember('a', 't', { n: 1 });
    assert.deepEqual(new ArgumentMemory(store).get('a', 't'), { n: 1 });
    store.data.set(ARGUMENT_MEMORY_KEY, 'garbage');
    assert.equal(new ArgumentMemory(store).get('a', 't'), undefined);
  });

  it('does not keep huge arguments, and forgets the least recently used beyond 200 tools', async () => {
    const store = new FakeMemento();
    const memory = new ArgumentMemory(store);
    await memory.remember('a', 'huge', { text: 'x'.repeat(40_000) });
    assert.equal(memory.get('a', 'huge'), undefined);
    for (let i = 0; i < 205; i++) {
      await memory.remember('a', `t${i}`, { i });
      await new Promise((r) => setImmediate(r));
    }
    const entries = store.get<Record<string, unknown>>(ARGUMENT_MEMORY_KEY)!;
    assert.equal(Object.keys(entries).length, 200);
    assert.deepEqual(memory.get('a', 't204'), { i: 204 });
    for (let i = 0; i < 5; i++) assert.equal(memory.get('a', `t${i}`), undefined, `t${i}, one of the 5 oldest, is forgotten`);
    assert.deepEqual(memory.get('a', 't5'), { i: 5 });
  });
});
