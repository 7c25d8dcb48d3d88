// A local caller without the token against the gateway's sockets (real sockets on 127.0.0.1, the
// real gateway in a host process of its own): refused requests whose body trickles, headers that
// never end, a flood of a thousand such sockets, and the host at its file descriptor limit.
import * as assert from 'node:assert/strict';
import { waitUntil } from '../../fixtures/processTable';
import { expectNoProcesses } from '../helpers';
import { type Attacker, authorisedCall, type Host, MB, slowLoris, startHost } from './attackKit';

describe('attacks: sockets held on the gateway without the token', function () {
  this.timeout(120_000);
  let host: Host | undefined;
  let attack: Attacker | undefined;
  afterEach(async () => {
    attack?.stop();
    attack = undefined;
    await host?.close();
    host = undefined;
    await expectNoProcesses();
  });

  it('a refused request closes its connection at once (its body is not waited for); headers that trickle close at the headers deadline', async () => {
    host = await startHost();
    assert.equal(await authorisedCall(host, 'warm'), 'warm');
    const base = host.fds();
    await host.stats();
    const before = process.hrtime.bigint();
    // 60 refused requests whose body trickles, 60 whose headers never end: under the cap on unproven connections
    attack = await slowLoris(host.port, 120, (i) => (i % 2 ? 'headers' : 'body'), { everyMs: 300 });
    const during = host.fds();
    await waitUntil(() => attack!.open() === 0, 20_000, `every socket closed (${attack.open()} open)`);
    const seconds = Number(process.hrtime.bigint() - before) / 1e9;
    const body = attack.closedAfter.filter((_, i) => i % 2 === 0) as number[];
    const headers = attack.closedAfter.filter((_, i) => i % 2 === 1) as number[];
    const stats = await host.stats();
    console.log(
      `   refused with a trickling body: closed after ${Math.max(...body)} ms at most; trickling headers: after ${(Math.min(...headers) / 1000).toFixed(1)}–${(Math.max(...headers) / 1000).toFixed(1)} s (headersTimeout 10 s); host descriptors ${base} → ${during} during → ${host.fds()} after; all closed in ${seconds.toFixed(1)} s; lag p99 ${stats.lagP99Ms.toFixed(0)} ms`,
    );
    assert.ok(Math.max(...body) < 3000, `a refused request's connection closes at once (${Math.max(...body)} ms)`);
    assert.ok(Math.max(...headers) < 15_000, `headers that trickle are cut off by the deadline (${Math.max(...headers)} ms)`);
    await waitUntil(() => host!.fds() <= base + 2, 5000, `the host's descriptors are back to ${base} (${host.fds()})`);
    assert.equal(await authorisedCall(host, 'after'), 'after');
  });

  it('a flood of 1000 sockets without the token holds at most maxUnprovenConnections descriptors; authorised calls succeed throughout', async () => {
    host = await startHost();
    assert.equal(await authorisedCall(host, 'warm'), 'warm');
    const base = host.fds();
    const rss0 = (await host.stats()).rss;
    let peak = base;
    const calls: { ok: boolean; ms: number; why?: string }[] = [];
    let flooding = true;
    const caller = (async () => {
      for (let i = 0; flooding && i < 400; i++) {
        const t0 = Date.now();
        await authorisedCall(host, `call ${i}`).then(
          (text) => calls.push({ ok: text === `call ${i}`, ms: Date.now() - t0 }),
          (e: Error) => calls.push({ ok: false, ms: Date.now() - t0, why: e.message }),
        );
        peak = Math.max(peak, host.fds());
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    const t0 = Date.now();
    attack = await slowLoris(host.port, 1000, (i) => (i % 4 ? 'headers' : 'body'), { perBatch: 100, pauseMs: 100, everyMs: 1000 });
    const opened = Date.now() - t0;
    for (let i = 0; i < 20; i++) {
      peak = Math.max(peak, host.fds());
      await new Promise((r) => setTimeout(r, 100));
    }
    const mid = await host.stats();
    await waitUntil(() => attack!.open() === 0, 20_000, `every attacking socket closed (${attack.open()} open)`);
    const closedIn = Date.now() - t0;
    flooding = false;
    await caller;
    const after = await host.stats();
    const failed = calls.filter((c) => !c.ok);
    const slowest = Math.max(...calls.map((c) => c.ms));
    console.log(
      `   1000 sockets without the token (opened in ${opened} ms): host descriptors ${base} → peak ${peak} → ${host.fds()} after; every socket closed ${(closedIn / 1000).toFixed(1)} s after the flood began; ` +
        `${calls.length - failed.length}/${calls.length} authorised calls succeeded meanwhile (slowest ${slowest} ms); host RSS ${(rss0 / MB).toFixed(0)} → ${(mid.rss / MB).toFixed(0)} MB; lag p99 ${mid.lagP99Ms.toFixed(0)} ms, max ${mid.lagMaxMs.toFixed(0)} ms; ` +
        `evicted ${after.counts.evicted}`,
    );
    assert.deepEqual(failed, [], 'every authorised call succeeded during the flood');
    assert.ok(calls.length >= 5, `calls were made during the flood (${calls.length})`);
    assert.ok(peak < base + 128 + 40, `the host held at most the cap of unproven connections (peak ${peak}, base ${base})`);
    assert.ok(closedIn < 20_000);
    assert.ok(mid.rss - rss0 < 100 * MB, `RSS grew ${((mid.rss - rss0) / MB).toFixed(0)} MB`);
    assert.match(host.log(), /connections without a valid token are open/);
  });
});

describe('attacks: the gateway host at its file descriptor limit (prlimit --nofile)', function () {
  this.timeout(120_000);
  let host: Host | undefined;
  let attack: Attacker | undefined;
  afterEach(async () => {
    attack?.stop();
    attack = undefined;
    await host?.close();
    host = undefined;
    await expectNoProcesses();
  });

  it("fits its connection caps to the descriptor limit: a flood never takes the pool's descriptors, authorised calls succeed throughout", async () => {
    const nofile = 100;
    host = await startHost({ nofile });
    assert.equal(await authorisedCall(host, 'warm'), 'warm');
    const base = host.fds();
    let peak = base;
    // more sockets than the host has descriptors left, headers never finished
    attack = await slowLoris(host.port, 150, () => 'headers', { perBatch: 30, pauseMs: 100, everyMs: 1000 });
    const results: string[] = [];
    for (let i = 0; i < 10; i++) {
      peak = Math.max(peak, host.fds());
      results.push(await authorisedCall(host, `during ${i}`, 5000).catch((e: Error) => `failed: ${e.message}`));
    }
    peak = Math.max(peak, host.fds());
    const stats = await host.stats();
    console.log(
      `   under --nofile=${nofile}: 150 sockets without the token; host descriptors ${base} → peak ${peak} (caps fitted to the limit: 12 unproven, 50 in all); ${results.filter((r) => r.startsWith('during')).length}/10 authorised calls succeeded meanwhile; evicted ${stats.counts.evicted}`,
    );
    assert.deepEqual(
      results.filter((r) => !r.startsWith('during')),
      [],
    );
    assert.ok(peak <= base + 12 + 4, `the flood held at most its share of the descriptors (peak ${peak}, base ${base})`);
  });

  it('at the descriptor limit (caps set above it): the host survives, calls meanwhile fail as a reset connection, and work again once the sockets are closed', async () => {
    const nofile = 100;
    host = await startHost({ nofile, limits: { maxUnprovenConnections: 10_000, maxConnections: 10_000 } });
    assert.equal(await authorisedCall(host, 'warm'), 'warm');
    const base = host.fds();
    attack = await slowLoris(host.port, 150, () => 'headers', { perBatch: 30, pauseMs: 100, everyMs: 1000 });
    await waitUntil(() => host!.fds() >= nofile - 1, 10_000, `the host reached its descriptor limit (${host.fds()} of ${nofile})`);
    const during = await authorisedCall(host, 'during', 3000).then(
      () => 'succeeded',
      (e: Error) => `failed: ${e.message}`,
    );
    attack.stop();
    const t0 = Date.now();
    await waitUntil(() => host!.fds() <= base + 2, 10_000, `descriptors freed (${host.fds()})`);
    assert.equal(await authorisedCall(host, 'after'), 'after', 'an authorised call works once the sockets are closed');
    const freed = Date.now() - t0;
    assert.equal(host.child.exitCode, null, 'the host is alive');
    assert.doesNotMatch(host.log(), /TypeError|Uncaught/);
    console.log(
      `   under --nofile=${nofile} with the caps set above it: descriptors ${base} → ${nofile} (the limit); an authorised call meanwhile ${during}; after the attack stopped: descriptors back in ${freed} ms, the next call succeeded`,
    );
  });
});
