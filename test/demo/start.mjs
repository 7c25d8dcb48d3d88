#!/usr/bin/env node
// `npm start`: the extension from this checkout in a sandboxed VS Code in the browser (code-server),
// with a demo workspace whose two MCP apps work out of the box. Prints the URL to open; Ctrl+C
// (or SIGTERM) stops everything: code-server, its extension host, every pool process, the demo server.
//
// Usage: node test/demo/start.mjs [options]         (npm start builds first: node esbuild.mjs)
//   --port N                  port for code-server (default: a free port)
//   --host ADDR               address to listen on (default 127.0.0.1). Only loopback addresses
//                             (127.x.x.x, ::1, localhost): code-server runs without a password
//                             (--auth none), so anyone who can reach it can run code as you.
//   --i-know-this-is-public   allow a non-loopback --host anyway
//   --keep-profile            keep the temporary profile, workspace and logs on exit (path printed)
//   --json                    print one JSON line {url, port, workspace, settingsFile, ...} on stdout
//                             when ready (the banner goes to stderr); for scripts and tests
//   --help
// Environment: CODE_SERVER_BIN (code-server's out/node/entry.js; default: the copy
// `npm run test:editor:setup` installs under .vscode-test/code-server), DEMO_TMP (parent of the
// temporary folder; default: the OS temp dir).
// Exit code: 0 stopped by Ctrl+C / SIGTERM / SIGHUP, 1 could not start or code-server died, 2 bad usage.
//
// Demo apps (written to <temp workspace>/.vscode/settings.json, mcpPool.apps):
//   demo-stdio   the stdio MCP fixture: node out/test/fixtures/stdio-server.js
//   demo-remote  { url: http://127.0.0.1:<port>/mcp }: the fixture Streamable HTTP server
//                (out/test/fixtures/http-server.js, run by this launcher), reached through the bundled mcp-remote
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import {
  PROFILE_DIRS, REPO_ROOT, baseUserSettings, codeServerEntry, endGroup, freePort, hostPort, isLoopback, isolatedEnv,
  descendants, killGroup, liveProcesses, makeRunDirs, portFree, processesWithEnv, spawnReaped, startCodeServer, waitHealthy,
  workbenchUrl, writeConfigYaml, writeUserSettings,
} from '../editor/codeServer.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const t0 = Date.now();
const secs = (ms = Date.now() - t0) => `${(ms / 1000).toFixed(1)}s`;

// ---- options ---------------------------------------------------------------------------------
const VALUE_OPTS = ['port', 'host'];
const FLAG_OPTS = ['i-know-this-is-public', 'keep-profile', 'json', 'help'];
const opts = {};
{
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) {
    const m = /^--([\w-]+)(?:=(.*))?$/.exec(argv[i]);
    const name = m?.[1];
    if (name && VALUE_OPTS.includes(name)) {
      const v = m[2] ?? argv[++i];
      if (v === undefined) usage(`--${name} needs a value`);
      opts[name] = v;
    } else if (name && FLAG_OPTS.includes(name) && m[2] === undefined) opts[name] = true;
    else usage(`unknown argument ${argv[i]}`);
  }
}
function usage(problem) {
  const lines = fs.readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n').slice(1);
  const text = lines.slice(0, lines.findIndex((l) => !l.startsWith('//'))).map((l) => l.replace(/^\/\/ ?/, '')).join('\n');
  if (problem) { console.error(`start: ${problem}\n\n${text}`); process.exit(2); }
  console.log(text); process.exit(0);
}
if (opts.help) usage();

