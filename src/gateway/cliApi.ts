// The CLI's plain-HTTP API (contract/protocol.ts): one request per `mcp-pool` command, answered from the
// pool directly. A call streams NDJSON (progress lines, then the result) and is cancelled when
// its connection closes before the result (Ctrl+C on the CLI).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { PoolError, type Pool } from '../pool';
import { toApiError } from './poolErrors';
import { type ApiError, appFromPath, type PoolStatus } from '../contract/protocol';

export interface CliApiHost {
  readonly pool: Pool;
  status(): PoolStatus;
  readBody(req: IncomingMessage): Promise<unknown>;
}

const ROUTE = /^\/v1\/apps\/([^/]+)\/(tools|call|resources|read|prompts|prompt)$/;

export async function serveCliApi(host: CliApiHost, req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
  const { pool } = host;
  try {
    if (path === '/v1/pool' && req.method === 'GET') return json(res, 200, host.status());
    const m = ROUTE.exec(path);
    if (!m) return fail(res, 404, { code: 'not-found', message: `no such route: ${req.method ?? ''} ${path}` });
    const app = appFromPath(m[1]);
    if (app === undefined) return fail(res, 400, { code: 'bad-request', message: 'the app name in the path is not valid percent-encoding' });
    const what = m[2];
    const post = what === 'call' || what === 'read' || what === 'prompt';
    if (req.method !== (post ? 'POST' : 'GET')) return fail(res, 405, { code: 'bad-request', message: `${path} takes ${post ? 'POST' : 'GET'}` });
    // the request's connection closing before the answer cancels what it asked for
    const ctl = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) ctl.abort(new Error('the client disconnected'));
    });
    const signal = ctl.signal;
    switch (what) {
      case 'tools':
        return json(res, 200, { tools: await pool.listTools(app) });
      case 'resources': {
        const [resources, resourceTemplates] = await Promise.all([
          pool.listResources(app, { signal }),
          pool.listResourceTemplates(app, { signal }).catch(() => []),
        ]);
        return json(res, 200, { resources, resourceTemplates });
      }
      case 'prompts':
        return json(res, 200, { prompts: await pool.listPrompts(app, { signal }) });
      case 'read': {
        const body = object(await host.readBody(req));
        if (typeof body.uri !== 'string') return fail(res, 400, { code: 'bad-request', message: 'the body must be { "uri": string }' });
        return json(res, 200, await pool.readResource(app, body.uri, { signal }));
      }
      case 'prompt': {
        const body = object(await host.readBody(req));
        if (typeof body.name !== 'string')
          return fail(res, 400, { code: 'bad-request', message: 'the body must be { "name": string, "arguments"?: { [name]: string } }' });
        return json(res, 200, await pool.getPrompt(app, body.name, strings(body.arguments), { signal }));
      }
      case 'call': {
        const body = object(await host.readBody(req));
        if (typeof body.tool !== 'string') return fail(res, 400, { code: 'bad-request', message: 'the body must be { "tool": string, "arguments"?: object }' });
        const args = body.arguments === undefined ? {} : body.arguments;
        if (typeof args !== 'object' || args === null || Array.isArray(args))
          return fail(res, 400, { code: 'bad-request', message: '"arguments" must be a JSON object' });
        return await call(pool, app, body.tool, args as Record<string, unknown>, res, signal);
      }
    }
  } catch (e) {
    if (res.headersSent) return;
    const { status, error } = e instanceof BadBody ? { status: 400, error: { code: 'bad-request', message: e.message } } : toApiError(e);
    return fail(res, status, error);
  }
}

/** NDJSON: `{ "progress": … }` lines while the call runs, then `{ "result": … }` or `{ "error": … }`. */
async function call(pool: Pool, app: string, tool: string, args: Record<string, unknown>, res: ServerResponse, signal: AbortSignal): Promise<void> {
  res.writeHead(200, { 'content-type': 'application/x-ndjson', 'cache-control': 'no-store' });
  try {
    const outcome = await pool.callTool(app, tool, args, {
      signal,
      onProgress: (progress) => res.write(`${JSON.stringify({ progress })}\n`),
    });
    res.end(`${JSON.stringify({ result: outcome.result, durationMs: outcome.durationMs, coldStart: outcome.coldStart })}\n`);
  } catch (e) {
    if (e instanceof PoolError && e.code === 'cancelled' && signal.aborted) return void res.end();
    res.end(`${JSON.stringify({ error: toApiError(e).error })}\n`);
  }
}

class BadBody extends Error {}

function object(v: unknown): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new BadBody('the body must be a JSON object');
  return v as Record<string, unknown>;
}

function strings(v: unknown): Record<string, string> {
  if (v === undefined) return {};
  const o = object(v);
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(o)) out[k] = typeof x === 'string' ? x : JSON.stringify(x);
  return out;
}

function json(res: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

export function fail(res: ServerResponse, status: number, error: ApiError): void {
  json(res, status, { error });
}
