// A hostile remote MCP server (and authorization server), run as a child process so that what it
// buffers never counts against the pool's host: a plain Streamable HTTP MCP server on 127.0.0.1 that
// answers the handshake and calls, and, as `node hostileServer.js MODE` says, attacks at one point:
//   get-notifications  the event stream (GET) sends valid notifications as fast as the socket takes them
//   get-line           the event stream sends one line that never ends (`data: xxxx…`)
//   get-event          the event stream sends one event that never ends (short `data:` lines, no blank line)
//   get-plain          the event stream is answered 200 application/octet-stream, bytes without a newline that never end
//   get-retry0         the event stream sends `retry: 0` and ends at once, every time it is opened
//   get-reconnect      (healthy) the event stream ends after 1.5 s, every time it is opened
//   post-event         a tool call is answered with an event stream whose one event never ends
//   post-total         a tool call is answered with an event stream of small events (comments) that never ends
//   error-body         the first POST is answered 500 with a body that never ends
//   auth-prm | auth-asm | auth-register | auth-token
//                      the server asks for OAuth; that document (protected-resource metadata,
//                      authorization-server metadata, the registration answer, the token answer) never ends
//   auth-prm-elsewhere the 401 names protected-resource metadata outside /.well-known/ (/meta) that never ends
//   auth-asm-path      the authorization server has a path (/tenant): its OpenID metadata there never ends
//   auth-trickle-prm   the protected-resource metadata comes one byte a second
//   auth-plain-401     every request (MCP, OAuth discovery, registration) is answered 401 with a plain-text body, no WWW-Authenticate
// Prints {"url": "http://127.0.0.1:PORT/mcp"} on stdout, then serves until killed.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

const mode = process.argv[2] ?? 'none';
let origin = '';

const CHUNK = Buffer.alloc(64 * 1024, 'x');

/** Writes `next()` chunks as fast as the socket takes them, until the client goes. */
function flood(res: ServerResponse, next: () => Buffer | string): void {
  let gone = false;
  res.on('close', () => (gone = true));
  const pump = () => {
    while (!gone) {
      if (!res.write(next())) return void res.once('drain', pump);
    }
  };
  pump();
}

function body(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

function json(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  res.end(JSON.stringify(value));
}

/** Starts a JSON answer and never ends it. */
function endlessJson(res: ServerResponse, status = 200): void {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.write('{"padding":"');
  flood(res, () => CHUNK);
}

const notification = Buffer.from(
  `data: ${JSON.stringify({ jsonrpc: '2.0', method: 'notifications/message', params: { level: 'info', logger: 'flood', data: 'x'.repeat(100) } })}\n\n`.repeat(
    64,
  ),
);

const auth = mode.startsWith('auth-');
const tokens = new Set<string>();
const session = randomBytes(8).toString('hex');

function answer(method: string, params: Record<string, unknown> | undefined): unknown {
  switch (method) {
    case 'initialize':
      return {
        protocolVersion: (params?.protocolVersion as string) ?? '2025-06-18',
        capabilities: { tools: {}, logging: {} },
        serverInfo: { name: 'hostile', version: '1' },
      };
    case 'tools/list':
      return { tools: [{ name: 'echo', inputSchema: { type: 'object' } }] };
    case 'tools/call':
      return { content: [{ type: 'text', text: 'ok' }] };
    default:
      return {};
  }
}

async function mcp(req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (auth) {
    const bearer = (req.headers.authorization ?? '').replace(/^Bearer /, '');
    if (mode === 'auth-plain-401') {
      req.resume();
      res.writeHead(401, { 'Content-Type': 'text/plain' });
      return void res.end('Unauthorized');
    }
    if (!tokens.has(bearer)) {
      req.resume();
      return json(
        res,
        401,
        { error: 'invalid_token' },
        {
          'WWW-Authenticate': `Bearer resource_metadata="${origin}${mode === 'auth-prm-elsewhere' ? '/meta' : '/.well-known/oauth-protected-resource/mcp'}"`,
        },
      );
    }
  }
  if (req.method === 'DELETE') return void res.writeHead(200).end();
  if (req.method === 'GET') {
    if (!mode.startsWith('get-')) return void res.writeHead(405).end();
    if (mode === 'get-plain') {
      res.writeHead(200, { 'Content-Type': 'application/octet-stream' });
      return flood(res, () => CHUNK);
    }
    if (mode === 'get-retry0') return void res.writeHead(200, { 'Content-Type': 'text/event-stream' }).end('retry: 0\n\n');
    if (mode === 'get-reconnect') {
      res.writeHead(200, { 'Content-Type': 'text/event-stream' });
      const timer = setTimeout(() => res.end(), 1500);
      res.on('close', () => clearTimeout(timer));
      return;
    }
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store' });
    if (mode === 'get-notifications') return flood(res, () => notification);
    if (mode === 'get-line') {
      res.write('data: ');
      return flood(res, () => CHUNK);
    }
    // get-event: lines of 1 KB, never a blank one
    const line = Buffer.from(`data: ${'y'.repeat(1024)}\n`.repeat(64));
    return flood(res, () => line);
  }
  const text = await body(req);
  if (mode === 'error-body') {
    res.writeHead(500, { 'Content-Type': 'text/plain' });
    res.write('internal trouble: ');
    return flood(res, () => CHUNK);
  }
  const message = JSON.parse(text) as { id?: number | string; method?: string; params?: Record<string, unknown> };
  if (message.id === undefined) return void res.writeHead(202).end();
  const method = message.method ?? '';
  if (method === 'tools/call' && (mode === 'post-event' || mode === 'post-total')) {
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'mcp-session-id': session });
    if (mode === 'post-event') {
      res.write('data: ');
      return flood(res, () => CHUNK);
    }
    const comments = Buffer.from(`: ${'z'.repeat(1022)}\n\n`.repeat(64));
    return flood(res, () => comments);
  }
  json(res, 200, { jsonrpc: '2.0', id: message.id, result: answer(method, message.params) }, { 'mcp-session-id': session });
}