const json = !!opts.json;
const keepProfile = !!opts['keep-profile'];
const host = (opts.host ?? '127.0.0.1').replace(/^\[|\]$/g, '');
const publicBind = !isLoopback(host);
if (publicBind && !opts['i-know-this-is-public']) {
  console.error(`start: refusing to listen on ${host}: code-server runs without a password (--auth none), so anyone who can`
    + ' reach that address could run programs as you. Use the default --host 127.0.0.1 (or ::1); to expose it anyway,'
    + ' add --i-know-this-is-public.');
  process.exit(2);
}
let port = 0;
if (opts.port !== undefined) {
  port = Number(opts.port);
  if (!/^\d+$/.test(opts.port) || port < 1 || port > 65535) usage(`--port must be a port number (1-65535), got ${opts.port}`);
}

/** Progress lines: stderr, so `--json` keeps stdout to its one line. */
const log = (msg) => console.error(`[start ${secs()}] ${msg}`);
const fail = (msg) => { console.error(`start: ${msg}`); process.exit(1); };

// ---- what it needs ---------------------------------------------------------------------------
const CODE_SERVER = codeServerEntry();
if (!fs.existsSync(CODE_SERVER)) {
  fail(`code-server is not installed (looked for ${CODE_SERVER}).\n`
    + 'Install it once (Debian packages + code-server 4.99.4 into .vscode-test/, the same copy the editor tests use) with:\n\n'
    + '    npm run test:editor:setup\n\n'
    + 'then run npm start again. (Or point CODE_SERVER_BIN at an existing code-server\'s out/node/entry.js.)');
}
const STDIO_FIXTURE = path.join(REPO_ROOT, 'out/test/fixtures/stdio-server.js');
const HTTP_FIXTURE = path.join(REPO_ROOT, 'out/test/fixtures/http-server.js');
for (const f of [path.join(REPO_ROOT, 'dist/extension.js'), path.join(REPO_ROOT, 'dist/mcp-remote/proxy.mjs'), STDIO_FIXTURE, HTTP_FIXTURE]) {
  if (!fs.existsSync(f)) fail(`${path.relative(REPO_ROOT, f)} is missing: build first with \`node esbuild.mjs\` (npm start does both).`);
}
if (port && !(await portFree(port, host))) fail(`port ${port} on ${host} is in use (leave out --port to get a free one).`);

// ---- the sandbox: profile, home, workspace -----------------------------------------------------
// (short path: VS Code puts unix sockets under TMPDIR, and socket paths are limited to ~107 bytes)
const { run, dirs } = makeRunDirs('mcp-pool-demo-', PROFILE_DIRS.filter((d) => d !== 'workspace'), process.env.DEMO_TMP || os.tmpdir());
const MARK = `MCP_POOL_DEMO_RUN=${run}`;
// Every process of this demo carries MCP_POOL_DEMO_RUN; the pool's servers get a filtered environment
// without it, but with HOME (and TMPDIR) in here: that finds them too.
const marks = [MARK, `HOME=${dirs.home}`, `TMPDIR=${dirs.tmp}`];
const env = isolatedEnv(dirs, { MCP_POOL_DEMO_RUN: run });

let codeServer, httpServer, stopping;

/** Ends everything this demo started; resolves with the number of stray processes it had to kill. */
async function teardown() {
  // Everything below us now, whatever its process group: the pool's servers and its watchdog run in
  // groups of their own (spawned detached by the extension host).
  const ours = descendants();
  // code-server first: SIGTERM to its group lets the extension host deactivate the extension, which
  // stops the pool's processes (~1 s); SIGKILL after 5 s (the pool's own watchdog then ends them).
  if (codeServer) await endGroup(codeServer.pid, 5000, () => log('code-server needed SIGKILL'));
  if (httpServer) await endGroup(httpServer.pid, 3000, () => log('the demo HTTP server needed SIGKILL'));
  // Then up to 4 s for the rest to end by itself (the watchdog waits out its grace period of 2 s).
  const remaining = () => {
    const live = new Set(liveProcesses().map(([pid]) => pid));
    const marked = processesWithEnv(marks).filter(([pid]) => !ours.some(([o]) => o === pid));
    return [...ours.filter(([pid]) => live.has(pid)), ...marked];
  };
  let left = remaining();
  for (let i = 0; left.length && i < 80; i++) { await new Promise((r) => setTimeout(r, 50)); left = remaining(); }
  if (left.length) {
    log(`WARNING: ${left.length} process(es) outlived their process group, killing: ${left.map(([p, , c]) => `${p} ${c}`).join(', ')}`);
    for (const [pid] of left) try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
  }
  return left.length;
}

