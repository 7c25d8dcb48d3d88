// Minimal typings for js-yaml 4 (already installed, ships no types). Only what src/import uses.
declare module 'js-yaml' {
  export interface LoadOptions {
    filename?: string;
    json?: boolean;
  }
  export function load(text: string, options?: LoadOptions): unknown;
  export class YAMLException extends Error {
    reason: string;
    mark?: { line: number; column: number };
  }
}
