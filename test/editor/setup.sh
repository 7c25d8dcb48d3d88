#!/usr/bin/env bash
# Installs what test/editor/run.mjs needs to run the extension's suite inside a real VS Code
# (code-server's web workbench + remote Node extension host, driven by Debian's headless Chromium),
# with no network access other than Debian's apt mirror and the npm registry.
#
#   bash test/editor/setup.sh          # or: npm run test:editor:setup
#
# Idempotent: Debian packages are installed only if missing, code-server only if the cache does
# not already hold a complete install of the pinned version. The last line on stdout is the path
# of code-server's entry.js (what run.mjs uses, or what CODE_SERVER_BIN may point at); everything
# else goes to stderr.
#
# Environment:
#   CODE_SERVER_VERSION  default 4.99.4 (= VS Code 1.99.3; needs Node 20; 4.100.3 is the newest on Node 20)
#   EDITOR_TEST_CACHE    default <repo>/.vscode-test (code-server goes into <cache>/code-server)
set -euo pipefail

T0=$(date +%s)
log() { echo "[setup +$(($(date +%s) - T0))s] $*" >&2; }
die() { echo "[setup] ERROR: $*" >&2; exit 1; }

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
CS_VERSION=${CODE_SERVER_VERSION:-4.99.4}
CACHE=${EDITOR_TEST_CACHE:-$ROOT/.vscode-test}
CS_DIR=$CACHE/code-server
CS_PKG=$CS_DIR/node_modules/code-server
ENTRY=$CS_PKG/out/node/entry.js
MARKER=$CS_DIR/.setup-complete # holds the installed version; written last

mkdir -p "$CACHE"
# One setup at a time (CI and a developer's terminal, or two parallel test jobs).
exec 9>"$CACHE/.setup.lock"
flock 9

SUDO=()
if [ "$(id -u)" != 0 ]; then
  command -v sudo >/dev/null || die "not root and no sudo: install the Debian packages by hand"
  SUDO=(sudo)
fi

# ---------------------------------------------------------------------------------------------
# 1. Debian packages: headers for code-server's native modules (kerberos, native-keymap,
#    @vscode/spdlog, node-pty ...), Debian's ripgrep (seeds @vscode/ripgrep below) and Chromium.
PKGS=(libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev pkg-config ripgrep chromium)
missing=()
for p in "${PKGS[@]}"; do
  # dpkg -s also succeeds for removed-but-not-purged packages, so look at the status itself.
  [ "$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)" = installed ] || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  log "apt: installing ${missing[*]}"
  "${SUDO[@]}" apt-get update -qq >&2
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >&2
  log "apt: done"
else
  log "apt: all of ${PKGS[*]} already installed"
fi
[ -x /usr/bin/chromium ] || die "/usr/bin/chromium missing after apt"
RG=$(command -v rg) || die "rg missing after apt"

# ---------------------------------------------------------------------------------------------
# 2. code-server
if [ -f "$MARKER" ] && [ "$(cat "$MARKER")" = "$CS_VERSION" ] && [ -f "$ENTRY" ]; then
  log "code-server $CS_VERSION already installed in $CS_DIR"
  echo "$ENTRY"
  exit 0
fi

NODE_MAJOR=$(node -p 'process.versions.node.split(".")[0]')
[ "$NODE_MAJOR" = 20 ] || die "code-server $CS_VERSION needs Node 20 (its postinstall checks), this is $(node --version)"

log "installing code-server $CS_VERSION into $CS_DIR"
rm -rf "$CS_DIR"
mkdir -p "$CS_DIR" "$CACHE/tmp"
# A package.json of its own, or npm would walk up and install into the project.
echo '{ "name": "editor-test-code-server", "private": true, "description": "cache for test/editor/setup.sh" }' >"$CS_DIR/package.json"

# Everything the install writes to a temp dir (node-gyp, the ripgrep download cache) stays in the cache.
export TMPDIR=$CACHE/tmp
# native modules build with node-gyp against the local Node headers; never download them.
if [ -z "${npm_config_nodedir:-}" ] && [ "$(npm config get nodedir 2>/dev/null || true)" = undefined ]; then
  NODE_PREFIX=$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")
  [ -f "$NODE_PREFIX/include/node/node.h" ] && export npm_config_nodedir=$NODE_PREFIX
