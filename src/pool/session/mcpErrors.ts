// What an MCP error answer means, and the one place where the SDK v2 client's errors become the
// pool's. The pool's error vocabulary stays the 1.x McpError (code, message "MCP error <code>: …",
// data) that callFailure.ts, the gateway and the CLI read: the session translates every error of
// the v2 Client at its boundary (fromSdk), so nothing past it knows which SDK made the call.
//
// -32001 (RequestTimeout) has two sources: the SDK's own request timeout, which carries
// `data.timeout`, and mcp-remote, which answers a request with -32001 at once when it cannot
// forward it (remote down, an HTTP error, the session gone) — without it. And a tool result that
// does not match its output schema, told apart from a rejection of arguments.
import { ProtocolError, ProtocolErrorCode, SdkError, SdkErrorCode } from '@modelcontextprotocol/client';
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/client/validators/ajv';
import type { JsonSchemaType, JsonSchemaValidator, jsonSchemaValidator } from '@modelcontextprotocol/client';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';

function isRequestTimeoutCode(e: unknown): e is McpError {
  return e instanceof McpError && e.code === (ErrorCode.RequestTimeout as number);
}

/** The SDK gave up waiting: nothing answered within the request's timeout. */
export function isOwnTimeout(e: unknown): e is McpError {
  if (!isRequestTimeoutCode(e)) return false;
  const data = e.data as { timeout?: unknown } | undefined;
  return typeof data?.timeout === 'number';
}

/** The other side (mcp-remote) answered that it could not forward the request. */
export function isUnforwarded(e: unknown): e is McpError {
  return isRequestTimeoutCode(e) && !isOwnTimeout(e);
}

/** The error a call's own clock aborts it with (callClock.ts): the SDK passes an SdkError reason on as it is. */
export function ownTimeout(ms: number): SdkError {
  return new SdkError(SdkErrorCode.RequestTimeout, 'Request timed out', { timeout: ms });
}

/**
 * A result whose structuredContent does not match the tool's output schema, found by the SDK's
 * check on this side. The SDK reports it as InvalidParams, which would read as "the server rejected
 * the arguments"; the session turns it into this error, which the caller can tell apart.
 */
export class OutputSchemaMismatch extends McpError {
  constructor(readonly detail: string) {
    super(ErrorCode.InvalidParams, `the result does not match the tool's output schema: ${detail}`);
    this.name = 'OutputSchemaMismatch';
  }
}

/** What the validator throws inside the v2 Client: a ProtocolError, so the SDK passes it on as it is (fromSdk makes it an OutputSchemaMismatch). */
class MismatchFound extends ProtocolError {
  constructor(readonly detail: string) {
    super(ProtocolErrorCode.InvalidParams, `the result does not match the tool's output schema: ${detail}`);
  }
}

/** The SDK's Ajv validator, reporting a mismatch as an OutputSchemaMismatch (the Client uses it for tool outputs only). */
export function outputSchemaValidator(): jsonSchemaValidator {
  const ajv = new AjvJsonSchemaValidator();
  return {
    getValidator<T>(schema: JsonSchemaType): JsonSchemaValidator<T> {
      const check = ajv.getValidator<T>(schema);
      return (input) => {
        const verdict = check(input);
        if (!verdict.valid) throw new MismatchFound(verdict.errorMessage);
        return verdict;
      };
    },
  };
}

/** UnsupportedProtocolVersion (2026-07-28): the request was addressed in an era the server does not speak. */
export const UNSUPPORTED_PROTOCOL_VERSION = -32022;

/**
 * A 2025-era answer on a connection that speaks 2026-07-28 (a result without `resultType`): the
 * server is not (any longer) the modern server the pool remembered. Carries -32022, as the server's
 * own refusal would, so the connection forgets the verdict (connection.ts).
 */
export class AnsweredInOtherEra extends McpError {
  constructor(detail: string) {
    super(UNSUPPORTED_PROTOCOL_VERSION, `the server answered as a 2025-era server on a connection that speaks 2026-07-28 (${detail})`);
    this.name = 'AnsweredInOtherEra';
  }
}

/** SDK v2 error codes that mean what a 1.x McpError code meant. */
const SDK_CODES: Partial<Record<SdkErrorCode, number>> = {
  [SdkErrorCode.RequestTimeout]: ErrorCode.RequestTimeout,
  [SdkErrorCode.ConnectionClosed]: ErrorCode.ConnectionClosed,
};

/**
 * The pool's error for what the v2 Client threw: the server's error answer (a ProtocolError) as the
 * McpError a 1.x client made of it; the SDK's own timeout and closed connection as their 1.x codes;
 * everything else as it is (an Error whose message says what happened).
 */
export function fromSdk(e: unknown): unknown {
  if (e instanceof McpError) return e;
  if (e instanceof MismatchFound) return new OutputSchemaMismatch(e.detail);
  // (McpError frames the words as "MCP error <code>: …": the frame a 1.x server already put on the wire is dropped first)
  if (e instanceof ProtocolError) return new McpError(e.code, unframed(e.message, e.code), e.data);
  if (e instanceof SdkError) {
    const code = SDK_CODES[e.code];
    if (code !== undefined) return new McpError(code, e.message, e.data);
    if (e.code === SdkErrorCode.ListPaginationExceeded) return new Error(`the server's list did not end (${e.message})`);
    // SDK v2 2.4.0 gives a missing resultType no code or data of its own (InvalidResult covers every malformed result): its words are all there is
    // eslint-disable-next-line no-restricted-syntax
    if (e.code === SdkErrorCode.InvalidResult && /missing required resultType/.test(e.message)) return new AnsweredInOtherEra('its result has no resultType');
  }
  return e;
}

/**
 * What the other side said in its error answer: the SDK's McpError puts "MCP error <code>: " before
 * it, which a relay must not pass on (its client's SDK adds it again).
 */
export function serverWords(e: McpError): string {
  return unframed(e.message, e.code);
}

/** Words without the "MCP error <code>: " an SDK put before them, as often as it did. */
function unframed(words: string, code: number): string {
  const frame = `MCP error ${code}: `;
  while (words.startsWith(frame)) words = words.slice(frame.length);
  return words;
}
