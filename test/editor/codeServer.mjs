// code-server with a throw-away profile, in a process group of its own that cannot outlive us.
// Shared by test/editor/run.mjs (the editor test harness) and test/demo/start.mjs (`npm start`).
//
//   const { run, dirs } = makeRunDirs('mcp-pool-et-', PROFILE_DIRS);     // fresh temp state
//   const env = isolatedEnv(dirs, { MY_RUN_MARK: run });                  // HOME, XDG_*, TMPDIR inside it
//   writeUserSettings(dirs.userData, baseUserSettings({ trustEnabled: false }));
//   const server = startCodeServer({ entry, host: '127.0.0.1', port, ... });
//   await waitHealthy(port, server, 30000, logFile);
//   ...
//   await endGroup(server.pid, 5000);   // SIGTERM the whole group, SIGKILL after the grace period
//
// Processes: every long-lived child is started through a tiny `sh` "reaper" (spawnReaped): it is the
// leader of a new process group, runs the real command in it, and kills the whole group (SIGTERM)
// once the parent process (normally: us) or the command is gone, checking every second. So even
// if this process is SIGKILLed, nothing it started survives it by more than about a second.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The VS Code versions the suite runs on (floor, newest): test/editor/versions.json. */
export const VERSIONS = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'test/editor/versions.json'), 'utf8'));

/** Where test/editor/setup.sh installs (EDITOR_TEST_CACHE, default <repo>/.vscode-test). */
export const cacheDir = (env = process.env) => path.resolve(env.EDITOR_TEST_CACHE || path.join(REPO_ROOT, '.vscode-test'));

/**
 * `floor`, `newest` or a code-server version → { name, codeServer, vscode (as versions.json has it, '' if
 * unknown), dir (its cache folder), setupArg (for setup.sh --vscode) }.
 */
export function resolveVersion(spec = 'floor', env = process.env) {
  const known = VERSIONS[spec];
  const v = known
    ? { name: spec, codeServer: known.codeServer, vscode: known.vscode }
    : Object.entries(VERSIONS)
        .filter(([k]) => k !== '//')
        .map(([name, x]) => ({ name, codeServer: x.codeServer, vscode: x.vscode }))
        .find((x) => x.codeServer === spec || x.vscode === spec);
  if (!v && !/^\d+\.\d+\.\d+$/.test(spec)) throw new Error(`unknown VS Code version "${spec}": floor, newest or a code-server version (e.g. 4.100.3)`);
  const r = v ?? { name: spec, codeServer: spec, vscode: '' };
  return { ...r, dir: path.join(cacheDir(env), `code-server-${r.codeServer}`), setupArg: v ? r.name : r.codeServer };
}

/**
 * The installed code-server of `version` (see resolveVersion): { entry, node, codeServer, vscode } from the
 * setup.json setup.sh writes last, or undefined when it is not (completely) installed, or when the Node it
 * was built with is gone. CODE_SERVER_BIN (an entry.js) overrides it, run by CODE_SERVER_NODE (default:
 * this Node); its versions are then read from its package.json files.
 */
export function installedCodeServer(version = resolveVersion('floor'), env = process.env) {
  if (env.CODE_SERVER_BIN) {
    const entry = path.resolve(env.CODE_SERVER_BIN);
    if (!fs.existsSync(entry)) return undefined;
    const pkg = path.resolve(path.dirname(entry), '../..');
    const read = (f) => {
      try {
        return JSON.parse(fs.readFileSync(f, 'utf8')).version;
      } catch {
        return '';
      }
    };
    return {
      entry,
      node: env.CODE_SERVER_NODE || process.execPath,
      codeServer: read(path.join(pkg, 'package.json')),
      vscode: read(path.join(pkg, 'lib/vscode/package.json')),
    };
  }
  try {
    const m = JSON.parse(fs.readFileSync(path.join(version.dir, 'setup.json'), 'utf8'));
    if (m.codeServer !== version.codeServer || !fs.existsSync(m.entry) || !fs.existsSync(m.node)) return undefined;
    return { entry: m.entry, node: m.node, codeServer: m.codeServer, vscode: m.vscode };
  } catch {
    return undefined;
  }
}

