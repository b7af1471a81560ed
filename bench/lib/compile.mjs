// Compiles generated sources in-process with the TypeScript API: once without the transformer
// ("before") and once with the real rddopt transformer from dist/cjs ("after"), exactly as
// tspc would apply it (a `before` transformer built from the Program and the plugin config).
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import ts from "typescript";

const require = createRequire(import.meta.url);

/** The transformer's CommonJS build (what ts-patch loads) from a dist/ directory. */
export function loadTransformer(dist) {
  const mod = require(path.join(dist, "cjs", "transformer", "index.js"));
  return mod.default ?? mod;
}

const compilerOptions = (rootDir, outDir) => ({
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  strict: true,
  skipLibCheck: true,
  types: [],
  rootDir,
  outDir,
  declaration: false,
  sourceMap: false,
});

function formatDiagnostics(diagnostics) {
  return ts.formatDiagnostics(diagnostics, {
    getCanonicalFileName: (f) => f,
    getCurrentDirectory: () => process.cwd(),
    getNewLine: () => "\n",
  });
}

/**
 * Type-checks and emits `files` (absolute .ts paths under rootDir) into outDir.
 * With `transformer`, it runs as ts-patch runs a program transformer: (program, config, extras).
 * Returns the transformer's diagnostics (if it reported any) and the emit time.
 */
export function compileFiles({ files, rootDir, outDir, transformer, pluginConfig }) {
  const t0 = performance.now();
  const program = ts.createProgram(files, compilerOptions(rootDir, outDir));
  const errors = ts.getPreEmitDiagnostics(program).filter((d) => d.category === ts.DiagnosticCategory.Error);
  if (errors.length) throw new Error(`generated sources do not type-check:\n${formatDiagnostics(errors)}`);
  const diagnostics = [];
  const extras = {
    ts,
    library: "typescript",
    diagnostics,
    addDiagnostic: (d) => diagnostics.push(d),
    removeDiagnostic: (i) => diagnostics.splice(i, 1),
  };
  const before = transformer ? [transformer(program, { transform: "rddopt/transformer", ...pluginConfig }, extras)] : [];
  const result = program.emit(undefined, undefined, undefined, false, { before });
  if (result.emitSkipped) throw new Error(`emit skipped:\n${formatDiagnostics(result.diagnostics)}`);
  return { ms: performance.now() - t0, diagnostics: diagnostics.map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n")) };
}

/** Writes sources { name: text } as name.ts under dir; returns their absolute paths. */
export function writeSources(dir, sources) {
  fs.mkdirSync(dir, { recursive: true });
  return Object.entries(sources).map(([name, text]) => {
    const file = path.join(dir, `${name}.ts`);
    fs.writeFileSync(file, text);
    return file;
  });
}

/** True when the transformer changed the emitted JavaScript of `name`. */
export function changedByTransformer(beforeDir, afterDir, name) {
  const read = (dir) => fs.readFileSync(path.join(dir, `${name}.js`), "utf8");
  return read(beforeDir) !== read(afterDir);
}
