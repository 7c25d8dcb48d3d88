#!/usr/bin/env node
// `npm start`: the extension from this checkout in a sandboxed VS Code, with a demo workspace whose three
// MCP apps (a notes server, a tasks server reached directly and through mcp-remote) work out of the box.
// Ctrl+C (or SIGTERM) stops everything: the editor, its extension host, every pool process, the demo
// server; the throw-away profile is deleted.
//
// Two editors:
//   browser (default)  VS Code in the browser on 127.0.0.1: the newest the editor suite runs on (code-server
//                      4.139.1 = VS Code 1.139.1, on Node 24 from npm), where VS Code's own MCP ("MCP: List
//                      Servers", agent mode) lists the pooled apps; --vscode floor for VS Code 1.99.3. Prints
//                      the URL to open. Installs code-server into .vscode-test/ the first time (the same cached
//                      copy the editor tests use; Debian build packages through apt when missing, after asking,
//                      which needs root or sudo; about 2-3 minutes, once). On the newest, the extension is
//                      packaged (npm run package: mcp-remote-pool.vsix) and installed into the throw-away
//                      profile, as a user installs it; on the floor it is loaded from this checkout as the
//                      extension under development.
//   desktop            your own VS Code (`code` on PATH), in a new window with a throw-away --user-data-dir
//                      and --extensions-dir and this checkout as --extensionDevelopmentPath. Installs nothing.
//                      Closing the window stops the demo.
//
// Usage: node test/demo/start.mjs [options]         (npm start builds first: node esbuild.mjs)
//   --editor browser|desktop  which editor (default: browser; a hint is printed when `code` is on PATH)
//   --desktop                 the same as --editor desktop
//   --vscode newest|floor     which VS Code in the browser (default: newest; test/editor/versions.json)
//   --port N                  port for code-server (default: a free port; browser only)
//   --host ADDR               address to listen on (default 127.0.0.1). Only loopback addresses
//                             (127.x.x.x, ::1, localhost): code-server runs without a password
//                             (--auth none), so anyone who can reach it can run code as you.
//   --i-know-this-is-public   allow a non-loopback --host anyway
//   --yes                     let the first run's install of code-server run apt-get for missing Debian
//                             build packages without asking (the same as MCP_POOL_SETUP_YES=1). Without it
//                             the install asks first in a terminal, and without a terminal it stops instead.
//   --keep-profile            keep the temporary profile, workspace and logs on exit (path printed)
//   --json                    print one JSON line {editor, url, port, workspace, settingsFile, ...} on stdout
//                             when ready (the banner goes to stderr); for scripts and tests
//   --help
// Environment: CODE_SERVER_BIN (code-server's out/node/entry.js, run by CODE_SERVER_NODE or this Node;
// default: the copy test/editor/setup.sh installs under .vscode-test/code-server-<version>; when set,
// nothing is installed), EDITOR_TEST_CACHE (default .vscode-test), DEMO_TMP (parent of the temporary
// folder; default: the OS temp dir), MCP_POOL_SETUP_NO_APT=1 and MCP_POOL_SETUP_YES=1 (see test/editor/setup.sh).
// Exit code: 0 stopped by Ctrl+C / SIGTERM / SIGHUP or the desktop window closed, 1 could not install or
// start, or the editor died, 2 bad usage.
//
// Demo apps (written to <temp workspace>/.vscode/settings.json, mcpPool.apps), demo servers written with the
// official MCP SDK (test/demo/servers/, not the test fixtures; deterministic data, no network):
//   demo-notes         stdio: node out/test/demo/servers/notes.js (add_note, list_notes, search_notes; each
//                      note as a resource; prompt summarize_notes)
//   demo-remote        { url: http://127.0.0.1:<port>/mcp }: the tasks server over Streamable HTTP
//                      (out/test/demo/servers/tasks-http.js, run by this launcher), reached directly from the
//                      editor (the default transport, no process): list_tasks, add_task, complete_task,
//                      resource tasks://board, prompt plan_my_day
//   demo-remote-proxy  the same server through the bundled mcp-remote (transport: mcp-remote, a process)
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import {
  PROFILE_DIRS,
  REPO_ROOT,
  baseUserSettings,
  endGroup,
  freePort,
  hostPort,
  installedCodeServer,
  isLoopback,
  isolatedEnv,
  descendants,
  killGroup,
  liveProcesses,
  makeRunDirs,
  portFree,
  processesWithEnv,
  resolveVersion,
  setupCommand,
  spawnReaped,
  startCodeServer,
  waitHealthy,
  workbenchUrl,
  writeConfigYaml,
  commonArgs,
  writeUserSettings,
} from '../editor/codeServer.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const t0 = Date.now();
const secs = (ms = Date.now() - t0) => `${(ms / 1000).toFixed(1)}s`;

