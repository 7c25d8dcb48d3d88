// setTasakApp on real tasak.yaml texts: the exact text written back keeps the file's own style
// (indentation, flow lists without padding, long strings unfolded, CRLF, comments), an empty
// enabled_apps is a list, `apps_config` is not an app, and a result that would mean anything but
// the one app set and enabled is refused.
import * as assert from 'node:assert/strict';
import { setTasakApp, YamlEditError } from '../../../src/hosts/yamlEdit';

const APP = { displayName: 'Notes', config: '/home/u/.tasak/mcp/notes.json' };

describe('hosts: TASAK yaml edit keeps what it does not change', () => {
  it('a 4-space file stays 4-space, comments kept', () => {
    const before = [
      '# my TASAK',
      'apps_config:',
      '    enabled_apps:',
      '        - local # mine',
      'local:',
      '    type: cmd',
      '    meta:',
      '        command: ls',
      '',
    ].join('\n');
    assert.equal(
      setTasakApp(before, 'notes', APP),
      [
        '# my TASAK',
        'apps_config:',
        '    enabled_apps:',
        '        - local # mine',
        '        - notes',
        'local:',
        '    type: cmd',
        '    meta:',
        '        command: ls',
        'notes:',
        '    name: Notes',
        '    type: mcp',
        '    requires_auth: false',
        '    config: /home/u/.tasak/mcp/notes.json',
        '',
      ].join('\n'),
    );
  });

  it('a list written under its key (not indented) stays so', () => {
    const before = ['apps_config:', '  enabled_apps:', '  - local', ''].join('\n');
    assert.equal(
      setTasakApp(before, 'notes', APP),
      [
        'apps_config:',
        '  enabled_apps:',
        '  - local',
        '  - notes',
        'notes:',
        '  name: Notes',
        '  type: mcp',
        '  requires_auth: false',
        '  config: /home/u/.tasak/mcp/notes.json',
        '',
      ].join('\n'),
    );
  });

  it('a flow list keeps its style without padding: [a, b, notes]', () => {
    const before = 'apps_config:\n  enabled_apps: [a, b]\n';
    assert.equal(
      setTasakApp(before, 'notes', APP),
      'apps_config:\n  enabled_apps: [a, b, notes]\nnotes:\n  name: Notes\n  type: mcp\n  requires_auth: false\n  config: /home/u/.tasak/mcp/notes.json\n',
    );
  });

  it('a long quoted string is not folded', () => {
    const long = `"${'a long description that goes on '.repeat(5).trim()}"`;
    const before = `other:\n  name: ${long}\n  type: cmd\n`;
    const after = setTasakApp(before, 'notes', APP);
    assert.ok(after.startsWith(before), after);
  });

  it('CRLF line ends are kept', () => {
    const before = '# tasak\r\napps_config:\r\n  enabled_apps: [a]\r\n';
    assert.equal(
      setTasakApp(before, 'notes', APP),
      '# tasak\r\napps_config:\r\n  enabled_apps: [a, notes]\r\nnotes:\r\n  name: Notes\r\n  type: mcp\r\n  requires_auth: false\r\n  config: /home/u/.tasak/mcp/notes.json\r\n',
    );
  });

  it('an empty enabled_apps (or apps_config) is an empty list', () => {
    assert.equal(
      setTasakApp('apps_config:\n  enabled_apps:\n', 'notes', APP),
      'apps_config:\n  enabled_apps:\n    - notes\nnotes:\n  name: Notes\n  type: mcp\n  requires_auth: false\n  config: /home/u/.tasak/mcp/notes.json\n',
    );
    assert.match(setTasakApp('apps_config: ~\nx: 1\n', 'notes', APP), /^apps_config:\n {2}enabled_apps:\n {4}- notes\nx: 1\n/);
  });

  it('an existing app keeps its own keys and name; already enabled is not added twice', () => {
    const before =
      'apps_config:\n  enabled_apps: [notes]\nnotes:\n  name: My notes # kept\n  type: mcp-remote\n  meta:\n    server_url: https://x/sse\n  extra: 1\n';
    assert.equal(
      setTasakApp(before, 'notes', APP),
      'apps_config:\n  enabled_apps: [notes]\nnotes:\n  name: My notes # kept\n  type: mcp\n  extra: 1\n  requires_auth: false\n  config: /home/u/.tasak/mcp/notes.json\n',
    );
  });

  it('"apps_config" is refused as an app name; a non-list enabled_apps is refused', () => {
    assert.throws(
      () => setTasakApp('apps_config:\n  enabled_apps: [a]\n', 'apps_config', APP),
      (e: unknown) => e instanceof YamlEditError && /settings block/.test(e.message),
    );
    assert.throws(
      () => setTasakApp('apps_config:\n  enabled_apps: a\n', 'notes', APP),
      (e: unknown) => e instanceof YamlEditError && /must be a list/.test(e.message),
    );
    assert.throws(
      () => setTasakApp('apps_config: [a]\n', 'notes', APP),
      (e: unknown) => e instanceof YamlEditError && /must be a mapping/.test(e.message),
    );
  });

  it('a result that would change anything else is refused (a key only the document model sees twice)', () => {
    // an alias to the app's own mapping: setting the app would change the alias's value too
    const before = 'apps_config:\n  enabled_apps: []\nnotes: &n\n  type: cmd\ncopy: *n\n';
    assert.throws(
      () => setTasakApp(before, 'notes', APP),
      (e: unknown) => e instanceof YamlEditError && /could not be set without changing anything else/.test(e.message),
    );
  });
});
