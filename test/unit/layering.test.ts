// The layering rules are part of the lint that `npm test` runs; this proves they are live:
// each probe is real code that breaks a rule, linted as if it were in the folder it names.
import * as assert from 'node:assert/strict';
import { ESLint } from 'eslint';
import { REPO_ROOT } from '../fixtures/paths';

const PROBES: { what: string; file: string; text: string; rule: string }[] = [
  {
    what: 'the pool core imports vscode',
    file: 'src/pool/errors.ts',
    text: "import * as vscode from 'vscode';\nexport const x = vscode;\n",
    rule: 'no-restricted-imports',
  },
  {
    what: 'an import parser imports vscode',
    file: 'src/import/naming.ts',
    text: "import * as vscode from 'vscode';\nexport const x = vscode;\n",
    rule: 'no-restricted-imports',
  },
  {
    what: 'the manifest imports vscode',
    file: 'src/manifest/settings.ts',
    text: "import * as vscode from 'vscode';\nexport const x = vscode;\n",
    rule: 'no-restricted-imports',
  },
  {
    what: 'the pool core imports the editor layer',
    file: 'src/pool/errors.ts',
    text: "import { Outputs } from '../output/outputs';\nexport const x = Outputs;\n",
    rule: 'no-restricted-imports',
  },
  {
    what: 'a view imports a command',
    file: 'src/views/format.ts',
    text: "import { appCommands } from '../commands/appCommands';\nexport const x = appCommands;\n",
    rule: 'no-restricted-imports',
  },
  {
    what: 'a unit test imports vscode',
    file: 'test/unit/format.test.ts',
    text: "import * as vscode from 'vscode';\nexport const x = vscode;\n",
    rule: 'no-restricted-imports',
  },
  {
    what: 'a floating promise',
    file: 'src/commands/registry.ts',
    text: 'export async function f(): Promise<void> {}\nexport function g(): void {\n  f();\n}\n',
    rule: '@typescript-eslint/no-floating-promises',
  },
  {
    what: 'a promise where a void callback is expected',
    file: 'src/commands/registry.ts',
    text: 'export function g(run: (f: () => void) => void): void {\n  run(async () => {});\n}\n',
    rule: '@typescript-eslint/no-misused-promises',
  },
  {
    what: 'a type imported as a value',
    file: 'src/pool/errors.ts',
    text: "import { AppSpec } from './types';\nexport let x: AppSpec | undefined;\n",
    rule: '@typescript-eslint/consistent-type-imports',
  },
  // holes an earlier, glob-based version of the rules let through
  {
    what: 'the pool core imports the import parsers through their index',
    file: 'src/pool/errors.ts',
    text: "import { findImportSources } from '../import';\nexport const x = findImportSources;\n",
    rule: 'no-restricted-imports',
  },
  {
    what: 'the pool core imports the manifest (which imports the pool)',
    file: 'src/pool/errors.ts',
    text: "import { Commands } from '../manifest/commands';\nexport const x = Commands;\n",
    rule: 'no-restricted-imports',
  },
  {
    what: 'the pool core imports the composition root',
    file: 'src/pool/errors.ts',
    text: "import { activate } from '../extension';\nexport const x = activate;\n",
    rule: 'no-restricted-imports',
  },
  {
    what: 'the pool core imports the client features (they use vscode)',
    file: 'src/pool/errors.ts',
    text: "import { WorkspaceRoots } from '../clientFeatures/roots';\nexport const x = WorkspaceRoots;\n",
    rule: 'no-restricted-imports',
  },
  {
    what: 'a view imports the commands folder itself',
    file: 'src/views/format.ts',
    text: "import * as c from '../commands/';\nexport const x = c;\n",
    rule: 'no-restricted-imports',
  },
  {
    what: 'a view imports the composition root',
    file: 'src/views/format.ts',
    text: "import { activate } from '../extension';\nexport const x = activate;\n",
    rule: 'no-restricted-imports',
  },
  {
    what: 'an import parser reaches vscode through the editor layer',
    file: 'src/import/formats/tasak.ts',
    text: "import { Outputs } from '../../output/outputs';\nexport const x = Outputs;\n",
    rule: 'no-restricted-imports',
  },
  {
    what: 'the gateway imports vscode',
    file: 'src/gateway/guard.ts',
    text: "import * as vscode from 'vscode';\nexport const x = vscode;\n",
    rule: 'no-restricted-imports',
  },
  {
    what: 'the gateway imports the editor layer',
    file: 'src/gateway/gateway.ts',
    text: "import { GatewayService } from '../gatewayHost/gatewayService';\nexport const x = GatewayService;\n",
    rule: 'no-restricted-imports',
  },
  {
    what: 'the gateway imports the manifest',
    file: 'src/gateway/gateway.ts',
    text: "import { Settings } from '../manifest/settings';\nexport const x = Settings;\n",
    rule: 'no-restricted-imports',
  },
  {
    what: 'the gateway imports the import parsers',
    file: 'src/gateway/gateway.ts',
    text: "import { findImportSources } from '../import';\nexport const x = findImportSources;\n",
    rule: 'no-restricted-imports',
  },
  {
    what: 'the pool core imports the gateway',
    file: 'src/pool/errors.ts',
    text: "import { Gateway } from '../gateway/gateway';\nexport const x = Gateway;\n",
    rule: 'no-restricted-imports',
  },
  {
    what: 'a vscode-free folder imports vscode dynamically',
    file: 'src/common/emitter.ts',
    text: "export const x = import('vscode');\n",
    rule: 'no-restricted-syntax',
  },
  {
    what: 'the CLI imports vscode',
    file: 'src/cli/main.ts',
    text: "import * as vscode from 'vscode';\nexport const x = vscode;\n",
    rule: 'no-restricted-imports',
  },
  {
    what: 'the CLI imports the pool core',
    file: 'src/cli/main.ts',
    text: "import { Pool } from '../pool';\nexport const x = Pool;\n",
    rule: 'no-restricted-imports',
  },
  {
    what: 'the CLI imports the editor layer',
    file: 'src/cli/format.ts',
    text: "import { schemaFields } from '../invoke/schemaArgs';\nexport const x = schemaFields;\n",
    rule: 'no-restricted-imports',
  },
  {
    what: 'a CLI command loads the MCP SDK (only the stdio relay may)',
    file: 'src/cli/main.ts',
    text: "import { Client } from '@modelcontextprotocol/sdk/client/index.js';\nexport const x = Client;\n",
    rule: 'no-restricted-imports',
  },
  {
    what: 'the CLI stdio relay imports the pool core',
    file: 'src/cli/stdioRelay.ts',
    text: "import { Pool } from '../pool/pool';\nexport const x = Pool;\n",
    rule: 'no-restricted-imports',
  },
  // the pool's four wings, its door, and the order of the editor layer
  {
    what: "the pool's process wing imports the direct wing",
    file: 'src/pool/process/launch.ts',
    text: "import { HttpLink } from '../direct/httpLink';\nexport const x = HttpLink;\n",
    rule: 'no-restricted-imports',
  },
  {
    what: "the pool's direct wing imports the process wing",
    file: 'src/pool/direct/httpLink.ts',
    text: "import { ProcessLink } from '../process/processLink';\nexport const x = ProcessLink;\n",
    rule: 'no-restricted-imports',
  },
  {
    what: "the pool's session wing imports the apps wing",
    file: 'src/pool/session/connection.ts',
    text: "import { Pool } from '../apps/pool';\nexport const x = Pool;\n",
    rule: 'no-restricted-imports',
  },
  {
    what: "the pool's session wing imports a link's own wing",
    file: 'src/pool/session/mcpSession.ts',
    text: "import { ProcessLink } from '../process/processLink';\nexport const x = ProcessLink;\n",
    rule: 'no-restricted-imports',
  },
  {
    what: 'the process wing imports the session wing',
    file: 'src/pool/process/processLink.ts',
    text: "import { McpSession } from '../session/mcpSession';\nexport const x = McpSession;\n",
    rule: 'no-restricted-imports',
  },
  {
    what: "the pool's vocabulary at the door imports a wing",
    file: 'src/pool/types.ts',
    text: "import { Pool } from './apps/pool';\nexport const x = Pool;\n",
    rule: 'no-restricted-imports',
  },
  {
    what: 'the editor layer reaches into the pool past its door',
    file: 'src/views/format.ts',
    text: "import { PooledApp } from '../pool/apps/pooledApp';\nexport const x = PooledApp;\n",
    rule: 'no-restricted-imports',
  },
  {
    what: 'the gateway reaches into the pool past its door',
    file: 'src/gateway/guard.ts',
    text: "import { PoolError } from '../pool/errors';\nexport const x = PoolError;\n",
    rule: 'no-restricted-imports',
  },
  {
    what: 'the pool imports the CLI',
    file: 'src/pool/apps/pool.ts',
    text: "import { main } from '../../cli/main';\nexport const x = main;\n",
    rule: 'no-restricted-imports',
  },
  {
    what: 'the pool imports the reaper',
    file: 'src/pool/errors.ts',
    text: "import * as r from '../reaper/main';\nexport const x = r;\n",
    rule: 'no-restricted-imports',
  },
  {
    what: 'the gateway imports the reaper',
    file: 'src/gateway/guard.ts',
    text: "import * as r from '../reaper/main';\nexport const x = r;\n",
    rule: 'no-restricted-imports',
  },
  {
    what: 'the reaper reads more of the pool than tree membership',
    file: 'src/reaper/main.ts',
    text: "import { Pool } from '../pool';\nexport const x = Pool;\n",
    rule: 'no-restricted-imports',
  },
  {
    what: 'invoke imports upward into serverFeatures',
    file: 'src/invoke/runToolCall.ts',
    text: "import * as f from '../serverFeatures/featurePickers';\nexport const x = f;\n",
    rule: 'no-restricted-imports',
  },
  {
    what: 'a view imports invoke',
    file: 'src/views/appTooltip.ts',
    text: "import * as i from '../invoke/pickers';\nexport const x = i;\n",
    rule: 'no-restricted-imports',
  },
  {
    what: 'serverFeatures imports a command',
    file: 'src/serverFeatures/runPrompt.ts',
    text: "import * as c from '../commands/promptCommands';\nexport const x = c;\n",
    rule: 'no-restricted-imports',
  },
  {
    what: 'an import cycle (a value import back into a module that imports this one)',
    file: 'src/pool/apps/callFailure.ts',
    text: "import { PooledApp } from './pooledApp';\nexport const x = PooledApp;\n",
    rule: 'import-x/no-cycle',
  },
  {
    what: 'code that decides on the text of an error message',
    file: 'src/commands/registry.ts',
    text: "export function f(e: Error): boolean {\n  return /timed out/.test(e.message) || e.message.includes('x');\n}\n",
    rule: 'no-restricted-syntax',
  },
];

