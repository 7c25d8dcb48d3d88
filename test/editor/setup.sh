#!/usr/bin/env bash
# Installs code-server (VS Code's server + web workbench, from npm) into .vscode-test/, and for the
# editor tests Debian's headless Chromium too. No network access other than Debian's apt mirror and
# the npm registry. Used by `npm start` (which calls it when code-server is missing) and by
# `npm run test:editor:setup`.
#
#   bash test/editor/setup.sh [--vscode floor|newest|both|<code-server version>] [--chromium] [--yes]
#
#   --vscode    which code-server(s) (test/editor/versions.json; default: floor)
#   --chromium  also Debian's chromium (only the editor tests need it: npm start never asks for it)
#   --yes       install missing Debian packages without asking (the same as MCP_POOL_SETUP_YES=1)
#
# Idempotent: Debian packages are installed only if missing, a code-server only if its cache folder
# (.vscode-test/code-server-<version>) does not hold a complete install (its setup.json, written
# last, names the version, the VS Code version, the Node it was built with and its entry.js).
# Progress goes to stderr; nothing is printed on stdout.
#
# System packages: apt-get, as root or through sudo (Debian/Ubuntu), only after saying what it installs
# and why, and only on a "y" typed in a terminal or with --yes / MCP_POOL_SETUP_YES=1; without a
# terminal and without either it installs nothing and exits 1 naming the flag. Elsewhere, or without
# root and sudo, it stops and prints the exact command to run (or what to install), then exits 1.
#
# Environment:
#   EDITOR_TEST_CACHE       default <repo>/.vscode-test
#   MCP_POOL_SETUP_NO_APT=1 skip the Debian step (you installed the equivalents yourself)
#   MCP_POOL_SETUP_YES=1    the same as --yes
set -euo pipefail

T0=$(date +%s)
log() { echo "[setup +$(($(date +%s) - T0))s] $*" >&2; }
die() { printf '[setup] ERROR: %s\n' "$*" >&2; exit 1; }

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
VERSIONS=$ROOT/test/editor/versions.json
CACHE=${EDITOR_TEST_CACHE:-$ROOT/.vscode-test}

WANT=floor
CHROMIUM=0
YES=${MCP_POOL_SETUP_YES:-}
[ "$YES" = 0 ] && YES=""
while [ $# -gt 0 ]; do
  case "$1" in
    --vscode) [ $# -ge 2 ] || die "--vscode needs a value (floor, newest, both or a code-server version)"; WANT=$2; shift 2 ;;
    --vscode=*) WANT=${1#--vscode=}; shift ;;
    --chromium) CHROMIUM=1; shift ;;
    --yes | -y) YES=1; shift ;;
    -h | --help) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//' >&2; exit 0 ;;
    *) die "unknown argument $1 (see --help)" ;;
  esac
done

command -v node >/dev/null || die "node is not on PATH (Node 20 or newer is needed: https://nodejs.org)"
command -v npm >/dev/null || die "npm is not on PATH"

# field NAME KEY: a value from versions.json ("" when absent)
field() { node -e 'const v = require(process.argv[1])[process.argv[2]]; const x = v && v[process.argv[3]]; process.stdout.write(x === undefined ? "" : String(x))' "$VERSIONS" "$1" "$2"; }
case "$WANT" in
  floor | newest) NAMES=("$WANT") ;;
  both | all) NAMES=(floor newest) ;;
  [0-9]*.[0-9]*.[0-9]*) NAMES=("$WANT") ;;
  *) die "--vscode $WANT: expected floor, newest, both or a code-server version like 4.100.3" ;;
esac

mkdir -p "$CACHE"
# One setup at a time (CI and a developer's terminal, npm start and a test run).
if command -v flock >/dev/null; then
  exec 9>"$CACHE/.setup.lock"
  if ! flock -n 9; then log "another setup is running on $CACHE: waiting for it"; flock 9; fi
fi
# Everything the install writes to a temp dir (node-gyp, the ripgrep download cache) stays in the cache.
mkdir -p "$CACHE/tmp"
export TMPDIR=$CACHE/tmp

