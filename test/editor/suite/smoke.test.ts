// Smoke test: the extension is found and activates inside a real VS Code, and the workbench renders.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import pkg from '../../../package.json';
import { uiFactsOrSkip } from './ui';

const EXT_ID = `${pkg.publisher}.${pkg.name}`;

describe('smoke', () => {
  let ext: vscode.Extension<unknown>;

  before(async () => {
    const found = vscode.extensions.getExtension(EXT_ID);
    assert.ok(
      found,
      `extension ${EXT_ID} not found; installed: ${vscode.extensions.all
        .filter((e) => !e.id.startsWith('vscode.'))
        .map((e) => e.id)
        .join(', ')}`,
    );
    ext = found;
  });

  it('has the id mcp-remote-pool.mcp-remote-pool', () => {
    assert.strictEqual(EXT_ID, 'mcp-remote-pool.mcp-remote-pool');
    assert.strictEqual(ext.id, EXT_ID);
  });

  it('activates', async () => {
    await ext.activate();
    assert.ok(ext.isActive, 'extension is not active after activate()');
  });

  it('runs in the real extension host with the test environment', () => {
    console.log(
      `    [info] vscode.version=${vscode.version} appName=${vscode.env.appName} uiKind=${vscode.UIKind[vscode.env.uiKind]} ` +
        `remoteName=${vscode.env.remoteName} isTrusted=${vscode.workspace.isTrusted} node=${process.version}`,
    );
    console.log(`    [info] extensionPath=${ext.extensionPath} extensionKind=${vscode.ExtensionKind[ext.extensionKind]}`);
    assert.strictEqual(process.env.MCP_POOL_TEST, '1', 'MCP_POOL_TEST is not set in the extension host');
    assert.strictEqual(ext.packageJSON.version, pkg.version);
    const folders = vscode.workspace.workspaceFolders ?? [];
    assert.strictEqual(folders.length, 1, 'expected one workspace folder');
    const expectTrust = process.env.EDITOR_TEST_TRUST;
    if (expectTrust) assert.strictEqual(vscode.workspace.isTrusted, expectTrust === 'trusted', `workspace trust (harness: ${expectTrust})`);
  });

  it('is the copy under test (development folder or the installed .vsix)', () => {
    const vsix = process.env.EDITOR_TEST_VSIX;
    if (vsix) {
      // run.mjs --vsix: the extension must come from the extensions dir, not from the development folder.
      assert.strictEqual(path.basename(ext.extensionPath), `${EXT_ID}-${pkg.version}`, ext.extensionPath);
      assert.ok(!fs.existsSync(path.join(ext.extensionPath, 'src')), 'the installed copy should not ship src/');
    } else {
      // this bundle lives in <repo>/out/test/editor/suite: the development folder is <repo>
      assert.strictEqual(fs.realpathSync(ext.extensionPath), fs.realpathSync(path.resolve(__dirname, '../../../..')));
    }
  });

  it('renders the workbench (screenshot "smoke")', async function () {
    const facts = await uiFactsOrSkip(this, 'smoke', { tooltips: EXT_ID });
    console.log(`    [info] status bar: ${JSON.stringify(facts.statusBar)}`);
    assert.ok(facts.statusBar.length > 0, 'no status bar items rendered');
    if (process.env.EDITOR_TEST_TRUST === 'untrusted') assert.ok(facts.restrictedMode, 'expected the Restricted Mode indicator');
  });
});
