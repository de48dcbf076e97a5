// The browser SDK's TypeScript declarations (src/main/resources/webroot/sdk/*.d.ts), generated from
// its JSDoc with the TypeScript compiler, without the members whose names start with '_' (the SDK's
// internals: see the head of tandem.js). `node declarations.mjs` writes them; `--check` only
// compares and fails when the committed ones are stale (run it after changing the SDK).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ts from 'typescript';

const sdk = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../src/main/resources/webroot/sdk');
const check = process.argv.includes('--check');

// Compiled from a copy of the modules alone: beside the committed declarations, the compiler would
// read those (a .d.ts wins over its .js) instead of the JSDoc.
const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-sdk-'));
for (const name of fs.readdirSync(sdk).filter(n => n.endsWith('.js'))) fs.copyFileSync(path.join(sdk, name), path.join(copy, name));
process.on('exit', () => fs.rmSync(copy, { recursive: true, force: true }));

const generated = new Map();
const program = ts.createProgram([path.join(copy, 'tandem.js')], {
  allowJs: true, declaration: true, emitDeclarationOnly: true, strict: true,
  target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ES2022, moduleResolution: ts.ModuleResolutionKind.Bundler,
  lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'], outDir: copy,
});
const emitted = program.emit(undefined, (file, text) => generated.set(path.basename(file), publicOnly(file, text)));
const problems = ts.getPreEmitDiagnostics(program).concat(emitted.diagnostics)
  .filter(d => d.category === ts.DiagnosticCategory.Error);
if (problems.length) {
  console.error(ts.formatDiagnostics(problems, { getCanonicalFileName: f => f, getCurrentDirectory: () => copy, getNewLine: () => '\n' }));
  process.exit(1);
}

/** The declaration file without class members named _something. */
function publicOnly(file, text) {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
  const strip = context => node => {
    const visit = n => {
      if (ts.isClassDeclaration(n)) {
        const members = n.members.filter(m => !(m.name && ts.isIdentifier(m.name) && m.name.text.startsWith('_')));
        return ts.factory.updateClassDeclaration(n, n.modifiers, n.name, n.typeParameters, n.heritageClauses, members);
      }
      return ts.visitEachChild(n, visit, context);
    };
    return ts.visitNode(node, visit);
  };
  const [result] = ts.transform(source, [strip]).transformed;
  const header = '// Generated from the JSDoc of ' + path.basename(file).replace(/\.d\.ts$/, '.js')
    + ' by .ci/sdk-types/declarations.mjs: do not edit; run `node .ci/sdk-types/declarations.mjs` after changing the SDK.\n';
  return header + ts.createPrinter({ newLine: ts.NewLineKind.LineFeed }).printFile(result);
}

let stale = 0;
for (const [name, text] of generated) {
  const target = path.join(sdk, name);
  const current = fs.existsSync(target) ? fs.readFileSync(target, 'utf8') : null;
  if (current === text) continue;
  if (check) {
    console.error(`sdk-types: ${name} is ${current === null ? 'missing' : 'stale'}; run node .ci/sdk-types/declarations.mjs`);
    stale++;
  } else {
    fs.writeFileSync(target, text);
    console.log(`sdk-types: wrote ${name}`);
  }
}
if (stale) process.exit(1);
if (check) console.log(`sdk-types: the ${generated.size} declaration files match the SDK`);