ARCH=$(uname -m)
case "$ARCH" in
  x86_64) NODE_ARCH=x64 RG_TARGET=x86_64-unknown-linux-musl ;;
  aarch64 | arm64) NODE_ARCH=arm64 RG_TARGET=aarch64-unknown-linux-musl ;;
  *) die "unsupported architecture $ARCH (code-server from npm builds for x86_64 and arm64 Linux)" ;;
esac
[ "$(uname -s)" = Linux ] || die "this setup is for Linux (code-server's npm package builds native modules for Linux here); on $(uname -s) use npm start -- --editor desktop with your own VS Code"

# Resolve each wanted version: code-server version, VS Code version, Node major, node package, ripgrep seed.
declare -A CS VSC NODE_MAJOR NODE_PKG RG_SEED
for n in "${NAMES[@]}"; do
  if [ "$n" = floor ] || [ "$n" = newest ]; then
    CS[$n]=$(field "$n" codeServer) VSC[$n]=$(field "$n" vscode) NODE_MAJOR[$n]=$(field "$n" node)
    NODE_PKG[$n]=$(field "$n" nodePackage) RG_SEED[$n]=$(field "$n" ripgrepSeed)
  else
    CS[$n]=$n VSC[$n]="" RG_SEED[$n]=maybe
    engines=$(npm view "code-server@$n" engines.node 2>/dev/null) || die "code-server@$n is not on the npm registry"
    NODE_MAJOR[$n]=$(printf '%s' "$engines" | grep -oE '[0-9]+' | sed -n 1p)
    NODE_PKG[$n]=${NODE_MAJOR[$n]}
  fi
done

# ---------------------------------------------------------------------------------------------
# 1. Debian packages. code-server's native modules (kerberos, native-keymap, @vscode/spdlog, node-pty…)
#    build with node-gyp: a C/C++ toolchain, Python and these headers. Debian's ripgrep seeds the
#    floor version's @vscode/ripgrep (below). Chromium only for the tests.
PKGS=(g++ make python3 pkg-config libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev)
for n in "${NAMES[@]}"; do [ "${RG_SEED[$n]}" = false ] || { PKGS+=(ripgrep); break; }; done
[ "$CHROMIUM" = 1 ] && PKGS+=(chromium)
WHAT="a C/C++ compiler, make, Python 3, pkg-config, the Kerberos, X11, libxkbfile and libsecret development headers"
[[ " ${PKGS[*]} " == *" ripgrep "* ]] && WHAT+=", ripgrep"
[ "$CHROMIUM" = 1 ] && WHAT+=", Chromium"

if [ -n "${MCP_POOL_SETUP_NO_APT:-}" ]; then
  log "apt: skipped (MCP_POOL_SETUP_NO_APT is set): expecting the equivalents of ${PKGS[*]}"
elif ! command -v apt-get >/dev/null || ! command -v dpkg-query >/dev/null; then
  die "this setup installs Debian/Ubuntu packages with apt-get, and this system has no apt-get.
  Install the equivalents of these Debian packages with your system's package manager:
      ${PKGS[*]}
  ($WHAT)
  then run the same command again with MCP_POOL_SETUP_NO_APT=1 in front, e.g.
      MCP_POOL_SETUP_NO_APT=1 npm start"
