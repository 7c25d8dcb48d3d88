// Why a host cannot be reached, in the resolver's words: mcp-remote reports only "fetch failed" (the
// cause hidden in its stderr as `[cause]: [Error]`), so after it exits the pool asks the resolver itself.
import { lookup } from 'node:dns/promises';

/** `getaddrinfo ENOTFOUND host` when the URL's host does not resolve; undefined when it does (or the URL has no name to look up). */
export async function hostLookupFailure(url: string, timeoutMs = 3000): Promise<string | undefined> {
  let host: string;
  try {
    host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  } catch {
    return undefined;
  }
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), timeoutMs)));
  try {
    return await Promise.race([
      lookup(host).then(
        () => undefined,
        (e: NodeJS.ErrnoException) => e.message || `getaddrinfo ${e.code ?? 'failed'} ${host}`,
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