// ---- options ---------------------------------------------------------------------------------
const VALUE_OPTS = ['port', 'host', 'editor', 'vscode'];
const FLAG_OPTS = ['yes', 'desktop', 'i-know-this-is-public', 'keep-profile', 'json', 'help'];
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
  const lines = fs
    .readFileSync(fileURLToPath(import.meta.url), 'utf8')
    .split('\n')
    .slice(1);
  const text = lines
    .slice(
      0,
      lines.findIndex((l) => !l.startsWith('//')),
    )
    .map((l) => l.replace(/^\/\/ ?/, ''))
    .join('\n');
  if (problem) {
    console.error(`start: ${problem}\n\n${text}`);
    process.exit(2);
  }
  console.log(text);
  process.exit(0);
}
if (opts.help) usage();

const json = !!opts.json;
if (opts.desktop && opts.editor && opts.editor !== 'desktop') usage(`--desktop and --editor ${opts.editor} exclude each other`);
const editor = opts.desktop ? 'desktop' : (opts.editor ?? 'browser');
if (!['browser', 'desktop'].includes(editor)) usage(`--editor must be browser or desktop, got ${editor}`);
const desktop = editor === 'desktop';
if (desktop && (opts.port || opts.host || opts.vscode || opts['i-know-this-is-public']))
  usage('--port, --host and --vscode are for the browser editor (code-server), not --editor desktop');
const vscodeSpec = opts.vscode ?? 'newest';
if (!['newest', 'floor'].includes(vscodeSpec)) usage(`--vscode must be newest or floor, got ${vscodeSpec}`);
const keepProfile = !!opts['keep-profile'];
const host = (opts.host ?? '127.0.0.1').replace(/^\[|\]$/g, '');
const publicBind = !isLoopback(host);
if (publicBind && !opts['i-know-this-is-public']) {
  console.error(
    `start: refusing to listen on ${host}: code-server runs without a password (--auth none), so anyone who can` +
      ' reach that address could run programs as you. Use the default --host 127.0.0.1 (or ::1); to expose it anyway,' +
      ' add --i-know-this-is-public.',
  );
  process.exit(2);
}
let port = 0;
if (opts.port !== undefined) {
  port = Number(opts.port);
  if (!/^\d+$/.test(opts.port) || port < 1 || port > 65535) usage(`--port must be a port number (1-65535), got ${opts.port}`);
}

/** Progress lines: stderr, so `--json` keeps stdout to its one line. */
const log = (msg) => console.error(`[start ${secs()}] ${msg}`);
const fail = (msg) => {
  console.error(`start: ${msg}`);
  process.exit(1);
};