describe('lint: layering and promise rules are live', function () {
  this.timeout(60_000);
  const eslint = new ESLint({ cwd: REPO_ROOT });

  for (const probe of PROBES) {
    it(`flags ${probe.what}`, async () => {
      const [result] = await eslint.lintText(probe.text, { filePath: `${REPO_ROOT}/${probe.file}` });
      const rules = result.messages.map((m) => m.ruleId);
      assert.ok(
        rules.includes(probe.rule),
        `${probe.rule} not reported for ${probe.file}: ${JSON.stringify(result.messages.map((m) => `${m.ruleId}: ${m.message}`))}`,
      );
    });
  }

  for (const [file, text] of [
    ['src/views/format.ts', "import { Commands } from '../manifest/commands';\nexport const x = Commands.refresh;\n"],
    ['src/import/naming.ts', "import { parseAppDefinitions } from '../pool';\nexport const x = parseAppDefinitions;\n"],
    ['src/manifest/settings.ts', "import { DEFAULT_SETTINGS } from '../pool';\nexport const x = DEFAULT_SETTINGS;\n"],
    ['src/views/format.ts', "import type { AppSnapshot } from '../pool';\nexport type X = AppSnapshot;\n"],
    ['src/reaper/main.ts', "import { TreeMembership } from '../pool/process/treeMembers';\nexport const x = TreeMembership;\n"],
    [
      'src/pool/apps/pooledApp.ts',
      "import { ProcessLink } from '../process/processLink';\nimport { HttpLink } from '../direct/httpLink';\nimport { McpSession } from '../session/mcpSession';\nexport const x = [ProcessLink, HttpLink, McpSession];\n",
    ],
    [
      'src/pool/process/processLink.ts',
      "import { StartError } from '../link';\nimport { DEFAULT_SETTINGS } from '../settings';\nexport const x = [StartError, DEFAULT_SETTINGS];\n",
    ],
    ['src/cli/main.ts', "import { liveEntries } from '../contract/discovery';\nexport const x = liveEntries;\n"],
    ['src/cli/stdioRelay.ts', "import { StdioServerTransport } from '@modelcontextprotocol/server/stdio';\nexport const x = StdioServerTransport;\n"],
    ['src/gateway/guard.ts', "import { Emitter } from '../common/emitter';\nimport { PoolError } from '../pool';\nexport const x = [Emitter, PoolError];\n"],
    ['src/results/renderResult.ts', "import { formatBytes } from '../common/format';\nexport const x = formatBytes;\n"],
    ['src/gateway/gateway.ts', "import { mcpPath } from '../contract/protocol';\nexport const x = mcpPath;\n"],
  ] as const) {
    it(`accepts what ${file.split('/').slice(1).join('/')} may import`, async () => {
      const [result] = await eslint.lintText(text, { filePath: `${REPO_ROOT}/${file}` });
      assert.deepEqual(
        result.messages.map((m) => `${m.ruleId}: ${m.message}`),
        [],
      );
    });
  }
});
