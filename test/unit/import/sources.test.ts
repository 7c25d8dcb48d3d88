// Import: where the importer looks for MCP server definitions (findImportSources): the user files of
// VS Code, Claude Desktop, Cursor and TASAK per platform, then each workspace folder's files. Plain node.

import * as assert from 'node:assert/strict';

import { findImportSources } from '../../../src/import';

describe('import: findImportSources', () => {
  it('lists user files then workspace files on Linux', () => {
    const sources = findImportSources({ home: '/home/u', platform: 'linux', workspaceFolders: ['/w/a', '/w/b'] });
    assert.deepEqual(sources, [
      { path: '/home/u/.config/Code/User/mcp.json', format: 'vscode', scope: 'user' },
      { path: '/home/u/.config/Claude/claude_desktop_config.json', format: 'claude', scope: 'user' },
      { path: '/home/u/.cursor/mcp.json', format: 'cursor', scope: 'user' },
      { path: '/home/u/.tasak/tasak.yaml', format: 'tasak', scope: 'user' },
      { path: '/w/a/.vscode/mcp.json', format: 'vscode', scope: 'workspace' },
      { path: '/w/a/.cursor/mcp.json', format: 'cursor', scope: 'workspace' },
      { path: '/w/a/tasak.yaml', format: 'tasak', scope: 'workspace' },
      { path: '/w/a/.tasak/tasak.yaml', format: 'tasak', scope: 'workspace' },
      { path: '/w/b/.vscode/mcp.json', format: 'vscode', scope: 'workspace' },
      { path: '/w/b/.cursor/mcp.json', format: 'cursor', scope: 'workspace' },
      { path: '/w/b/tasak.yaml', format: 'tasak', scope: 'workspace' },
      { path: '/w/b/.tasak/tasak.yaml', format: 'tasak', scope: 'workspace' },
    ]);
  });

  it('uses Application Support on macOS and the given VS Code profile directory', () => {
    const sources = findImportSources({
      home: '/Users/u',
      platform: 'darwin',
      workspaceFolders: [],
      vscodeUserDir: '/Users/u/Library/Application Support/Code - Insiders/User/profiles/abc',
    });
    assert.deepEqual(
      sources.map((s) => s.path),
      [
        '/Users/u/Library/Application Support/Code - Insiders/User/profiles/abc/mcp.json',
        '/Users/u/Library/Application Support/Claude/claude_desktop_config.json',
        '/Users/u/.cursor/mcp.json',
        '/Users/u/.tasak/tasak.yaml',
      ],
    );
  });

  it('uses %APPDATA% on Windows, defaulting to AppData\\Roaming', () => {
    const given = findImportSources({ home: 'C:\\Users\\u', platform: 'win32', appData: 'D:\\Roaming', workspaceFolders: ['C:\\src\\p'] });
    assert.deepEqual(
      given.map((s) => s.path),
      [
        'D:\\Roaming\\Code\\User\\mcp.json',
        'D:\\Roaming\\Claude\\claude_desktop_config.json',
        'C:\\Users\\u\\.cursor\\mcp.json',
        'C:\\Users\\u\\.tasak\\tasak.yaml',
        'C:\\src\\p\\.vscode\\mcp.json',
        'C:\\src\\p\\.cursor\\mcp.json',
        'C:\\src\\p\\tasak.yaml',
        'C:\\src\\p\\.tasak\\tasak.yaml',
      ],
    );
    const defaulted = findImportSources({ home: 'C:\\Users\\u', platform: 'win32', workspaceFolders: [] });
    assert.equal(defaulted[1].path, 'C:\\Users\\u\\AppData\\Roaming\\Claude\\claude_desktop_config.json');
  });

  it('lists a file once when a workspace folder is the home directory', () => {
    const sources = findImportSources({ home: 'C:\\Users\\u', platform: 'win32', workspaceFolders: ['c:\\users\\U\\'] });
    assert.deepEqual(
      sources.map((s) => `${s.scope} ${s.path}`),
      [
        'user C:\\Users\\u\\AppData\\Roaming\\Code\\User\\mcp.json',
        'user C:\\Users\\u\\AppData\\Roaming\\Claude\\claude_desktop_config.json',
        'user C:\\Users\\u\\.cursor\\mcp.json',
        'user C:\\Users\\u\\.tasak\\tasak.yaml',
        'workspace c:\\users\\U\\.vscode\\mcp.json',
        'workspace c:\\users\\U\\tasak.yaml',
      ],
    );
  });
});
