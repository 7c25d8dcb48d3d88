// Import with nothing found names every place it looked in (nothingFoundReport): the notification
// says how many and where they are listed; the log lists each file with its client and scope. Plain node.

import * as assert from 'node:assert/strict';

import { findImportSources, nothingFoundReport } from '../../../src/import';

describe('import: nothing found', () => {
  const sources = findImportSources({ home: '/home/u', platform: 'linux', workspaceFolders: ['/w/a'] });

  it('lists each place it looked in, under ~ when in the home folder, with client and scope', () => {
    const report = nothingFoundReport(sources, [], '/home/u');
    assert.equal(report.message, 'MCP Pool: no MCP servers found to import (looked in 8 places, listed in the output).');
    assert.deepEqual(report.lines, [
      'import: no MCP servers found; looked in 8 places:',
      '  ~/.config/Code/User/mcp.json (VS Code, user)',
      '  ~/.config/Claude/claude_desktop_config.json (Claude Desktop, user)',
      '  ~/.cursor/mcp.json (Cursor, user)',
      '  ~/.tasak/tasak.yaml (TASAK, user)',
      '  /w/a/.vscode/mcp.json (VS Code, workspace)',
      '  /w/a/.cursor/mcp.json (Cursor, workspace)',
      '  /w/a/tasak.yaml (TASAK, workspace)',
      '  /w/a/.tasak/tasak.yaml (TASAK, workspace)',
    ]);
  });

  it('says one place in the singular and counts the problems', () => {
    const report = nothingFoundReport([{ path: '/x/mcp.json', format: 'cursor', scope: 'user' }], [{ source: '/x/mcp.json', message: 'bad JSON' }], '/home/u');
    assert.equal(report.message, 'MCP Pool: no MCP servers found to import (looked in 1 place, listed in the output). 1 problem(s) were found.');
    assert.deepEqual(report.lines, ['import: no MCP servers found; looked in 1 place:', '  /x/mcp.json (Cursor, user)']);
  });
});