else
  missing=()
  for p in "${PKGS[@]}"; do
    # dpkg -s also succeeds for removed-but-not-purged packages, so look at the status itself.
    [ "$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)" = installed ] || missing+=("$p")
  done
  if [ ${#missing[@]} -eq 0 ]; then
    log "apt: all of ${PKGS[*]} already installed"
  else
    INSTALL="apt-get install -y ${missing[*]}"
    if [ "$(id -u)" = 0 ]; then
      APT=(env)
    elif command -v sudo >/dev/null; then
      # A terminal may ask for the password; without one (CI), never wait for a prompt.
      if [ -t 0 ]; then APT=(sudo env); else APT=(sudo -n env); fi
      log "apt: needs root for ${missing[*]}: running it through sudo"
    else
      die "missing Debian packages: ${missing[*]}.
  Installing them needs root, and this is user $(id -un) without sudo. Run this as root:
      apt-get update && $INSTALL
  then run the same command again (npm start, or npm run test:editor:setup)."
    fi
    # Never change the system without asking: what, why, and a yes (typed, or the flag).
    log "apt: missing Debian packages: ${missing[*]}
  ($WHAT).
  code-server's native modules are compiled on this machine and need them. This runs, as root:
      apt-get update && $INSTALL"
    if [ -n "$YES" ]; then
      log "apt: going ahead (--yes / MCP_POOL_SETUP_YES)"
    elif [ -t 0 ]; then
      printf '[setup] Install them now? [y/N] ' >&2
      answer=""
      read -r answer || true
      case "$answer" in
        [yY] | [yY][eE][sS]) ;;
        *) die "not installing Debian packages (answer: ${answer:-none}). Install them yourself, as root:
      apt-get update && $INSTALL
  or run the same command again with --yes (npm start -- --yes) or MCP_POOL_SETUP_YES=1 to let this setup do it." ;;
      esac
    else
      die "not installing Debian packages without a yes: stdin is not a terminal, so nobody can answer.
  To let this setup run apt-get, run the same command again with --yes (npm start -- --yes,
  bash test/editor/setup.sh --yes …) or with MCP_POOL_SETUP_YES=1 in its environment. Or install them yourself, as root:
      apt-get update && $INSTALL
  (or MCP_POOL_SETUP_NO_APT=1 to skip this step if you installed the equivalents)."
    fi
    t=$(date +%s)
    log "apt: installing ${missing[*]} (apt-get update first; log: $CACHE/apt.log)"
    if ! "${APT[@]}" DEBIAN_FRONTEND=noninteractive apt-get update -q >"$CACHE/apt.log" 2>&1 ||
      ! "${APT[@]}" DEBIAN_FRONTEND=noninteractive $INSTALL -q >>"$CACHE/apt.log" 2>&1; then
      tail -20 "$CACHE/apt.log" >&2
      die "apt-get failed (its last lines above; all of it in $CACHE/apt.log). Install the packages yourself, as root:
      apt-get update && $INSTALL
  then run the same command again."
    fi
    log "apt: installed ${missing[*]} in $(($(date +%s) - t)) s"
  fi
fi
if [ "$CHROMIUM" = 1 ] && [ -z "${CHROMIUM_BIN:-}" ] && [ ! -x /usr/bin/chromium ]; then
  die "/usr/bin/chromium is missing (Debian's chromium package); install Chromium or set CHROMIUM_BIN to its binary"
fi

# ---------------------------------------------------------------------------------------------
# 2. A Node of the major code-server wants: `node` on PATH if it is that major, else the npm package
#    node-linux-<arch>@<version> (the official build, with C headers for node-gyp) in the cache.
NODE_BIN="" NODE_DIR=""
node_for() { # major pkgversion -> sets NODE_BIN, NODE_DIR (its prefix, for npm_config_nodedir; "" = let npm decide)
  local major=$1 pkg=$2 sys
  sys=$(command -v node)
  if [ "$("$sys" -p 'process.versions.node.split(".")[0]')" = "$major" ]; then
    NODE_BIN=$(readlink -f "$sys")
    local prefix; prefix=$(dirname "$(dirname "$NODE_BIN")")
    if [ -f "$prefix/include/node/node.h" ]; then NODE_DIR=$prefix; else NODE_DIR=""; fi
    return
  fi
  local dir=$CACHE/node-$pkg
  NODE_DIR=$dir/node_modules/node-linux-$NODE_ARCH
  NODE_BIN=$NODE_DIR/bin/node
  if [ -x "$NODE_BIN" ] && [ -f "$dir/.setup-complete" ]; then
    log "node: $("$NODE_BIN" --version) already in $dir"
    return
  fi
  local t; t=$(date +%s)
  log "node: $(node --version) is on PATH, code-server wants Node $major: installing node-linux-$NODE_ARCH@$pkg from npm into $dir"
  rm -rf "$dir" && mkdir -p "$dir"
  echo '{ "name": "editor-test-node", "private": true, "description": "cache for test/editor/setup.sh" }' >"$dir/package.json"
  (cd "$dir" && npm install --no-audit --no-fund --no-save --loglevel=error "node-linux-$NODE_ARCH@$pkg" >&2) ||
    die "npm install node-linux-$NODE_ARCH@$pkg failed"
  [ "$("$NODE_BIN" -p 'process.versions.node.split(".")[0]')" = "$major" ] || die "$NODE_BIN is not Node $major"
  touch "$dir/.setup-complete"
  log "node: $("$NODE_BIN" --version) installed in $(($(date +%s) - t)) s"
}

