// Waiting on a promise that a caller may give up on.

/** `p`, or the error of `makeError()` as soon as `signal` aborts (`p` itself goes on). */
export function untilAborted<T>(p: Promise<T>, signal: AbortSignal | undefined, makeError: () => Error): Promise<T> {
  if (!signal) return p;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(makeError());
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