fi

# 2a. @vscode/ripgrep's postinstall downloads rg from GitHub unless its cache already holds the
#     asset. Read which version code-server pins and which release tag/cache path that version
#     uses, then seed the cache with Debian's rg.
work=$(mktemp -d "$CACHE/tmp/seed.XXXXXX")
trap 'rm -rf "$work"' EXIT
( cd "$work" && npm pack --silent "code-server@$CS_VERSION" >/dev/null ) || die "npm pack code-server@$CS_VERSION failed"
tar -xzf "$work/code-server-$CS_VERSION.tgz" -C "$work" package/lib/vscode/npm-shrinkwrap.json
RG_PKG_VERSION=$(node -e '
  const s = require(process.argv[1]);
  const p = s.packages && s.packages["node_modules/@vscode/ripgrep"];
  if (!p) process.exit(1);
  console.log(p.version);' "$work/package/lib/vscode/npm-shrinkwrap.json") ||
  die "no node_modules/@vscode/ripgrep in code-server's lib/vscode/npm-shrinkwrap.json"
( cd "$work" && npm pack --silent "@vscode/ripgrep@$RG_PKG_VERSION" >/dev/null ) || die "npm pack @vscode/ripgrep@$RG_PKG_VERSION failed"
mkdir "$work/rg" && tar -xzf "$work/vscode-ripgrep-$RG_PKG_VERSION.tgz" -C "$work/rg"
RG_TAG=$(sed -n "s/^const VERSION = '\([^']*\)'.*/\1/p" "$work/rg/package/lib/postinstall.js")
[ -n "$RG_TAG" ] || die "no VERSION constant in @vscode/ripgrep@$RG_PKG_VERSION lib/postinstall.js"
grep -q 'os.tmpdir(), `vscode-ripgrep-cache-${packageVersion}`' "$work/rg/package/lib/download.js" ||
  die "@vscode/ripgrep@$RG_PKG_VERSION lib/download.js no longer caches in os.tmpdir()/vscode-ripgrep-cache-<version>; update setup.sh"
case "$(uname -m)" in
  x86_64) RG_TARGET=x86_64-unknown-linux-musl ;;
  aarch64 | arm64) RG_TARGET=aarch64-unknown-linux-musl ;;
  *) die "unsupported architecture $(uname -m) for the ripgrep seed" ;;
esac
RG_CACHE=$(node -p 'require("os").tmpdir()')/vscode-ripgrep-cache-$RG_PKG_VERSION
mkdir -p "$RG_CACHE" "$work/rgbin"
cp "$RG" "$work/rgbin/rg"
tar -czf "$RG_CACHE/ripgrep-$RG_TAG-$RG_TARGET.tar.gz" -C "$work/rgbin" rg
log "seeded $RG_CACHE/ripgrep-$RG_TAG-$RG_TARGET.tar.gz from $RG ($("$RG" --version | head -1))"

# 2b. The install itself. unsafe_perm: code-server's postinstall refuses to run as root without it;
#     yes: node-pty's postinstall calls `npx node-gyp` and must not prompt.
log "npm install code-server@$CS_VERSION (builds native modules, ~2 min on 2 cores)"
(
  cd "$CS_DIR"
  npm_config_yes=true npm_config_unsafe_perm=true npm_config_update_notifier=false \
    npm install --no-audit --no-fund --foreground-scripts "code-server@$CS_VERSION" >"$CS_DIR/install.log" 2>&1
) || { tail -40 "$CS_DIR/install.log" >&2; die "npm install code-server@$CS_VERSION failed (log: $CS_DIR/install.log)"; }

[ -f "$ENTRY" ] || die "$ENTRY missing after install"
[ -x "$CS_PKG/lib/vscode/node_modules/@vscode/ripgrep/bin/rg" ] || die "code-server's ripgrep binary missing after install"
INSTALLED=$(node -p 'require(process.argv[1]).version' "$CS_PKG/package.json")
[ "$INSTALLED" = "$CS_VERSION" ] || die "installed code-server is $INSTALLED, wanted $CS_VERSION"
echo "$CS_VERSION" >"$MARKER"
log "code-server $CS_VERSION installed ($(du -sh "$CS_DIR" | cut -f1))"
echo "$ENTRY"