# 3. @vscode/ripgrep's postinstall (in the floor version) downloads rg from GitHub unless its cache
#    already holds the asset. Read which version code-server pins and which release tag/cache path that
#    version uses, then seed the cache with Debian's rg. Newer versions ship the binaries in the package.
seed_ripgrep() { # version required(true|maybe)
  local v=$1 required=$2 work rgpkg tag rgcache rg
  work=$(mktemp -d "$CACHE/tmp/seed.XXXXXX")
  ( cd "$work" && npm pack --silent "code-server@$v" >/dev/null ) || die "npm pack code-server@$v failed"
  tar -xzf "$work/code-server-$v.tgz" -C "$work" package/lib/vscode/npm-shrinkwrap.json
  rgpkg=$(node -e '
    const s = require(process.argv[1]);
    const p = s.packages && s.packages["node_modules/@vscode/ripgrep"];
    if (!p) process.exit(1);
    console.log(p.version);' "$work/package/lib/vscode/npm-shrinkwrap.json") ||
    die "no node_modules/@vscode/ripgrep in code-server's lib/vscode/npm-shrinkwrap.json"
  ( cd "$work" && npm pack --silent "@vscode/ripgrep@$rgpkg" >/dev/null ) || die "npm pack @vscode/ripgrep@$rgpkg failed"
  mkdir "$work/rg" && tar -xzf "$work/vscode-ripgrep-$rgpkg.tgz" -C "$work/rg"
  tag=$(sed -n "s/^const VERSION = '\([^']*\)'.*/\1/p" "$work/rg/package/lib/postinstall.js" 2>/dev/null || true)
  if [ -z "$tag" ] || ! grep -q 'os.tmpdir(), `vscode-ripgrep-cache-${packageVersion}`' "$work/rg/package/lib/download.js" 2>/dev/null; then
    rm -rf "$work"
    [ "$required" = true ] && die "@vscode/ripgrep@$rgpkg no longer downloads into os.tmpdir()/vscode-ripgrep-cache-<version>; update setup.sh"
    log "ripgrep: @vscode/ripgrep@$rgpkg needs no download cache"
    return
  fi
  rg=$(command -v rg) || die "rg missing (Debian package ripgrep)"
  rgcache=$(node -p 'require("os").tmpdir()')/vscode-ripgrep-cache-$rgpkg
  mkdir -p "$rgcache" "$work/rgbin"
  cp "$rg" "$work/rgbin/rg"
  tar -czf "$rgcache/ripgrep-$tag-$RG_TARGET.tar.gz" -C "$work/rgbin" rg
  rm -rf "$work"
  log "ripgrep: seeded $rgcache/ripgrep-$tag-$RG_TARGET.tar.gz from $rg ($("$rg" --version | sed -n 1p))"
}

# ---------------------------------------------------------------------------------------------
# 4. code-server, one folder per version.
install_code_server() { # name
  local n=$1 v=${CS[$1]} dir pkg entry marker t pid waited vscode
  dir=$CACHE/code-server-$v
  pkg=$dir/node_modules/code-server
  entry=$pkg/out/node/entry.js
  marker=$dir/setup.json
  if [ -f "$marker" ] && [ -f "$entry" ]; then
    local node; node=$(node -p 'require(process.argv[1]).node' "$marker")
    if [ -x "$node" ] && [ "$("$node" -p 'process.versions.node.split(".")[0]')" = "${NODE_MAJOR[$n]}" ]; then
      log "code-server $v (VS Code $(node -p 'require(process.argv[1]).vscode' "$marker")) already installed in $dir"
      return
    fi
    log "code-server $v: the Node it was built with ($node) is gone or changed: reinstalling"
  fi
  node_for "${NODE_MAJOR[$n]}" "${NODE_PKG[$n]}"

  t=$(date +%s)
  log "code-server $v: installing into $dir with Node $("$NODE_BIN" --version) (npm install, builds native modules: about 2 minutes on 2 cores, once)"
  rm -rf "$dir"
  mkdir -p "$dir"
  # A package.json of its own, or npm would walk up and install into the project.
  echo '{ "name": "editor-test-code-server", "private": true, "description": "cache for test/editor/setup.sh" }' >"$dir/package.json"
  [ "${RG_SEED[$n]}" = false ] || seed_ripgrep "$v" "${RG_SEED[$n]}"
  # unsafe_perm: code-server's postinstall refuses to run as root without it; yes: node-pty's postinstall
  # calls `npx node-gyp` and must not prompt. That Node first on PATH (npm and node-gyp run on it), its
  # headers for node-gyp (never downloaded).
  (
    cd "$dir"
    # Under `npm run …` (npm start, npm run test:editor:setup) the outer npm's view of Node leaks in:
    # code-server's postinstall reads the Node major from npm_config_user_agent ("… node/v20.20.2 …").
    unset npm_config_user_agent npm_node_execpath npm_execpath NODE
    export PATH="$(dirname "$NODE_BIN"):$PATH"
    [ -n "$NODE_DIR" ] && export npm_config_nodedir=$NODE_DIR
    npm_config_yes=true npm_config_unsafe_perm=true npm_config_update_notifier=false \
      exec npm install --no-audit --no-fund --foreground-scripts "code-server@$v" >"$dir/install.log" 2>&1
  ) &
  pid=$!
  waited=0
  while kill -0 "$pid" 2>/dev/null; do
    sleep 1
    waited=$((waited + 1))
    [ $((waited % 20)) = 0 ] && kill -0 "$pid" 2>/dev/null &&
      log "code-server $v: still installing ($waited s; $(wc -l <"$dir/install.log") log lines in $dir/install.log)"
  done
  wait "$pid" || { tail -40 "$dir/install.log" >&2; die "npm install code-server@$v failed (log: $dir/install.log)"; }

  [ -f "$entry" ] || die "$entry missing after install"
  # @vscode/ripgrep (bin/rg) up to ~1.10x, @vscode/ripgrep-universal (bin/<platform>/rg) later
  [ -n "$(find "$pkg/lib/vscode/node_modules/@vscode" -path '*ripgrep*' -name rg -type f -perm -u+x -print -quit 2>/dev/null)" ] ||
    die "code-server's ripgrep binary missing after install"
  [ "$(node -p 'require(process.argv[1]).version' "$pkg/package.json")" = "$v" ] || die "installed code-server is not $v"
  vscode=$(node -p 'require(process.argv[1]).version' "$pkg/lib/vscode/package.json")
  [ -z "${VSC[$n]}" ] || [ "${VSC[$n]}" = "$vscode" ] || die "code-server $v contains VS Code $vscode, versions.json says ${VSC[$n]}"
  node -e '
    const [file, codeServer, vscode, node, entry, seconds] = process.argv.slice(1);
    require("fs").writeFileSync(file, JSON.stringify({ codeServer, vscode, node, nodeVersion: require("child_process")
      .execFileSync(node, ["--version"], { encoding: "utf8" }).trim(), entry, seconds: Number(seconds) }, null, 2) + "\n");' \
    "$marker" "$v" "$vscode" "$NODE_BIN" "$entry" "$(($(date +%s) - t))"
  log "code-server $v (VS Code $vscode) installed in $(($(date +%s) - t)) s ($(du -sh "$dir" | cut -f1))"
}

for n in "${NAMES[@]}"; do install_code_server "$n"; done
rm -rf "$CACHE/tmp"
log "done"