const server = createServer((req, res) => {
  if (mode === 'auth-plain-401') {
    // every path, OAuth's too: 401 with a plain-text body
    req.resume();
    res.writeHead(401, { 'Content-Type': 'text/plain' });
    return void res.end('Unauthorized');
  }
  const u = new URL(req.url ?? '/', origin);
  const path = u.pathname;
  void (async () => {
    if (path === '/mcp') return mcp(req, res);
    if (path === '/meta' && mode === 'auth-prm-elsewhere') return endlessJson(res);
    if (path === '/tenant/.well-known/openid-configuration' && mode === 'auth-asm-path') return endlessJson(res);
    if (path.startsWith('/.well-known/oauth-protected-resource')) {
      if (mode === 'auth-prm') return endlessJson(res);
      if (mode === 'auth-trickle-prm') {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        const timer = setInterval(() => res.write(' '), 1000);
        res.on('close', () => clearInterval(timer));
        return;
      }
      return json(res, 200, { resource: `${origin}/mcp`, authorization_servers: [mode === 'auth-asm-path' ? `${origin}/tenant` : origin] });
    }
    if (mode !== 'auth-asm-path' && (path === '/.well-known/oauth-authorization-server' || path === '/.well-known/openid-configuration')) {
      if (mode === 'auth-asm') return endlessJson(res);
      return json(res, 200, {
        issuer: origin,
        authorization_endpoint: `${origin}/authorize`,
        token_endpoint: `${origin}/token`,
        registration_endpoint: `${origin}/register`,
        response_types_supported: ['code'],
        grant_types_supported: ['authorization_code', 'refresh_token'],
        code_challenge_methods_supported: ['S256'],
        token_endpoint_auth_methods_supported: ['none'],
      });
    }
    if (path.startsWith('/.well-known/')) return json(res, 404, { error: 'not_found' });
    if (path === '/register') {
      const meta = JSON.parse(await body(req)) as Record<string, unknown>;
      if (mode === 'auth-register') return endlessJson(res, 201);
      return json(res, 201, { ...meta, client_id: `client_${randomBytes(4).toString('hex')}` });
    }
    if (path === '/authorize') {
      const back = new URL(u.searchParams.get('redirect_uri') ?? '');
      back.searchParams.set('code', `code_${randomBytes(4).toString('hex')}`);
      back.searchParams.set('state', u.searchParams.get('state') ?? '');
      res.writeHead(302, { Location: back.toString() });
      return void res.end();
    }
    if (path === '/token') {
      await body(req);
      if (mode === 'auth-token') return endlessJson(res);
      const access = `at_${randomBytes(8).toString('hex')}`;
      tokens.add(access);
      return json(res, 200, { access_token: access, token_type: 'Bearer', expires_in: 3600 });
    }
    json(res, 404, { error: 'not_found' });
  })().catch(() => res.destroy());
});
server.listen(0, '127.0.0.1', () => {
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  process.stdout.write(`${JSON.stringify({ url: `${origin}/mcp` })}\n`);
});
