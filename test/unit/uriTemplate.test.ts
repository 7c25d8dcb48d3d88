// RFC 6570 URI templates: the expansion examples of the RFC itself (section 3.2, levels 1-4, with
// its variables), the variables a template names, and which of them may be left out.
import * as assert from 'node:assert/strict';
import { expandUriTemplate, templateFields, templateVariables } from '../../src/common/uriTemplate';

const VARS = {
  var: 'value',
  hello: 'Hello World!',
  half: '50%',
  path: '/foo/bar',
  empty: '',
  x: '1024',
  y: '768',
  list: ['red', 'green', 'blue'],
  emptyList: [],
  who: 'fred',
  base: 'http://example.com/home/',
};

function check(cases: [string, string][]): void {
  for (const [template, expected] of cases) assert.equal(expandUriTemplate(template, VARS), expected, template);
}

describe('URI templates (RFC 6570)', () => {
  it('level 1 and 2: simple, reserved (+) and fragment (#) expansion', () => {
    check([
      ['{var}', 'value'],
      ['{hello}', 'Hello%20World%21'],
      ['{half}', '50%25'],
      ['O{empty}X', 'OX'],
      ['O{undef}X', 'OX'],
      ['{+var}', 'value'],
      ['{+hello}', 'Hello%20World!'],
      ['{+half}', '50%25'],
      ['{base}index', 'http%3A%2F%2Fexample.com%2Fhome%2Findex'],
      ['{+base}index', 'http://example.com/home/index'],
      ['{+path}/here', '/foo/bar/here'],
      ['here?ref={+path}', 'here?ref=/foo/bar'],
      ['X{#var}', 'X#value'],
      ['X{#hello}', 'X#Hello%20World!'],
    ]);
  });

  it('level 3: several variables per expression, with every operator', () => {
    check([
      ['map?{x,y}', 'map?1024,768'],
      ['{x,hello,y}', '1024,Hello%20World%21,768'],
      ['{+x,hello,y}', '1024,Hello%20World!,768'],
      ['{+path,x}/here', '/foo/bar,1024/here'],
      ['{#x,hello,y}', '#1024,Hello%20World!,768'],
      ['{#path,x}/here', '#/foo/bar,1024/here'],
      ['X{.var}', 'X.value'],
      ['X{.x,y}', 'X.1024.768'],
      ['{/var}', '/value'],
      ['{/var,x}/here', '/value/1024/here'],
      ['{;x,y}', ';x=1024;y=768'],
      ['{;x,y,empty}', ';x=1024;y=768;empty'],
      ['{?x,y}', '?x=1024&y=768'],
      ['{?x,y,empty}', '?x=1024&y=768&empty='],
      ['?fixed=yes{&x}', '?fixed=yes&x=1024'],
      ['{&x,y,empty}', '&x=1024&y=768&empty='],
      ['{?x,undef}', '?x=1024'],
      ['{?undef}', ''],
    ]);
  });

  it('level 4: prefixes and lists, exploded or not', () => {
    check([
      ['{var:3}', 'val'],
      ['{var:30}', 'value'],
      ['{list}', 'red,green,blue'],
      ['{list*}', 'red,green,blue'],
      ['{+path:6}/here', '/foo/b/here'],
      ['{#path:6}/here', '#/foo/b/here'],
      ['X{.list}', 'X.red,green,blue'],
      ['X{.list*}', 'X.red.green.blue'],
      ['{/list}', '/red,green,blue'],
      ['{/list*}', '/red/green/blue'],
      ['{/list*,path:4}', '/red/green/blue/%2Ffoo'],
      ['{;list}', ';list=red,green,blue'],
      ['{;list*}', ';list=red;list=green;list=blue'],
      ['{?list}', '?list=red,green,blue'],
      ['{?list*}', '?list=red&list=green&list=blue'],
      ['{&list*}', '&list=red&list=green&list=blue'],
      ['{?var:3}', '?var=val'],
      ['{;hello:5}', ';hello=Hello'],
      ['{emptyList}', ''],
      ['{?emptyList}', ''],
    ]);
  });

  it('encodes non-ASCII text as UTF-8, and cuts a prefix by characters, not bytes', () => {
    assert.equal(expandUriTemplate('fixture://files/{name}', { name: 'grüße.md' }), 'fixture://files/gr%C3%BC%C3%9Fe.md');
    assert.equal(expandUriTemplate('{name:2}', { name: 'ü😀x' }), '%C3%BC%F0%9F%98%80');
    assert.equal(expandUriTemplate('{+p}', { p: 'a%20b c' }), 'a%20b%20c', 'reserved expansion keeps %XX triplets');
  });

  it('leaves malformed expressions as written', () => {
    assert.equal(expandUriTemplate('a{b c}d{var}', VARS), 'a{b c}dvalue');
    assert.equal(expandUriTemplate('{var:0}', VARS), '{var:0}');
  });

  it('names the variables in order, once, and which may be left out', () => {
    assert.deepEqual(templateVariables('fixture://repos/{owner}/{repo}'), ['owner', 'repo']);
    assert.deepEqual(templateVariables('{/list*,path:4}{?path,q}'), ['list', 'path', 'q']);
    assert.deepEqual(templateVariables('no variables'), []);
    assert.deepEqual(templateFields('https://x/{id}/items{?page,q}{;v}'), [
      { name: 'id', optional: false },
      { name: 'page', optional: true },
      { name: 'q', optional: true },
      { name: 'v', optional: true },
    ]);
    assert.deepEqual(templateFields('{x}{?x}'), [{ name: 'x', optional: false }], 'needed somewhere: needed');
  });
});
