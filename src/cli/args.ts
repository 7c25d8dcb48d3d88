// The command line of `mcp-pool`, read into what to do: a command, its positional words, the
// arguments of a call, the global options. Pure: no I/O, so every rule is unit-tested.

export type CommandName = 'status' | 'tools' | 'call' | 'resources' | 'read' | 'prompts' | 'prompt' | 'stdio' | 'help' | 'version';

/** One `key=value` (coerced by the tool's schema) or `key:=json` (taken as JSON, never coerced). */
export interface KeyValue {
  readonly key: string;
  readonly value: string;
  readonly json: boolean;
}

export interface Invocation {
  readonly command: CommandName;
  /** Positional words after the command (app, tool, uri, prompt name, help topic). */
  readonly words: readonly string[];
  readonly pairs: readonly KeyValue[];
  /** `--json ARGS` or a positional `{…}`: the arguments as JSON text. */
  readonly argsJson?: string;
  /** `-`: JSON arguments come from stdin. */
  readonly argsFromStdin: boolean;
  /** Print the raw result as JSON. */
  readonly json: boolean;
  /** Progress lines on stderr even when it is not a terminal. */
  readonly progress: boolean;
  /** `--pool <pid|folder>`. */
  readonly pool?: string;
  /** `stdio --fallback CMD ARGS…`: everything after --fallback. */
  readonly fallback?: readonly string[];
}

export class UsageError extends Error {
  constructor(
    message: string,
    /** The command whose help says how to use it. */
    readonly command?: CommandName,
  ) {
    super(message);
  }
}

const COMMANDS: readonly CommandName[] = ['status', 'tools', 'call', 'resources', 'read', 'prompts', 'prompt', 'stdio', 'help', 'version'];

/** How many positional words each command takes: [min, max]. */
const ARITY: Record<CommandName, readonly [number, number]> = {
  status: [0, 0],
  tools: [1, 1],
  call: [2, 2],
  resources: [1, 1],
  read: [2, 2],
  prompts: [1, 1],
  prompt: [2, 2],
  stdio: [1, 1],
  help: [0, 1],
  version: [0, 0],
};

const WORDS: Record<CommandName, string> = {
  status: '',
  tools: '<app>',
  call: '<app> <tool>',
  resources: '<app>',
  read: '<app> <uri>',
  prompts: '<app>',
  prompt: '<app> <name>',
  stdio: '<app>',
  help: '[command]',
  version: '',
};

export function isCommand(word: string): word is CommandName {
  return (COMMANDS as readonly string[]).includes(word);
}

/** `key=value` / `key:=json`, or undefined when the word is not one (no `=`, or nothing before it). */
export function parseKeyValue(word: string): KeyValue | undefined {
  const eq = word.indexOf('=');
  if (eq <= 0) return undefined;
  if (word[eq - 1] === ':' && eq > 1) return { key: word.slice(0, eq - 1), value: word.slice(eq + 1), json: true };
  return { key: word.slice(0, eq), value: word.slice(eq + 1), json: false };
}

/** Reads argv (without node and the script). Throws UsageError. */
export function parseArgs(argv: readonly string[]): Invocation {
  let command: CommandName | undefined;
  const words: string[] = [];
  const pairs: KeyValue[] = [];
  let argsJson: string | undefined;
  let argsFromStdin = false;
  let json = false;
  let progress = false;
  let help = false;
  let version = false;
  let pool: string | undefined;
  let fallback: string[] | undefined;
  let endOfOptions = false;

  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!endOfOptions && a.startsWith('-') && a !== '-') {
      const [flag, inline] = a.startsWith('--') && a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
      const value = (): string => {
        if (inline !== undefined) return inline;
        const next = argv[i + 1];
        if (next === undefined) throw new UsageError(`${flag} needs a value`, command);
        i++;
        return next;
      };
      switch (flag) {
        case '--':
          endOfOptions = true;
          break;
        case '-h':
        case '--help':
          help = true;
          break;
        case '-V':
        case '--version':
          version = true;
          break;
        case '--progress':
          progress = true;
          break;
        case '--pool':
          pool = value();
          break;
        case '--json':
          // In `call`, `--json {…}` gives the arguments; a bare `--json` asks for the raw result.
          if (command === 'call' && (inline ?? argv[i + 1] ?? '').trimStart().startsWith('{')) {
            if (argsJson !== undefined) throw new UsageError('the arguments were given as JSON twice', command);
            argsJson = value();
          } else if (inline !== undefined) throw new UsageError('--json takes no value here', command);
          else json = true;
          break;
        case '--fallback':
          if (command !== 'stdio') throw new UsageError('--fallback belongs to `mcp-pool stdio <app> --fallback CMD ARGS…`', command);
          if (inline !== undefined) throw new UsageError('--fallback takes the command and its arguments as separate words: --fallback CMD ARGS…', command);
          fallback = argv.slice(i + 1);
          if (!fallback.length) throw new UsageError('--fallback needs a command: --fallback CMD ARGS…', command);
          i = argv.length;
          break;
        default:
          throw new UsageError(`unknown option ${flag}`, command);
      }
      continue;
    }
    if (command === undefined) {
      if (!isCommand(a)) throw new UsageError(`unknown command "${a}"`);
      command = a;
      continue;
    }
    const max = ARITY[command][1];
    if (command === 'call' && words.length >= 2) {
      if (a === '-') {
        if (argsFromStdin) throw new UsageError('`-` (arguments from stdin) given twice', command);
        argsFromStdin = true;
      } else if (a.trimStart().startsWith('{')) {
        if (argsJson !== undefined) throw new UsageError('the arguments were given as JSON twice', command);
        argsJson = a;
      } else {
        const kv = parseKeyValue(a);
        if (!kv) throw new UsageError(`"${a}" is not an argument: write key=value (or key:=JSON)`, command);
        pairs.push(kv);
      }
      continue;
    }
    if (command === 'prompt' && words.length >= 2) {
      const kv = parseKeyValue(a);
      if (!kv) throw new UsageError(`"${a}" is not an argument: write key=value`, command);
      pairs.push(kv);
      continue;
    }
    if (words.length >= max) throw new UsageError(`too many words: ${command} takes ${WORDS[command] || 'none'}`, command);
    words.push(a);
  }

  if (version && command === undefined) command = 'version';
  if (help || command === undefined)
    return { command: 'help', words: command && command !== 'help' ? [command] : words, pairs: [], argsFromStdin: false, json: false, progress: false };
  const [min] = ARITY[command];
  if (words.length < min) throw new UsageError(`missing ${WORDS[command].split(' ').slice(words.length).join(' ')}`, command);
  if (argsFromStdin && argsJson !== undefined) throw new UsageError('give the JSON arguments either with --json or with - (stdin), not both', command);
  if (
    json &&
    command !== 'status' &&
    command !== 'tools' &&
    command !== 'call' &&
    command !== 'resources' &&
    command !== 'read' &&
    command !== 'prompts' &&
    command !== 'prompt'
  ) {
    throw new UsageError(`--json does not apply to ${command}`, command);
  }
  return { command, words, pairs, argsJson, argsFromStdin, json, progress, pool, fallback };
}

export function usageLine(command: CommandName): string {
  return `mcp-pool ${command}${WORDS[command] ? ` ${WORDS[command]}` : ''}`;
}