function stop(code, why) {
  if (stopping) return stopping;
  if (why) log(`${why}: stopping code-server, the extension host, the pool's processes and the demo HTTP server…`);
  stopping = (async () => {
    const strays = await teardown();
    if (keepProfile) log(`kept the profile, workspace and logs: ${run}`);
    else fs.rmSync(run, { recursive: true, force: true, maxRetries: 3 });
    log(`stopped${strays ? ` (${strays} stray process(es) killed)` : ', nothing left running'}.`);
    process.exit(code);
  })();
  return stopping;
}
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => {
    if (!stopping) return void stop(0, sig === 'SIGINT' ? 'Ctrl+C' : sig);
    // a second Ctrl+C: no more waiting
    log('stopping now (SIGKILL)');
    for (const c of [codeServer, httpServer]) if (c) killGroup(c.pid);
    for (const [pid] of processesWithEnv(marks)) try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
    process.exit(130);
  });
}
process.on('uncaughtException', (e) => { console.error('start: unexpected error:', e); void stop(1); });
process.on('unhandledRejection', (e) => { console.error('start: unexpected error:', e); void stop(1); });

/** The last lines of a log file, indented, for error messages. */
const tail = (file, n = 15) => {
  try { return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-n).map((l) => `    ${l}`).join('\n'); } catch { return '    (no log)'; }
};