/** The command that installs `version` (what run.mjs and start.mjs print or run). */
export const setupCommand = (version, { chromium = false } = {}) => `bash test/editor/setup.sh --vscode ${version.setupArg}${chromium ? ' --chromium' : ''}`;

/** The per-run folders of a throw-away profile (run.mjs adds `browserProfile`). */
export const PROFILE_DIRS = ['userData', 'extensions', 'workspace', 'home', 'xdgConfig', 'xdgData', 'xdgCache', 'xdgRuntime', 'logs', 'tmp'];

/**
 * A fresh temporary folder `<tmpBase>/<prefix>XXXXXX` with one sub-folder (mode 0700) per name.
 * Keep prefix and tmpBase short: VS Code puts unix sockets under TMPDIR, and socket paths are
 * limited to ~107 bytes.
 */
export function makeRunDirs(prefix, names = PROFILE_DIRS, tmpBase = os.tmpdir()) {
  fs.mkdirSync(tmpBase, { recursive: true });
  const run = fs.mkdtempSync(path.join(tmpBase, prefix));
  const dirs = Object.fromEntries(names.map((d) => [d, path.join(run, d)]));
  Object.values(dirs).forEach((d) => fs.mkdirSync(d, { recursive: true, mode: 0o700 }));
  return { run, dirs };
}

/** Variables that would tie code-server to another instance or inject flags into its Node. */
const DROPPED_ENV = ['PASSWORD', 'HASHED_PASSWORD', 'VSCODE_IPC_HOOK_CLI', 'VSCODE_PROXY_URI', 'CODE_SERVER_PARENT_PID', 'NODE_OPTIONS'];

/**
 * This process's environment with HOME, XDG_* and TMPDIR moved into the run's folders (code-server's
 * config and logs, terminals' shell history, mcp-remote's token cache, Chromium's profile bits all
 * land there, never in the real home), no marketplace, and `extra` on top.
 */
export function isolatedEnv(dirs, extra = {}) {
  const env = {
    ...process.env,
    HOME: dirs.home,
    XDG_CONFIG_HOME: dirs.xdgConfig,
    XDG_DATA_HOME: dirs.xdgData,
    XDG_CACHE_HOME: dirs.xdgCache,
    XDG_RUNTIME_DIR: dirs.xdgRuntime,
    TMPDIR: dirs.tmp,
    ...extra,
    EXTENSIONS_GALLERY: '{}', // no marketplace (open-vsx) requests
  };
  for (const k of DROPPED_ENV) delete env[k];
  return env;
}

/** User settings for a quiet, offline workbench; `trustEnabled` = security.workspace.trust.enabled. */
export function baseUserSettings({ trustEnabled = false } = {}) {
  return {
    'telemetry.telemetryLevel': 'off',
    'workbench.startupEditor': 'none',
    'workbench.enableExperiments': false,
    'workbench.tips.enabled': false,
    'workbench.welcomePage.walkthroughs.openOnInstall': false,
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'extensions.ignoreRecommendations': true,
    'update.mode': 'none',
    'security.workspace.trust.enabled': trustEnabled,
    'chat.commandCenter.enabled': false,
    'window.commandCenter': false,
    'git.enabled': false,
    // VS Code 1.10x+ opens the Chat view in the secondary side bar of a fresh profile; keep screenshots on the extension
    'workbench.secondarySideBar.defaultVisibility': 'hidden',
  };
}

/** code-server keeps user settings server-side, in <user-data-dir>/User/settings.json. */
export function writeUserSettings(userDataDir, settings) {
  fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  fs.writeFileSync(path.join(userDataDir, 'User/settings.json'), JSON.stringify(settings, null, 2));
}

