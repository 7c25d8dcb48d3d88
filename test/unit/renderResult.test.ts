// Rendering tool outcomes for the output channel, and the media store that keeps images/audio.
// The last block renders a real result (the stdio fixture's `image` tool) into real files.
import * as assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CallOutcome, ContentItem } from '../../src/pool';
import { MAX_CHANNEL_CHARS, outcomeHeader, prettyJson, renderResult } from '../../src/results/renderResult';
import { extensionFor, MediaStore } from '../../src/results/mediaStore';
import { expectNoProcesses, makePool, stdioSpec } from './helpers';
import { tempDir } from './tempDirs';

function outcome(content: ContentItem[], extra: Partial<CallOutcome['result']> = {}, meta: Partial<Omit<CallOutcome, 'result'>> = {}): CallOutcome {
  return { result: { content, isError: false, ...extra }, durationMs: 42, coldStart: false, pid: 1234, ...meta };
}

const noSave = () => assert.fail('nothing should be saved');

describe('renderResult', () => {
  it('starts with a header: tool, duration, warm or cold start, pid', () => {
    const r = renderResult(outcome([{ type: 'text', text: 'hi' }]), { tool: 'echo', saveImage: noSave });
    assert.deepEqual(r.lines, ['✔ echo · 42 ms · warm · pid 1234', 'hi']);
    assert.equal(outcomeHeader('echo', outcome([], {}, { coldStart: true, durationMs: 2345, pid: undefined })), '✔ echo · 2.35 s · cold start');
    assert.equal(outcomeHeader('echo', outcome([], {}, { durationMs: 61_000 })), '✔ echo · 1 min 1 s · warm · pid 1234');
  });

  it('pretty-prints text that is JSON, leaves other text alone', () => {
    const r = renderResult(
      outcome([
        { type: 'text', text: '{"a":1,"b":[2]}' },
        { type: 'text', text: 'line 1\nline 2' },
      ]),
      { tool: 't', saveImage: noSave },
    );
    assert.deepEqual(r.lines.slice(1), ['{', '  "a": 1,', '  "b": [', '    2', '  ]', '}', 'line 1', 'line 2']);
    assert.equal(prettyJson('{ not json }'), undefined);
    assert.equal(prettyJson('42'), undefined, 'only objects and arrays are reformatted');
  });

  it('saves images and audio through the callback and names the file', () => {
    const saved: { data: Buffer; mime: string }[] = [];
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47]);
    const r = renderResult(
      outcome([
        { type: 'image', data: png.toString('base64'), mimeType: 'image/png' },
        { type: 'audio', data: Buffer.from('RIFF').toString('base64'), mimeType: 'audio/wav' },
      ]),
      {
        tool: 't',
        saveImage: (data, mime) => {
          saved.push({ data, mime });
          return `/tmp/file-${saved.length}`;
        },
      },
    );
    assert.deepEqual(r.lines.slice(1), ['image (image/png, 4 B): /tmp/file-1', 'audio (audio/wav, 4 B): /tmp/file-2']);
    assert.deepEqual(saved[0].data, png);
    assert.equal(saved[1].mime, 'audio/wav');
  });

  it('says when an image cannot be saved or has no data', () => {
    const r = renderResult(
      outcome([
        { type: 'image', data: 'AAAA', mimeType: 'image/png' },
        { type: 'image', mimeType: 'image/gif' },
      ]),
      {
        tool: 't',
        saveImage: () => {
          throw new Error('disk full');
        },
      },
    );
    assert.deepEqual(r.lines.slice(1), ['image (image/png, 3 B): could not be saved: disk full', 'image (image/gif): no data']);
  });

  it('shows resource links and embedded resources (text or binary size)', () => {
    const r = renderResult(
      outcome([
        { type: 'resource_link', uri: 'file:///x/pixel.png', name: 'pixel.png', mimeType: 'image/png', description: 'a pixel' },
        { type: 'resource', resource: { uri: 'mem://a.json', mimeType: 'application/json', text: '{"k":true}' } },
        { type: 'resource', resource: { uri: 'mem://b.bin', blob: Buffer.alloc(10).toString('base64') } },
      ]),
      { tool: 't', saveImage: noSave },
    );
    assert.deepEqual(r.lines.slice(1), [
      'link pixel.png: file:///x/pixel.png (image/png) — a pixel',
      'resource mem://a.json (application/json):',
      '{',
      '  "k": true',
      '}',
      'resource mem://b.bin: (binary, 10 bytes)',
    ]);
  });

  it('prints structured content under a heading, or notes that the text showed it already', () => {
    const own = renderResult(outcome([{ type: 'text', text: 'done' }], { structuredContent: { n: 1 } }), { tool: 't', saveImage: noSave });
    assert.deepEqual(own.lines.slice(1), ['done', 'structured content:', '{', '  "n": 1', '}']);
    const same = renderResult(outcome([{ type: 'text', text: '{"n":1}' }], { structuredContent: { n: 1 } }), { tool: 't', saveImage: noSave });
    assert.deepEqual(same.lines.slice(-1), ['structured content: same as the text above']);
  });

  it('marks tool errors clearly', () => {
    const r = renderResult(outcome([{ type: 'text', text: 'boom' }], { isError: true }), { tool: 'fail', saveImage: noSave });
    assert.equal(r.isError, true);
    assert.deepEqual(r.lines, ['✖ fail · 42 ms · warm · pid 1234', '✖ tool reported an error', 'boom']);
  });

  it('handles no content and unknown content types', () => {
    assert.deepEqual(renderResult(outcome([]), { tool: 't', saveImage: noSave }).lines.slice(1), ['(no content)']);
    assert.deepEqual(renderResult(outcome([{ type: 'hologram', x: 1 }]), { tool: 't', saveImage: noSave }).lines.slice(1), [
      '(content of unsupported type "hologram": {"type":"hologram","x":1})',
    ]);
  });

  it('cuts huge text for the channel, says how much, keeps later items and the full text', () => {
    const big = 'x'.repeat(MAX_CHANNEL_CHARS + 5000);
    const r = renderResult(
      outcome([
        { type: 'text', text: big },
        { type: 'resource_link', uri: 'u://1', name: 'after' },
      ]),
      { tool: 'big', saveImage: noSave },
    );
    assert.equal(r.truncated, true);
    assert.equal(r.cutChars, 5000);
    assert.equal(r.lines[1].length, MAX_CHANNEL_CHARS);
    assert.equal(r.lines[2], '… 5,000 more characters not shown (205 KB in all)');
    assert.equal(r.lines[3], 'link after: u://1', 'items after the cut are still listed');
    assert.match(r.lines[4], /^✂ the result was cut to 200 KB for this channel \(5,000 characters left out\)$/);
    assert.ok(r.fullText?.includes(big));
    const total = r.lines.join('\n').length;
    assert.ok(total < MAX_CHANNEL_CHARS + 1000, `channel text stays near the budget (${total})`);
  });

  it('shares the budget between several text items', () => {
    const r = renderResult(
      outcome([
        { type: 'text', text: 'a'.repeat(60) },
        { type: 'text', text: 'b'.repeat(60) },
        { type: 'text', text: 'c'.repeat(10) },
      ]),
      { tool: 't', saveImage: noSave, maxChars: 100 },
    );
    assert.deepEqual(r.lines.slice(1, 5), [
      'a'.repeat(60),
      'b'.repeat(40),
      '… 20 more characters not shown (60 B in all)',
      '… 10 more characters not shown (10 B in all)',
    ]);
    assert.equal(r.cutChars, 30);
    const small = renderResult(outcome([{ type: 'text', text: 'ok' }]), { tool: 't', saveImage: noSave, maxChars: 100 });
    assert.equal(small.truncated, false);
    assert.equal(small.fullText, undefined);
  });
});

