// The links of recent results (what "Open Resource from a Result…" offers) and a prompt's messages
// as the output channel and a Markdown document show them; the last block renders a real prompt
// (the stdio fixture's kitchen_sink: every content kind) into real files.
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { MediaStore } from '../../src/results/mediaStore';
import type { ContentItem, Pool, PromptResult } from '../../src/pool';
import { renderPrompt } from '../../src/results/renderPrompt';
import { isWebLink, linkLabel, linkOf, linksHint, linksIn, ResultLinks } from '../../src/results/resultLinks';
import { tinyPng } from '../fixtures/tinyPng';
import { expectNoProcesses, makePool, stdioSpec } from './helpers';
import { tempDir } from './tempDirs';

const link = (uri: string, name = uri): ContentItem => ({ type: 'resource_link', uri, name });
const embedded = (uri: string, body: { text?: string; blob?: string }, mimeType = 'text/plain'): ContentItem => ({
  type: 'resource',
  resource: { uri, mimeType, ...body },
});

describe('result links', () => {
  it('finds resource_link and embedded resource items, with what is needed to open them', () => {
    const items: ContentItem[] = [
      { type: 'text', text: 'see below' },
      { type: 'resource_link', uri: 'fixture://counter', name: 'counter', title: 'The counter', mimeType: 'text/plain', description: 'counts' },
      embedded('fixture://text/hello', { text: 'Hello' }),
      embedded('fixture://blob/pixel.png', { blob: 'AAAA' }, 'image/png'),
      { type: 'resource_link', name: 'no uri' },
      { type: 'image', data: 'AAAA', mimeType: 'image/png' },
    ];
    const links = linksIn(items);
    assert.deepEqual(
      links.map((l) => [l.uri, l.embedded]),
      [
        ['fixture://counter', false],
        ['fixture://text/hello', true],
        ['fixture://blob/pixel.png', true],
      ],
    );
    assert.deepEqual(links[0], {
      uri: 'fixture://counter',
      name: 'counter',
      title: 'The counter',
      description: 'counts',
      mimeType: 'text/plain',
      embedded: false,
    });
    assert.deepEqual(links[1].contents, { uri: 'fixture://text/hello', mimeType: 'text/plain', text: 'Hello' });
    assert.deepEqual(links[2].contents, { uri: 'fixture://blob/pixel.png', mimeType: 'image/png', blob: 'AAAA' });
    assert.equal(linkLabel(links[0]), 'The counter');
    assert.equal(linkLabel(links[1]), 'fixture://text/hello');
    assert.equal(isWebLink(linkOf(link('https://example.com/doc'))!), true);
    assert.equal(isWebLink(links[0]), false);
    assert.equal(linksHint(1), '↗ a resource link in this result: "MCP Pool: Open Resource from a Result…" opens it');
    assert.match(linksHint(3), /^↗ 3 resource links in this result: .* opens them$/);
  });

  it('does not keep huge embedded contents in memory: such a link is read from its app', () => {
    const big = linkOf(embedded('fixture://big', { text: 'x'.repeat(9 * 1024 * 1024) }))!;
    assert.equal(big.contents, undefined);
    assert.equal(big.embedded, true);
  });

  it('remembers links per app, newest result first (in a result, in its order), the last 10 results of each app', () => {
    const links = new ResultLinks();
    let changes = 0;
    links.onDidChange(() => changes++);
    assert.deepEqual(links.record('a', 'tool plain', [{ type: 'text', text: 'x' }]), []);
    assert.equal(changes, 0, 'a result without links changes nothing');
    links.record('a', 'tool one', [link('u://1'), link('u://2')], 1000);
    links.record('b', 'prompt two', [link('u://3')], 2000);
    links.record('a', 'tool three', [link('u://4')], 3000);
    assert.deepEqual(
      links.latest().map((l) => `${l.app}:${l.source}:${l.uri}`),
      ['a:tool three:u://4', 'b:prompt two:u://3', 'a:tool one:u://1', 'a:tool one:u://2'],
    );
    assert.equal(links.size, 4);
    assert.equal(changes, 3);
    for (let i = 0; i < 12; i++) links.record('a', `tool t${i}`, [link(`u://a${i}`)]);
    const ofA = links.latest().filter((l) => l.app === 'a');
    assert.equal(ofA.length, 10);
    assert.equal(ofA[0].uri, 'u://a11');
    assert.ok(
      links.latest().some((l) => l.app === 'b'),
      "another app's links stay",
    );
    links.retain(new Set(['b']));
    assert.deepEqual(
      links.latest().map((l) => l.uri),
      ['u://3'],
    );
  });

  it('keeps at most 50 links per app', () => {
    const links = new ResultLinks();
    for (let i = 0; i < 3; i++)
      links.record(
        'a',
        'tool many',
        Array.from({ length: 30 }, (_, n) => link(`u://${i}/${n}`)),
      );
    assert.equal(links.size, 30, 'older results dropped to stay under 50');
    links.record(
      'a',
      'tool huge',
      Array.from({ length: 80 }, (_, n) => link(`u://h/${n}`)),
    );
    assert.equal(links.size, 50);
  });
});