/** A config.yaml of our own, so code-server never reads or writes ~/.config/code-server/config.yaml. */
export function writeConfigYaml(file) {
  fs.writeFileSync(file, 'auth: none\ncert: false\n');
  return file;
}

/** The arguments every code-server invocation of a run shares (also `--install-extension`). */
export function commonArgs({ configFile, userDataDir, extensionsDir }) {
  return ['--config', configFile, '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir];
}

/** A port that was free on `host` a moment ago. */
export async function freePort(host = '127.0.0.1') {
  return new Promise((res, rej) => {
    const s = net.createServer();
    s.on('error', rej);
    s.listen(0, host, () => {
      const p = s.address().port;
      s.close(() => res(p));
    });
  });
}

/** Resolves true if `port` can be bound on `host` right now. */
export function portFree(port, host = '127.0.0.1') {
  return new Promise((res) => {
    const s = net.createServer();
    s.once('error', () => res(false));
    s.listen(port, host, () => s.close(() => res(true)));
  });
}

/** `host:port`, with brackets around an IPv6 address. */
export function hostPort(host, port) {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** True for 127.0.0.0/8, ::1 and localhost. */
export function isLoopback(host) {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h);
}

// $1 = pid to watch (the parent), then the command. Polls every second; `kill -TERM 0` = the whole group.
const REAPER = 'HP=$1; shift; "$@" & cs=$!; while kill -0 "$HP" 2>/dev/null && kill -0 "$cs" 2>/dev/null; do sleep 1; done; kill -TERM 0';

/**
 * Starts `command args` in a new process group led by the sh reaper (child.pid is the group id).
 * The group is SIGTERMed within a second of this process or the command ending. Note: the command
 * runs as an asynchronous list of a non-interactive shell, so its stdin is /dev/null.
 */
export function spawnReaped(command, args, { env, stdio = 'ignore', cwd, watchPid = process.pid } = {}) {
  return spawn('/bin/sh', ['-c', REAPER, 'reaper', String(watchPid), command, ...args], { env, cwd, detached: true, stdio });
}

/**
 * Starts code-server's `entry` with `node` (each code-server version wants its own Node major; see
 * installedCodeServer) (`--auth none`, no telemetry, no update check) on host:port for `workspace`,
 * through spawnReaped, its output appended to `logFile`. `workspaceTrust: false` (the default) adds --disable-workspace-trust.
 * Returns the ChildProcess (its pid is the process group to end).
 */
export function startCodeServer({
  entry,
  node = process.execPath,
  host = '127.0.0.1',
  port,
  configFile,
  userDataDir,
  extensionsDir,
  workspace,
  workspaceTrust = false,
  env,
  logFile,
}) {
  const out = fs.openSync(logFile, 'w');
  try {
    return spawnReaped(
      node,
      [
        entry,
        ...commonArgs({ configFile, userDataDir, extensionsDir }),
        '--bind-addr',
        hostPort(host, port),
        '--auth',
        'none',
        '--disable-telemetry',
        '--disable-update-check',
        ...(workspaceTrust ? [] : ['--disable-workspace-trust']),
        '--disable-getting-started-override',
        '--ignore-last-opened',
        workspace,
      ],
      { env, stdio: ['ignore', out, out] },
    );
  } finally {
    fs.closeSync(out); // the child has its own copy
  }
}

/** Polls http://host:port/healthz until it answers 200; throws if `server` exits first or after `ms`. */
export async function waitHealthy(port, server, ms, logFile, host = '127.0.0.1') {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    try {
      const r = await fetch(`http://${hostPort(host, port)}/healthz`);
      if (r.ok) return;
    } catch {
      /* not yet */
    }
    if (server.exitCode !== null) throw new Error(`code-server exited early (${server.exitCode}), see ${logFile}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('code-server did not become healthy');
}

/**
 * The workbench URL for `folder`, with a `payload` of [name, value] pairs (extensionDevelopmentPath,
 * extensionTestsPath, skipWelcome...); values given as absolute paths become vscode-remote://host:port/…
 * URIs on this server, which is how the web workbench names files of the remote extension host.
 */
export function workbenchUrl({ host = '127.0.0.1', port, folder, payload = [] }) {
  const authority = hostPort(host, port);
  const pairs = payload.map(([k, v]) => [k, typeof v === 'string' && path.isAbsolute(v) ? `vscode-remote://${authority}${v}` : v]);
  return `http://${authority}/?folder=${encodeURIComponent(folder)}${pairs.length ? `&payload=${encodeURIComponent(JSON.stringify(pairs))}` : ''}`;
}

// ---- process table ----------------------------------------------------------------------------

/**
 * Live (non-zombie) processes, from /proc: [pid, pgid, command, ppid]. Zombies are dead already (pid 1
 * reaps them, sometimes seconds later), so they do not count as left behind.
 */
export function liveProcesses() {
  const out = [];
  if (!fs.existsSync('/proc/self/stat')) return psProcesses(); // macOS (npm start --desktop)
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // state ppid pgrp ...
      if (rest[0] !== 'Z' && rest[0] !== 'X')
        out.push([Number(name), Number(rest[2]), stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')), Number(rest[1])]);
    } catch {
      /* exited meanwhile */
    }
  }
  return out;
}

/** liveProcesses() from `ps`, where there is no /proc. */
function psProcesses() {
  const r = spawnSync('ps', ['-axo', 'pid=,pgid=,ppid=,stat=,comm='], { encoding: 'utf8' });
  return (r.stdout || '')
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => f.length >= 5 && !/^[ZX]/.test(f[3]))
    .map(([pid, pgid, ppid, , ...comm]) => [Number(pid), Number(pgid), comm.join(' '), Number(ppid)]);
}

export const groupAlive = (pgid) => liveProcesses().some(([, g]) => g === pgid);

/**
 * Live descendants of `pid` (children, grandchildren, ...), as liveProcesses() entries, whatever their
 * process group: e.g. servers an extension host spawned `detached`, and the watchdog that guards them.
 */
export function descendants(pid = process.pid) {
  const all = liveProcesses();
  const found = [];
  const parents = new Set([pid]);
  for (let grew = true; grew;) {
    grew = false;
    for (const p of all) {
      if (!parents.has(p[0]) && parents.has(p[3])) {
        parents.add(p[0]);
        found.push(p);
        grew = true;
      }
    }
  }
  return found;
}

/**
 * Ends process group `pgid` (even if its leader is gone): SIGTERM, then SIGKILL if anything of it is
 * still alive after `graceMs`; `onSigkill()` is called in that case.
 */
export async function endGroup(pgid, graceMs, onSigkill = () => {}) {
  if (!groupAlive(pgid)) return;
  try {
    process.kill(-pgid, 'SIGTERM');
  } catch {
    /* gone */
  }
  const end = Date.now() + graceMs;
  while (Date.now() < end && groupAlive(pgid)) await new Promise((r) => setTimeout(r, 50));
  if (groupAlive(pgid)) {
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      /* gone */
    }
    onSigkill();
  }
}

/** SIGKILLs a whole group at once, no questions asked. */
export function killGroup(pgid) {
  try {
    process.kill(-pgid, 'SIGKILL');
  } catch {
    /* gone */
  }
}

/**
 * Live processes (other than this one) whose environment holds any of `entries` exactly
 * (`NAME=value`), e.g. a run marker every child inherits, or HOME=<the run's home>, which even the
 * pool's filtered child environment passes on. Finds processes that left their process group.
 * Linux only (/proc/<pid>/environ); elsewhere it finds nothing.
 */
export function processesWithEnv(entries) {
  const marks = entries.map((e) => Buffer.from(`\0${e}\0`));
  return liveProcesses().filter(([pid]) => {
    if (pid === process.pid) return false;
    try {
      const environ = Buffer.concat([Buffer.from([0]), fs.readFileSync(`/proc/${pid}/environ`)]);
      return marks.some((m) => environ.includes(m));
    } catch {
      return false;
    }
  });
}
