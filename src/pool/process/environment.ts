// The environment a child process gets is explicit: an allow-list taken from the editor's
// environment (what a CLI needs to find programs, home, temp, locale, proxies and CAs),
// plus the app's own `env`. Nothing else of the editor's environment leaks into servers:
// no VSCODE_* / ELECTRON_* internals, no NODE_OPTIONS (debugger flags), no stray tokens.

const INHERITED = [
  // finding programs and the user's files (mcp-remote keeps its token cache under HOME)
  'PATH',
  'HOME',
  'USER',
  'LOGNAME',
  'SHELL',
  'TMPDIR',
  'TEMP',
  'TMP',
  'XDG_CONFIG_HOME',
  'XDG_DATA_HOME',
  'XDG_CACHE_HOME',
  'XDG_RUNTIME_DIR',
  'DISPLAY',
  'WAYLAND_DISPLAY',
  'MCP_REMOTE_CONFIG_DIR',
  // locale and time
  'LANG',
  'LANGUAGE',
  'TZ',
  // network: proxies and certificate authorities
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'NO_PROXY',
  'ALL_PROXY',
  'http_proxy',
  'https_proxy',
  'no_proxy',
  'all_proxy',
  'NODE_EXTRA_CA_CERTS',
  'SSL_CERT_FILE',
  'SSL_CERT_DIR',
  'NODE_USE_ENV_PROXY',
  // Windows essentials
  'SystemRoot',
  'SYSTEMROOT',
  'windir',
  'WINDIR',
  'ComSpec',
  'COMSPEC',
  'PATHEXT',
  'APPDATA',
  'LOCALAPPDATA',
  'USERPROFILE',
  'HOMEDRIVE',
  'HOMEPATH',
  'ProgramData',
  'ProgramFiles',
  'ProgramFiles(x86)',
  'PROCESSOR_ARCHITECTURE',
];
/** Prefixes inherited as a family (locale categories, npm's own configuration for npx launchers). */
const INHERITED_PREFIXES = ['LC_', 'npm_config_', 'NPM_CONFIG_'];

export function childEnvironment(base: NodeJS.ProcessEnv, extra: Readonly<Record<string, string>>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(base)) {
    if (value === undefined) continue;
    if (INHERITED.includes(key) || INHERITED_PREFIXES.some((p) => key.startsWith(p))) env[key] = value;
  }
  return { ...env, ...extra };
}