try {
  // 1. The demo Streamable HTTP MCP server, in its own reaped process group, on 127.0.0.1.
  const httpLog = path.join(dirs.logs, 'http-server.log');
  const httpErr = fs.openSync(httpLog, 'w');
  httpServer = spawnReaped(process.execPath, [HTTP_FIXTURE, '--port', '0'], { env, stdio: ['ignore', 'pipe', httpErr] });
  fs.closeSync(httpErr);
  const mcpUrl = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the demo HTTP server did not start in 15 s:\n${tail(httpLog)}`)), 15000);
    const lines = readline.createInterface({ input: httpServer.stdout });
    lines.once('line', (line) => {
      clearTimeout(timer);
      try { resolve(JSON.parse(line).url); } catch { reject(new Error(`unexpected output from the demo HTTP server: ${line}`)); }
    });
    httpServer.once('exit', (c) => { clearTimeout(timer); reject(new Error(`the demo HTTP server exited (${c}):\n${tail(httpLog)}`)); });
  });
  httpServer.stdout.resume(); // nothing more expected; never let a full pipe block it
  httpServer.on('exit', (c, s) => { if (!stopping) { log(`the demo HTTP server exited unexpectedly (${c ?? s}):\n${tail(httpLog)}`); void stop(1); } });

  // 2. The workspace: a fresh copy of test/demo/workspace, with the demo apps in its settings.
  const workspace = path.join(run, 'mcp-pool-demo'); // the folder name is the window title
  fs.cpSync(path.join(here, 'workspace'), workspace, { recursive: true });
  const settingsFile = path.join(workspace, '.vscode/settings.json');
  fs.mkdirSync(path.dirname(settingsFile), { recursive: true });
  fs.writeFileSync(settingsFile, `${JSON.stringify({
    'mcpPool.apps': {
      'demo-stdio': {
        command: process.execPath,
        args: [STDIO_FIXTURE, '--name=demo-stdio'],
        description: 'stdio MCP server shipped with the project (test/fixtures/stdio-server.ts)',
      },
      'demo-remote': {
        url: mcpUrl,
        description: 'local Streamable HTTP MCP server started by npm start (test/fixtures/http-server.ts), through the bundled mcp-remote',
      },
    },
  }, null, 2)}\n`);

  // 3. The profile: quiet offline workbench; the workspace README opens first.
  // (no port-forwarding prompts for the demo HTTP server and mcp-remote's listeners)
  writeUserSettings(dirs.userData, { ...baseUserSettings({ trustEnabled: false }), 'workbench.startupEditor': 'readme', 'remote.autoForwardPorts': false });
  const configFile = writeConfigYaml(path.join(run, 'config.yaml'));

  // 4. code-server, in its own reaped process group.
  port ||= await freePort(host);
  const csLog = path.join(dirs.logs, 'code-server.log');
  codeServer = startCodeServer({ entry: CODE_SERVER, host, port, configFile, userDataDir: dirs.userData, extensionsDir: dirs.extensions,
    workspace, workspaceTrust: false, env, logFile: csLog });
  codeServer.on('exit', (c, s) => { if (!stopping) { log(`code-server exited unexpectedly (${c ?? s}):\n${tail(csLog)}`); void stop(1); } });
  await waitHealthy(port, codeServer, 60000, csLog, host);

  // 5. The URL: the workbench for the workspace, with this checkout as the extension under development.
  // A wildcard bind (--i-know-this-is-public) is opened by this machine's name. The URL's host is also
  // the remote authority of the extension's vscode-remote:// path, so both must be the one the browser uses.
  const wildcard = host === '0.0.0.0' || host === '::';
  const urlFor = (h) => workbenchUrl({ host: h, port, folder: workspace, payload: [['extensionDevelopmentPath', REPO_ROOT]] });
  const url = urlFor(wildcard ? os.hostname() : host);
  const page = await fetch(urlFor(wildcard ? '127.0.0.1' : host));
  if (page.status !== 200) throw new Error(`the workbench page answered HTTP ${page.status}:\n${tail(csLog)}`);
  const readyMs = Date.now() - t0;

  const banner = [
    '',
    `  MCP Remote Pool demo is ready (${secs(readyMs)}): VS Code in the browser with the extension from this checkout`,
    '',
    `  Open:  ${url}`,
    '',
    `  code-server on ${hostPort(host, port)} (port ${port}), no login (--auth none)${publicBind ? ` - WARNING: ${host} is not a loopback address, anyone who can reach it can run code as you` : ', loopback only'}.`,
    '  Workspace trust is off (--disable-workspace-trust) so the apps defined in the demo workspace may run.',
    '',
    '  Try:',
    '    - the MCP Pool icon in the activity bar: the Apps view lists demo-stdio and demo-remote',
    '    - F1 > "MCP Pool: Invoke Tool..." > demo-stdio > echo > type some text > Enter: the result shows in the Output panel',
    '    - the "MCP n/2" status bar item: hover for the apps\' state, click to kill / restart them',
    '    - the same with demo-remote (mcp-remote > HTTP); tools progress, sleep, fail, crash',
    '',
    `  Workspace:   ${workspace}  (temp copy of test/demo/workspace; the apps are in .vscode/settings.json)`,
    `  Demo server: ${mcpUrl}  (Streamable HTTP, run by this launcher)`,
    `  Profile:     ${run}  (throw-away user data, extensions, HOME, XDG dirs; ${keepProfile ? 'kept on exit: --keep-profile' : 'deleted on exit'})`,
    '',
    '  Ctrl+C stops everything.',
    '',
  ].join('\n');
  if (json) {
    process.stdout.write(`${JSON.stringify({ url, host, port, workspace, settingsFile, mcpUrl, profile: run, pid: process.pid,
      codeServerPgid: codeServer.pid, httpServerPgid: httpServer.pid, readyMs })}\n`);
    process.stderr.write(`${banner}\n`);
  } else process.stdout.write(`${banner}\n`);
} catch (e) {
  if (stopping) await new Promise(() => {}); // interrupted while starting: stop() exits
  console.error(`start: could not start the demo: ${(e && e.message) || e}`);
  await stop(1);
}

