// The extensionTestsPath module: VS Code loads it into the extension host and calls run(), which runs
// mocha over every *.test.js next to it (built from test/editor/suite/**/*.test.ts by esbuild.mjs)
// INSIDE the extension host, with the real `vscode` API.
//
// Works under both harnesses:
//  - test/editor/run.mjs (code-server + headless Chromium): in test mode VS Code routes the extension
//    host's console.* calls to the workbench log, which hands them to window.codeAutomationLog in the
//    page; run.mjs prints every line carrying OUT_MARK. That path drops printf formatting, so lines are
//    formatted here. EDITOR_TEST_RESULT_FILE receives a JSON summary, EDITOR_TEST_OUTPUT_FILE the plain
//    mocha output (a backup of the console path).
//  - test/editor/electron.mjs (@vscode/test-electron): the console goes straight to the terminal.
// Environment: EDITOR_TEST_GREP (only matching titles), EDITOR_TEST_MOCHA_TIMEOUT (ms per test, default 20000).
import * as fs from 'fs';
import * as path from 'path';
import * as util from 'util';
import Mocha from 'mocha';

const OUT_MARK = '\u241E'; // "record separator" symbol: unlikely in normal output; must match run.mjs

function testFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of fs.readdirSync(dir).sort()) {
    const p = path.join(dir, name);
    if (fs.statSync(p).isDirectory()) out.push(...testFiles(p));
    else if (name.endsWith('.test.js')) out.push(p);
  }
  return out;
}

export function run(): Promise<void> {
  process.setSourceMapsEnabled?.(true); // stack traces point at test/editor/suite/*.ts (esbuild emits .map files)
  const underRunMjs = !!process.env.EDITOR_TEST_SHOTS_DIR;
  const resultFile = process.env.EDITOR_TEST_RESULT_FILE;
  const outFile = process.env.EDITOR_TEST_OUTPUT_FILE;
  const out = outFile ? fs.createWriteStream(outFile) : undefined;

  // VS Code's extension host installs console.* as accessor properties with a no-op setter,
  // so plain assignment is silently ignored: redefine the properties instead.
  const methods = ['log', 'info', 'warn', 'error'] as const;
  const saved = methods.map((m) => [m, Object.getOwnPropertyDescriptor(console, m)] as const);
  for (const m of methods) {
    const forward = console[m].bind(console); // the extension host's own (forwarding) function
    Object.defineProperty(console, m, {
      configurable: true,
      writable: true,
      value: (...args: unknown[]) => {
        const text = util.format(...args);
        out?.write(`${text}\n`);
        forward.call(console, underRunMjs ? `${OUT_MARK}${text}` : text);
      },
    });
  }
  const restore = () => {
    for (const [m, d] of saved) if (d) Object.defineProperty(console, m, d);
  };
  Mocha.reporters.Base.consoleLog = console.log; // the spec reporter captured console.log at load time

  const mocha = new Mocha({
    ui: 'bdd',
    color: false,
    reporter: 'spec',
    timeout: Number(process.env.EDITOR_TEST_MOCHA_TIMEOUT || 20000),
    slow: 2000,
  });
  const grep = process.env.EDITOR_TEST_GREP;
  if (grep) mocha.grep(grep);
  const files = testFiles(__dirname);
  for (const f of files) mocha.addFile(f);

  return new Promise<void>((resolve, reject) => {
    const failures: { title: string; err: string }[] = [];
    let passes = 0;
    let pending = 0;
    const started = Date.now();
    const finish = (failed: number, error?: unknown) => {
      if (resultFile) {
        fs.writeFileSync(
          resultFile,
          JSON.stringify(
            {
              failed,
              passes,
              pending,
              failures,
              files: files.map((f) => path.basename(f)),
              durationMs: Date.now() - started,
              pid: process.pid,
              error: error === undefined ? undefined : error instanceof Error ? error.message : JSON.stringify(error),
            },
            null,
            2,
          ),
        );
      }
      restore();
      out?.end();
      if (error !== undefined) reject(error instanceof Error ? error : new Error(JSON.stringify(error)));
      else if (failed > 0) reject(new Error(`${failed} test(s) failed.`));
      else if (passes + pending === 0) reject(new Error(`no tests ran (files: ${files.length}, grep: ${grep ?? 'none'})`));
      else resolve();
    };
    try {
      const runner = mocha.run((failed) => finish(failed));
      runner.on('pass', () => passes++);
      runner.on('pending', () => pending++);
      runner.on('fail', (t, err) => failures.push({ title: t.fullTitle(), err: String((err && err.stack) || err) }));
    } catch (e) {
      console.error(e);
      finish(1, e);
    }
  });
}