// ---- what it needs ---------------------------------------------------------------------------
/** `command` found on PATH (an executable file), or undefined. */
function onPath(command) {
  for (const dir of (process.env.PATH || '').split(path.delimiter).filter(Boolean)) {
    const f = path.join(dir, command);
    try {
      fs.accessSync(f, fs.constants.X_OK);
      if (fs.statSync(f).isFile()) return f;
    } catch {
      /* not here */
    }
  }
  return undefined;
}
const CODE = onPath('code');
if (desktop && !CODE) {
  fail(
    "--editor desktop needs VS Code's `code` command on PATH, and there is none.\n" +
      'Install VS Code (https://code.visualstudio.com), and on macOS run "Shell Command: Install \'code\' command in PATH" from its\n' +
      'command palette; or leave out --editor desktop to use VS Code in the browser.',
  );
}
if (!desktop && CODE) log(`hint: a desktop VS Code is installed (${CODE}): \`npm start -- --desktop\` opens the demo there instead of the browser`);

/** The code-server npm start uses (--vscode: newest by default), installed by test/editor/setup.sh the first time. */
function ensureCodeServer() {
  const version = resolveVersion(vscodeSpec);
  let cs = installedCodeServer(version);
  if (cs) return cs;
  if (process.env.CODE_SERVER_BIN)
    fail(`CODE_SERVER_BIN=${process.env.CODE_SERVER_BIN} does not exist (unset it to let npm start install code-server itself).`);
  const t = Date.now();
  log(
    `code-server ${version.codeServer} (VS Code ${version.vscode}) is not installed yet: installing it once into ${path.relative(process.cwd(), version.dir) || version.dir}` +
      ' (Debian build packages if missing, then code-server from npm; about 2-3 minutes; the editor tests use the same copy)',
  );
  // stdin inherited: in a terminal the installer asks before it runs apt-get (the answer is typed there).
  const setupArgs = [path.join(REPO_ROOT, 'test/editor/setup.sh'), '--vscode', version.setupArg, ...(opts.yes ? ['--yes'] : [])];
  const r = spawnSync('bash', setupArgs, { stdio: ['inherit', 'ignore', 'inherit'] });
  if (r.status !== 0) {
    fail(
      `installing code-server failed${r.signal ? ` (${r.signal})` : ''}: see the [setup] lines above. After fixing it, run npm start again ` +
        `(what is installed already is skipped), or run the install alone: ${setupCommand(version)}`,
    );
  }
  cs = installedCodeServer(version);
  if (!cs) fail(`${setupCommand(version)} succeeded but left no complete install in ${version.dir}`);
  log(`installed code-server ${cs.codeServer} (VS Code ${cs.vscode}) in ${secs(Date.now() - t)}; next time npm start skips this`);
  return cs;
}
const CODE_SERVER = desktop ? undefined : ensureCodeServer();
// VS Code 1.133+ (code-server 4.133+) takes an extension under development from the URL only in its
// smoke-test-driver mode (which hides notification toasts): there the extension is packaged and installed
// into the throw-away profile instead, as a user installs it.
const [major, minor] = (CODE_SERVER?.vscode ?? '0.0').split('.').map(Number);
const viaVsix = !desktop && (major > 1 || minor >= 133);
const NOTES_SERVER = path.join(REPO_ROOT, 'out/test/demo/servers/notes.js');
const TASKS_SERVER = path.join(REPO_ROOT, 'out/test/demo/servers/tasks-http.js');
for (const f of [path.join(REPO_ROOT, 'dist/extension.js'), path.join(REPO_ROOT, 'dist/mcp-remote/proxy.mjs'), NOTES_SERVER, TASKS_SERVER]) {
  if (!fs.existsSync(f)) fail(`${path.relative(REPO_ROOT, f)} is missing: build first with \`node esbuild.mjs\` (npm start does both).`);
}
if (port && !(await portFree(port, host))) fail(`port ${port} on ${host} is in use (leave out --port to get a free one).`);

