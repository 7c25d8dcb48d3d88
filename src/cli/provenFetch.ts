// The `stdio` relay's fetch, over node:http (the SDK's transport takes any fetch) so that its
// connections are the proven ones of poolProof.ts: the relay lives as long as its client, and its
// window may close mid-session and another program take its port; a new connection to that
// program carries nothing but the proof's challenge.
import { type Agent, request as httpRequest } from 'node:http';
import { Readable } from 'node:stream';
import { provenAgent } from './poolProof';
import type { PoolTarget } from './poolLookup';

/** As fetch's own network errors: a TypeError whose cause carries the code (ECONNREFUSED, …). */
function networkError(e: Error): Error {
  if ((e as { code?: string }).code === 'unproven') return e;
  return Object.assign(new TypeError('fetch failed'), { cause: e });
}

/** A fetch for the pool at `target` over connections that each proved themselves (see above): `agent`'s, by default provenAgent(target). */
export function provenFetch(target: PoolTarget, agent: Agent = provenAgent(target)): typeof fetch {
  return (input, init) =>
    new Promise<Response>((resolve, reject) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      const method = init?.method ?? 'GET';
      const headers: Record<string, string> = {};
      new Headers(init?.headers).forEach((v, k) => (headers[k] = v));
      const body = typeof init?.body === 'string' ? init.body : undefined;
      if (init?.body != null && body === undefined) return reject(new TypeError('provenFetch sends text bodies only'));
      if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
      const req = httpRequest(url, { method, agent, headers, signal: init?.signal ?? undefined });
      req.on('error', (e) => reject(e.name === 'AbortError' ? e : networkError(e)));
      req.on('response', (res) => {
        const out = new Headers();
        for (const [k, v] of Object.entries(res.headers)) {
          if (Array.isArray(v)) for (const one of v) out.append(k, one);
          else if (v !== undefined) out.set(k, v);
        }
        const status = res.statusCode ?? 0;
        const empty = method === 'HEAD' || [101, 204, 205, 304].includes(status);
        if (empty) res.resume();
        resolve(new Response(empty ? null : (Readable.toWeb(res) as ReadableStream<Uint8Array>), { status, statusText: res.statusMessage, headers: out }));
      });
      req.end(body);
    });
}
