// What an MCP error answer means. -32001 (RequestTimeout) has two sources: the SDK's own request
// timeout, which carries `data.timeout`, and mcp-remote, which answers a request with -32001 at
// once when it cannot forward it (remote down, an HTTP error, the session gone) — without it.
// And a tool result that does not match its output schema, told apart from a rejection of arguments.
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/ajv-provider.js';
import type { JsonSchemaType, JsonSchemaValidator, jsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/types.js';

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

/**
 * A result whose structuredContent does not match the tool's output schema, found by the SDK's
 * check on this side. The SDK reports it as InvalidParams, which would read as "the server rejected
 * the arguments"; thrown from the validator as an McpError, it reaches the caller as it is.
 */
export class OutputSchemaMismatch extends McpError {
  constructor(readonly detail: string) {
    super(ErrorCode.InvalidParams, `the result does not match the tool's output schema: ${detail}`);
    this.name = 'OutputSchemaMismatch';
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
        if (!verdict.valid) throw new OutputSchemaMismatch(verdict.errorMessage);
        return verdict;
      };
    },
  };
}

/**
 * What the other side said in its error answer: the SDK's McpError puts "MCP error <code>: " before
 * it, which a relay must not pass on (its client's SDK adds it again).
 */
export function serverWords(e: McpError): string {
  const framed = e.message;
  const frame = `MCP error ${e.code}: `;
  return framed.startsWith(frame) ? framed.slice(frame.length) : framed;
}