// ---- the sandbox: profile, home, workspace -----------------------------------------------------
// (short path: VS Code puts unix sockets under TMPDIR, and socket paths are limited to ~107 bytes)
const { run, dirs } = makeRunDirs(
  'mcp-pool-demo-',
  PROFILE_DIRS.filter((d) => d !== 'workspace'),
  process.env.DEMO_TMP || os.tmpdir(),
);
const MARK = `MCP_POOL_DEMO_RUN=${run}`;
// Every process of this demo carries MCP_POOL_DEMO_RUN; the pool's servers get a filtered environment
// without it, but with TMPDIR (and in the browser editor HOME) in here: that finds them too.
// The desktop editor keeps the real HOME (display access, fonts, the user's shell setup); its profile
// is still throw-away (--user-data-dir, --extensions-dir) and TMPDIR is the run's.
const marks = desktop ? [MARK, `TMPDIR=${dirs.tmp}`] : [MARK, `HOME=${dirs.home}`, `TMPDIR=${dirs.tmp}`];
const env = desktop ? { ...process.env, TMPDIR: dirs.tmp, MCP_POOL_DEMO_RUN: run } : isolatedEnv(dirs, { MCP_POOL_DEMO_RUN: run });

let codeServer, desktopCode, httpServer, stopping;

/** Ends everything this demo started; resolves with the number of stray processes it had to kill. */
async function teardown() {
  // Everything below us now, whatever its process group: the pool's servers and its watchdog run in
  // groups of their own (spawned detached by the extension host).
  const ours = descendants();
  // code-server first: SIGTERM to its group lets the extension host deactivate the extension, which
  // stops the pool's processes (~1 s); SIGKILL after 5 s (the pool's own watchdog then ends them).
  if (codeServer) await endGroup(codeServer.pid, 5000, () => log('code-server needed SIGKILL'));
  // The desktop editor: its `code --wait` CLI, and VS Code itself (which the CLI starts detached; found
  // by the run's mark in its environment). SIGTERM closes the window and deactivates the extension.
  if (desktopCode) {
    const editorProcs = () => processesWithEnv([MARK]);
    for (const [pid] of editorProcs())
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        /* gone */
      }
    await endGroup(desktopCode.pid, 5000, () => log('the code command needed SIGKILL'));
    for (let i = 0; editorProcs().length && i < 100; i++) await new Promise((r) => setTimeout(r, 50));
  }
  if (httpServer) await endGroup(httpServer.pid, 3000, () => log('the demo HTTP server needed SIGKILL'));
  // Then up to 4 s for the rest to end by itself (the watchdog waits out its grace period of 2 s).
  const remaining = () => {
    const live = new Set(liveProcesses().map(([pid]) => pid));
    const marked = processesWithEnv(marks).filter(([pid]) => !ours.some(([o]) => o === pid));
    return [...ours.filter(([pid]) => live.has(pid)), ...marked];
  };
  let left = remaining();
  for (let i = 0; left.length && i < 80; i++) {
    await new Promise((r) => setTimeout(r, 50));
    left = remaining();
  }
  if (left.length) {
    log(`WARNING: ${left.length} process(es) outlived their process group, killing: ${left.map(([p, , c]) => `${p} ${c}`).join(', ')}`);
    for (const [pid] of left)
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* gone */
      }
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
    for (const c of [codeServer, desktopCode, httpServer]) if (c) killGroup(c.pid);
    for (const [pid] of processesWithEnv(marks))
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    process.exit(130);
  });
}
process.on('uncaughtException', (e) => {
  console.error('start: unexpected error:', e);
  void stop(1);
});
process.on('unhandledRejection', (e) => {
  console.error('start: unexpected error:', e);
  void stop(1);
});

/** The last lines of a log file, indented, for error messages. */
const tail = (file, n = 15) => {
  try {
    return fs
      .readFileSync(file, 'utf8')
      .trimEnd()
      .split('\n')
      .slice(-n)
      .map((l) => `    ${l}`)
      .join('\n');
  } catch {
    return '    (no log)';
  }
};