describe('prompt rendering', () => {
  const result: PromptResult = {
    description: 'Review of python code',
    messages: [
      { role: 'user', content: { type: 'text', text: 'Please review:\n{"a":1}' } },
      { role: 'assistant', content: { type: 'image', data: tinyPng(), mimeType: 'image/png' } },
      { role: 'user', content: embedded('fixture://text/hello', { text: 'Hello from the fixture' }) },
      { role: 'user', content: embedded('fixture://blob/pixel.png', { blob: tinyPng() }, 'image/png') },
      {
        role: 'assistant',
        content: { type: 'resource_link', uri: 'fixture://counter', name: 'counter', mimeType: 'text/plain', description: 'A link to the counter' },
      },
    ],
  };

  it('writes a header, each message under its role, media saved once and named in both renderings', () => {
    const saved: string[] = [];
    const r = renderPrompt(result, {
      app: 'notes',
      prompt: 'review',
      args: { language: 'python' },
      durationMs: 12,
      saveMedia: (_data, mime) => {
        saved.push(mime);
        return `/tmp/media-${saved.length}.png`;
      },
    });
    assert.deepEqual(saved, ['image/png', 'image/png']);
    assert.deepEqual(r.lines, [
      '✔ prompt review · 12 ms · 5 messages · {"language":"python"}',
      'Review of python code',
      '── user ──',
      'Please review:',
      '{"a":1}',
      '── assistant ──',
      'image (image/png, 70 B): /tmp/media-1.png',
      '── user ──',
      'resource fixture://text/hello (text/plain):',
      'Hello from the fixture',
      '── user ──',
      'resource fixture://blob/pixel.png (image/png): binary, 70 B, saved: /tmp/media-2.png',
      '── assistant ──',
      'link counter: fixture://counter (text/plain) — A link to the counter',
    ]);
    assert.equal(r.linkCount, 3);
    assert.match(
      r.markdown,
      /^# review — notes\n\n_Review of python code_\n\nArguments: `language` = python\n\n## user\n\nPlease review:\n\{"a":1\}\n\n## assistant\n\n!\[image\/png\]\(<file:\/\/\/tmp\/media-1\.png>\)/,
    );
    assert.match(r.markdown, /\*\*Resource\*\* `fixture:\/\/text\/hello` \(text\/plain\)\n\n```text\nHello from the fixture\n```/);
    assert.match(r.markdown, /binary, saved as <file:\/\/\/tmp\/media-2\.png>/);
    assert.match(r.markdown, /\*\*Link\*\* \[counter\]\(<fixture:\/\/counter>\) \(text\/plain\) — A link to the counter\n$/);
  });

  it('cuts huge texts for the channel (never for the document), and says when there are no messages', () => {
    const big: PromptResult = { messages: [{ role: 'user', content: { type: 'text', text: 'x'.repeat(500) } }] };
    const r = renderPrompt(big, { app: 'a', prompt: 'p', args: {}, durationMs: 1, saveMedia: () => assert.fail('nothing to save'), maxChars: 100 });
    assert.equal(r.lines[2], 'x'.repeat(100));
    assert.equal(r.lines[3], '… 400 more characters not shown');
    assert.match(r.lines[4], /^✂ the messages were cut to 100 B for this channel: open them as Markdown for all of it$/);
    assert.ok(r.markdown.includes('x'.repeat(500)));
    assert.deepEqual(renderPrompt({ messages: [] }, { app: 'a', prompt: 'p', args: {}, durationMs: 1, saveMedia: () => '' }).lines, [
      '✔ prompt p · 1 ms · 0 messages',
      '(no messages)',
    ]);
  });

  describe('a real prompt (stdio fixture, kitchen_sink)', function () {
    this.timeout(30_000);
    let pool: Pool;
    before(async () => {
      pool = makePool();
      await pool.configure([stdioSpec('sink', { FIXTURE_FEATURES: '1' })]);
    });
    after(async () => {
      await pool.shutdown();
      pool.dispose();
      await expectNoProcesses();
    });

    it('saves the image, the audio and the embedded blob into real files, and names each link', async () => {
      const got = await pool.getPrompt('sink', 'kitchen_sink', { topic: 'pools' });
      const media = new MediaStore(tempDir('prompt-media-'));
      const r = renderPrompt(got, {
        app: 'sink',
        prompt: 'kitchen_sink',
        args: { topic: 'pools' },
        durationMs: 5,
        saveMedia: (data, mime) => media.save(data, mime, ['sink', 'kitchen_sink']),
      });
      const files = [...r.markdown.matchAll(/<(file:\/\/[^>]+)>/g)].map((m) => fileURLToPath(m[1]));
      assert.equal(files.length, 3, r.markdown);
      assert.deepEqual(
        files.map((f) => f.split('.').pop()),
        ['png', 'wav', 'png'],
      );
      for (const f of files) assert.ok(existsSync(f), f);
      assert.deepEqual(readFileSync(files[0]), Buffer.from(tinyPng(), 'base64'));
      assert.ok(r.lines.includes('Tell me about pools'));
      assert.ok(r.lines.includes('link counter: fixture://counter (text/plain) — A link to the counter'));
      assert.equal(r.linkCount, 3);
      const links = new ResultLinks().record(
        'sink',
        'prompt kitchen_sink',
        got.messages.map((m) => m.content),
      );
      assert.deepEqual(
        links.map((l) => l.uri),
        ['fixture://text/hello', 'fixture://blob/pixel.png', 'fixture://counter'],
      );
    });
  });
});