describe('MediaStore', () => {
  let dir: string;
  beforeEach(() => {
    dir = join(tempDir('media-'), 'images');
  });

  it('writes unique files named after app and tool, with an extension from the MIME type', () => {
    const store = new MediaStore(dir);
    const a = store.save(Buffer.from('one'), 'image/png', ['my app', 'shot/1']);
    const b = store.save(Buffer.from('two'), 'image/png', ['my app', 'shot/1']);
    assert.notEqual(a, b);
    assert.match(a, /my_app-shot_1-\d{8}-\d{6}-\d{3}-1\.png$/);
    assert.equal(readFileSync(a, 'utf8'), 'one');
    assert.equal(readFileSync(b, 'utf8'), 'two');
  });

  it('maps MIME types to extensions', () => {
    assert.equal(extensionFor('image/jpeg'), 'jpg');
    assert.equal(extensionFor('image/svg+xml'), 'svg');
    assert.equal(extensionFor('audio/x-wav'), 'wav');
    assert.equal(extensionFor('image/avif'), 'avif');
    assert.equal(extensionFor('audio/x-custom'), 'custom');
    assert.equal(extensionFor('garbage'), 'bin');
  });

  it('keeps only the newest 200 files', () => {
    const store = new MediaStore(dir);
    store.save(Buffer.from('x'), 'image/png', ['seed']);
    for (let i = 0; i < 205; i++) {
      const p = join(dir, `old-${i}.png`);
      writeFileSync(p, 'x');
      utimesSync(p, new Date(2000, 0, 1), new Date(2000, 0, 1, 0, 0, i));
    }
    const newest = store.save(Buffer.from('y'), 'image/png', ['new']);
    const left = readdirSync(dir);
    assert.equal(left.length, 200);
    assert.ok(existsSync(newest));
    assert.ok(!left.includes('old-0.png'), 'the oldest went first');
  });
});

describe('renderResult: a real image result (stdio fixture)', () => {
  it('saves the PNG the server sent and names it, plus the resource link', async () => {
    const pool = makePool();
    const dir = tempDir('media-real-');
    try {
      await pool.configure([stdioSpec('render')]);
      const result = await pool.callTool('render', 'image', {});
      const r = renderResult(result, { tool: 'image', saveImage: (data, mime) => new MediaStore(dir).save(data, mime, ['render', 'image']) });
      assert.match(r.lines[0], /^✔ image · \d+ ms · cold start · pid \d+$/);
      const path = /^image \(image\/png, \d+ B\): (.+\.png)$/.exec(r.lines[1])?.[1];
      assert.ok(path && existsSync(path), r.lines[1]);
      assert.deepEqual([...readFileSync(path).subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47], 'a PNG signature');
      assert.equal(r.lines[2], 'link pixel.png: file:///fixture/pixel.png (image/png) — The same pixel, as a link');
    } finally {
      await pool.shutdown();
      pool.dispose();
      await expectNoProcesses();
    }
  });
});