try {
  // 1. The demo Streamable HTTP MCP server, in its own reaped process group, on 127.0.0.1.
  const httpLog = path.join(dirs.logs, 'http-server.log');
  const httpErr = fs.openSync(httpLog, 'w');
  httpServer = spawnReaped(process.execPath, [TASKS_SERVER, '--port', '0'], { env, stdio: ['ignore', 'pipe', httpErr] });
  fs.closeSync(httpErr);
  const mcpUrl = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the demo HTTP server did not start in 15 s:\n${tail(httpLog)}`)), 15000);
    const lines = readline.createInterface({ input: httpServer.stdout });
    lines.once('line', (line) => {
      clearTimeout(timer);
      try {
        resolve(JSON.parse(line).url);
      } catch {
        reject(new Error(`unexpected output from the demo HTTP server: ${line}`));
      }
    });
    httpServer.once('exit', (c) => {
      clearTimeout(timer);
      reject(new Error(`the demo HTTP server exited (${c}):\n${tail(httpLog)}`));
    });
  });
  httpServer.stdout.resume(); // nothing more expected; never let a full pipe block it
  httpServer.on('exit', (c, s) => {
    if (!stopping) {
      log(`the demo HTTP server exited unexpectedly (${c ?? s}):\n${tail(httpLog)}`);
      void stop(1);
    }
  });

  // 2. The workspace: a fresh copy of test/demo/workspace, with the demo apps in its settings.
  const workspace = path.join(run, 'mcp-pool-demo'); // the folder name is the window title
  fs.cpSync(path.join(here, 'workspace'), workspace, { recursive: true });
  const settingsFile = path.join(workspace, '.vscode/settings.json');
  fs.mkdirSync(path.dirname(settingsFile), { recursive: true });
  fs.writeFileSync(
    settingsFile,
    `${JSON.stringify(
      {
        'mcpPool.apps': {
          'demo-notes': {
            command: process.execPath,
            args: [NOTES_SERVER],
            description: 'a notebook: add, list and search notes (stdio MCP server, test/demo/servers/notes.ts)',
          },
          'demo-remote': {
            url: mcpUrl,
            description: 'a task list on a remote MCP server (Streamable HTTP on 127.0.0.1, started by npm start), reached directly: no process',
          },
          'demo-remote-proxy': {
            url: mcpUrl,
            transport: 'mcp-remote',
            // mcp-remote's token cache (default ~/.mcp-auth) in the throw-away profile, also in the desktop editor
            env: { MCP_REMOTE_CONFIG_DIR: path.join(run, 'mcp-auth') },
            description: 'the same task list through the bundled mcp-remote (a proxy process)',
          },
        },
      },
      null,
      2,
    )}\n`,
  );

  // 3. The profile: quiet offline workbench; the workspace README opens first.
  // (no port-forwarding prompts for the demo HTTP server and mcp-remote's listeners)
  writeUserSettings(dirs.userData, { ...baseUserSettings({ trustEnabled: false }), 'workbench.startupEditor': 'readme', 'remote.autoForwardPorts': false });
  const tryLines = [
    '  Try:',
    '    - the MCP Pool icon in the activity bar: the Apps view lists demo-notes, demo-remote and demo-remote-proxy',
    '    - F1 > "MCP Pool: Invoke Tool..." > demo-notes > search_notes > type "release" > Enter: the result shows in the Output panel',
    '    - the "MCP n/3" status bar item: hover for the apps\' state, click to kill / restart them',
    '    - demo-remote: a task list over HTTP, no process (list_tasks, add_task, complete_task); demo-remote-proxy: the same through mcp-remote',
    '    - expand an app: Resources (click a note or tasks://board to open it) and Prompts (summarize_notes, plan_my_day)',
    '',
    `  Workspace:   ${workspace}  (temp copy of test/demo/workspace; the apps are in .vscode/settings.json)`,
    `  Demo server: ${mcpUrl}  (the tasks server, Streamable HTTP, run by this launcher)`,
  ];
  const ready = (fields, banner) => {
    if (json) {
      process.stdout.write(
        `${JSON.stringify({
          editor,
          ...fields,
          workspace,
          settingsFile,
          mcpUrl,
          profile: run,
          pid: process.pid,
          httpServerPgid: httpServer.pid,
          readyMs: Date.now() - t0,
        })}\n`,
      );
      process.stderr.write(`${banner.join('\n')}\n`);
    } else process.stdout.write(`${banner.join('\n')}\n`);
  };

  if (desktop) {
    // 4. The user's own VS Code: a new window of a separate instance (its own --user-data-dir), the demo
    // workspace, this checkout as the extension under development. `--wait` keeps the `code` command
    // running until that window closes, which ends the demo. Installs nothing, starts no server.
    const args = [
      '--new-window',
      '--wait',
      '--user-data-dir',
      dirs.userData,
      '--extensions-dir',
      dirs.extensions,
      `--extensionDevelopmentPath=${REPO_ROOT}`,
      '--disable-workspace-trust',
      '--skip-welcome',
      '--skip-release-notes',
      '--disable-telemetry',
      workspace,
    ];
    const codeLog = path.join(dirs.logs, 'code.log');
    const out = fs.openSync(codeLog, 'w');
    // Not under the sh reaper, whose exit status would hide the command's: a process group of its own
    // (Ctrl+C reaches us, and teardown() ends it), and its exit code tells a closed window from a failure.
    desktopCode = spawn(CODE, args, { env, stdio: ['ignore', out, out], detached: true });
    fs.closeSync(out);
    desktopCode.on('error', (e) => {
      if (!stopping) {
        log(`could not run ${CODE}: ${e.message}`);
        void stop(1);
      }
    });
    desktopCode.on('exit', (c, sig) => {
      if (stopping) return;
      // `code --wait` returned: the window was closed (0), or VS Code could not start
      if (c === 0) void stop(0, 'the VS Code window was closed');
      else {
        log(`\`code\` exited with ${c ?? sig}:\n${tail(codeLog)}`);
        void stop(1);
      }
    });
    log(`${CODE} ${args.map((a) => (/\s/.test(a) ? JSON.stringify(a) : a)).join(' ')}`);
    ready({ code: CODE, codeArgs: args, userDataDir: dirs.userData, extensionsDir: dirs.extensions, codePgid: desktopCode.pid }, [
      '',
      `  MCP Remote Pool demo: opening a new window of your VS Code (${CODE}) with the extension from this checkout`,
      '  (an "Extension Development Host" window; a separate instance with a throw-away profile: your own settings,',
      '  extensions and windows are not touched).',
      '  Workspace trust is off (--disable-workspace-trust) so the apps defined in the demo workspace may run.',
      '',
      ...tryLines,
      `  Profile:     ${run}  (throw-away --user-data-dir and --extensions-dir; ${keepProfile ? 'kept on exit: --keep-profile' : 'deleted on exit'})`,
      '',
      '  Closing that window or Ctrl+C here stops everything.',
      '',
    ]);
  } else {
    const configFile = writeConfigYaml(path.join(run, 'config.yaml'));

    // 4. The extension: on the newest VS Code, `npm run package` (mcp-remote-pool.vsix) installed into the
    // throw-away extensions dir (`--install-extension`, as a user would); on the floor, this checkout as the
    // extension under development (the URL's payload, step 5).
    let loadedAs = `the extension from this checkout (as the extension under development)`;
    if (viaVsix) {
      const vsix = path.join(REPO_ROOT, 'mcp-remote-pool.vsix');
      const packLog = path.join(dirs.logs, 'package.log');
      let t = Date.now();
      const pack = spawnSync('npm', ['run', '--silent', 'package'], {
        cwd: REPO_ROOT,
        env: process.env,
        stdio: ['ignore', fs.openSync(packLog, 'w'), fs.openSync(packLog, 'a')],
      });
      if (pack.status !== 0 || !fs.existsSync(vsix)) throw new Error(`npm run package failed (${pack.status ?? pack.signal}):\n${tail(packLog)}`);
      log(`packaged this checkout: ${path.relative(REPO_ROOT, vsix)} (npm run package, ${secs(Date.now() - t)})`);
      t = Date.now();
      const install = spawnSync(
        CODE_SERVER.node,
        [CODE_SERVER.entry, ...commonArgs({ configFile, userDataDir: dirs.userData, extensionsDir: dirs.extensions }), '--install-extension', vsix, '--force'],
        { env, encoding: 'utf8' },
      );
      const { publisher, name, version } = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));
      const installed = path.join(dirs.extensions, `${publisher}.${name}-${version}`, 'package.json');
      if (install.status !== 0 || !fs.existsSync(installed))
        throw new Error(
          `code-server --install-extension ${vsix} failed (${install.status ?? install.signal}):\n${`${install.stdout}${install.stderr}`.trim()}`,
        );
      log(`installed ${path.basename(vsix)} into the throw-away profile (${secs(Date.now() - t)})`);
      loadedAs = `the extension installed from ${path.basename(vsix)} (packaged from this checkout just now)`;
    }

    // 5. code-server, in its own reaped process group.
    port ||= await freePort(host);
    const csLog = path.join(dirs.logs, 'code-server.log');
    codeServer = startCodeServer({
      entry: CODE_SERVER.entry,
      node: CODE_SERVER.node,
      host,
      port,
      configFile,
      userDataDir: dirs.userData,
      extensionsDir: dirs.extensions,
      workspace,
      workspaceTrust: false,
      env,
      logFile: csLog,
    });
    codeServer.on('exit', (c, s) => {
      if (!stopping) {
        log(`code-server exited unexpectedly (${c ?? s}):\n${tail(csLog)}`);
        void stop(1);
      }
    });
    await waitHealthy(port, codeServer, 60000, csLog, host);

    // 6. The URL: the workbench for the workspace (on the floor: with this checkout as the extension under development).
    // A wildcard bind (--i-know-this-is-public) is opened by this machine's name. The URL's host is also
    // the remote authority of the extension's vscode-remote:// path, so both must be the one the browser uses.
    const wildcard = host === '0.0.0.0' || host === '::';
    const urlFor = (h) => workbenchUrl({ host: h, port, folder: workspace, payload: viaVsix ? [] : [['extensionDevelopmentPath', REPO_ROOT]] });
    const url = urlFor(wildcard ? os.hostname() : host);
    const page = await fetch(urlFor(wildcard ? '127.0.0.1' : host));
    if (page.status !== 200) throw new Error(`the workbench page answered HTTP ${page.status}:\n${tail(csLog)}`);

    const extension = viaVsix ? 'vsix' : 'development';
    ready({ url, host, port, vscode: CODE_SERVER.vscode, codeServer: CODE_SERVER.codeServer, extension, codeServerPgid: codeServer.pid }, [
      '',
      `  MCP Remote Pool demo is ready (${secs()}): VS Code ${CODE_SERVER.vscode} in the browser with ${loadedAs}`,
      ...(viaVsix ? ['  VS Code\'s own MCP lists the pooled apps: F1 > "MCP: List Servers" (or agent mode\'s tools).'] : []),
      '',
      `  Open:  ${url}`,
      '',
      `  code-server ${CODE_SERVER.codeServer} on ${hostPort(host, port)} (port ${port}), no login (--auth none)${publicBind ? ` - WARNING: ${host} is not a loopback address, anyone who can reach it can run code as you` : ', loopback only'}.`,
      '  Workspace trust is off (--disable-workspace-trust) so the apps defined in the demo workspace may run.',
      '',
      ...tryLines,
      `  Profile:     ${run}  (throw-away user data, extensions, HOME, XDG dirs; ${keepProfile ? 'kept on exit: --keep-profile' : 'deleted on exit'})`,
      '',
      `  Ctrl+C stops everything.${CODE ? ' (Your desktop VS Code instead: npm start -- --desktop)' : ''}`,
      '',
    ]);
  }
} catch (e) {
  if (stopping) await new Promise(() => {}); // interrupted while starting: stop() exits
  console.error(`start: could not start the demo: ${(e && e.message) || e}`);
  await stop(1);
}
