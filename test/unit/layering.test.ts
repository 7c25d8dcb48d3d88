// The layering rules are part of the lint that `npm test` runs; this proves they are live:
// each probe is real code that breaks a rule, linted as if it were in the folder it names.
import * as assert from 'node:assert/strict';
import { ESLint } from 'eslint';
import { REPO_ROOT } from '../fixtures/paths';

const PROBES: { what: string; file: string; text: string; rule: string }[] = [
  { what: 'the pool core imports vscode', file: 'src/pool/errors.ts', text: "import * as vscode from 'vscode';\nexport const x = vscode;\n", rule: 'no-restricted-imports' },
  { what: 'an import parser imports vscode', file: 'src/import/naming.ts', text: "import * as vscode from 'vscode';\nexport const x = vscode;\n", rule: 'no-restricted-imports' },
  { what: 'the manifest imports vscode', file: 'src/manifest/settings.ts', text: "import * as vscode from 'vscode';\nexport const x = vscode;\n", rule: 'no-restricted-imports' },
  { what: 'the pool core imports the editor layer', file: 'src/pool/errors.ts', text: "import { Outputs } from '../output/outputs';\nexport const x = Outputs;\n", rule: 'no-restricted-imports' },
  { what: 'a view imports a command', file: 'src/views/format.ts', text: "import { appCommands } from '../commands/appCommands';\nexport const x = appCommands;\n", rule: 'no-restricted-imports' },
  { what: 'a unit test imports vscode', file: 'test/unit/format.test.ts', text: "import * as vscode from 'vscode';\nexport const x = vscode;\n", rule: 'no-restricted-imports' },
  { what: 'a floating promise', file: 'src/commands/registry.ts', text: 'export async function f(): Promise<void> {}\nexport function g(): void {\n  f();\n}\n', rule: '@typescript-eslint/no-floating-promises' },
  { what: 'a promise where a void callback is expected', file: 'src/commands/registry.ts', text: 'export function g(run: (f: () => void) => void): void {\n  run(async () => {});\n}\n', rule: '@typescript-eslint/no-misused-promises' },
  { what: 'a type imported as a value', file: 'src/pool/errors.ts', text: "import { AppSpec } from './types';\nexport let x: AppSpec | undefined;\n", rule: '@typescript-eslint/consistent-type-imports' },
];

describe('lint: layering and promise rules are live', function () {
  this.timeout(60_000);
  const eslint = new ESLint({ cwd: REPO_ROOT });

  for (const probe of PROBES) {
    it(`flags ${probe.what}`, async () => {
      const [result] = await eslint.lintText(probe.text, { filePath: `${REPO_ROOT}/${probe.file}` });
      const rules = result.messages.map((m) => m.ruleId);
      assert.ok(rules.includes(probe.rule), `${probe.rule} not reported for ${probe.file}: ${JSON.stringify(result.messages.map((m) => `${m.ruleId}: ${m.message}`))}`);
    });
  }

  it('accepts the same folders importing what they may', async () => {
    const [result] = await eslint.lintText("import { Commands } from '../manifest/commands';\nexport const x = Commands.refresh;\n", { filePath: `${REPO_ROOT}/src/views/format.ts` });
    assert.deepEqual(result.messages.map((m) => `${m.ruleId}: ${m.message}`), []);
  });
});
