/**
 * Bad input to the transformer: syntax errors, type errors, `any`/`unknown`
 * values, partial programs as a watch build sees them, look-alike APIs. The
 * transformer must never throw and must leave such code alone: the emitted
 * JavaScript is byte-identical with and without the plugin. (Joins in these
 * fixtures carry an explicit strategy, which the broadcast option keeps as
 * written, so all three variants must match.)
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { cachingHost, compileBatch, COMPILER_OPTIONS, loadTransformer } from "../fuzz/lib/compile.js";
import { waitForBuild } from "../fuzz/lib/harness.js";

const root = fileURLToPath(new URL("../..", import.meta.url));
const work = path.join(root, "test", "robustness", ".cache", `transformer-${process.pid}`);

const HEADER = `import { Context, type RDD } from "rddopt";
const ctx = new Context({ progress: false });
const orders = ctx.parallelize<[number, [number, string, number, boolean, string]]>([[1, [1, "a", 2, true, "x"]]]);
const users = ctx.parallelize<[number, { name: string; city: string; age: number }]>([[1, { name: "n", city: "c", age: 3 }]]);
`;

/** A pipeline the transformer prunes when the code is fine (the positive control). */
const PRUNABLE = `${HEADER}
export const out = orders.join(users, { strategy: "shuffle" }).mapValues(([o, u]) => o[2] * 2 + u.city.length).collect();
`;

/** Code with errors, as an editor or a watch build sees it mid-edit: the contract is "leave it alone". */
const withErrors: Record<string, string> = {
  "syntax error after the pipeline": `${PRUNABLE}\nconst broken = ;\n`,
  "syntax error inside the lambda": `${HEADER}\nexport const out = orders.join(users, { strategy: "shuffle" }).mapValues(([o, u]) => o[2] * * u.city.length).collect();\n`,
  "unbalanced braces": `${HEADER}\nexport function f() {\n  return orders.join(users, { strategy: "shuffle" }).mapValues(([o, u]) => { return o[2];\n`,
  "type error in the lambda (missing field)": `${HEADER}\nexport const out = orders.join(users, { strategy: "shuffle" }).mapValues(([o, u]) => o[2] * 2 + u.citty.length).collect();\n`,
  "type error: wrong key type joined": `${HEADER}\nconst byName = users.map(([, u]) => [u.name, u] as [string, typeof u]);\nexport const out = orders.join(byName, { strategy: "shuffle" }).mapValues(([o]) => o[0]).collect();\n`,
  "partial edit: member access cut off": `${HEADER}\nexport const out = orders.join(users, { strategy: "shuffle" }).mapValues(([o, u]) => o[2] + u.).collect();\n`,
  "partial edit: call cut off": `${HEADER}\nexport const out = orders.join(users, { strategy: "shuffle" }).mapValues(([o, u]) => o[2] + u.city.length\n`,
};

/** Valid code the analysis cannot see into, or that only looks like rddopt. */
const opaque: Record<string, string> = {
  "the RDD typed any": `${HEADER}\nconst anyOrders: any = orders;\nexport const out = anyOrders.join(users).mapValues(([o, u]: any) => o[2] + u.city.length).collect();\n`,
  "values typed any": `import { Context } from "rddopt";\nconst ctx = new Context({ progress: false });\nconst a = ctx.parallelize<[number, any]>([[1, { x: 1, y: 2 }]]);\nconst b = ctx.parallelize<[number, any]>([[1, [1, 2, 3]]]);\nexport const out = a.join(b, { strategy: "shuffle" }).mapValues(([l, r]) => l.x + r[1]).collect();\n`,
  "values typed unknown": `import { Context } from "rddopt";\nconst ctx = new Context({ progress: false });\nconst a = ctx.parallelize<[number, unknown]>([[1, { x: 1 }]]);\nconst b = ctx.parallelize<[number, unknown]>([[1, [1, 2]]]);\nexport const out = a.join(b, { strategy: "shuffle" }).mapValues(([l, r]) => [l, r]).collect();\n`,
  "lambda parameter annotated any": `${HEADER}\nexport const out = orders.mapValues((v: any) => v).join(users.mapValues((u: any) => u), { strategy: "shuffle" }).mapValues(([o, u]) => o[2] + u.age).collect();\n`,
  "a user class with join and mapValues": `class Table<T> {\n  constructor(readonly rows: T[]) {}\n  join<U>(other: Table<U>): Table<[T, U]> { return new Table(this.rows.map((r, i) => [r, other.rows[i]!] as [T, U])); }\n  mapValues<U>(f: (r: T) => U): U[] { return this.rows.map(f); }\n}\nexport const out = new Table([[1, "a", 2] as [number, string, number]]).join(new Table([{ city: "c", name: "n" }])).mapValues(([o, u]) => o[2] + u.city.length);\n`,
  "an unresolvable rddopt look-alike import": `// @ts-ignore\nimport { Context } from "rddopt-does-not-exist";\nconst ctx = new Context();\nexport const out = ctx.parallelize([[1, [1, 2, 3]]]).join(ctx.parallelize([[1, { a: 1 }]])).mapValues(([o, u]: any) => o[2] + u.a).collect();\n`,
  "an empty file": "",
  "only comments": "// nothing here\n/* at all */\n",
};

/** Closure capture annotates functions of any-typed pipelines too (inert data for workers); byte identity is about pruning and broadcast. */
function withoutCapture(transformer: ReturnType<typeof loadTransformer>): ReturnType<typeof loadTransformer> {
  return (program, config, extras) => transformer(program, { ...config, capture: false }, extras);
}

async function compileFixtures(files: Record<string, string>, capture = true) {
  await waitForBuild(root);
  fs.rmSync(work, { recursive: true, force: true });
  fs.mkdirSync(work, { recursive: true });
  const names = Object.keys(files);
  const paths = names.map((_, i) => path.join(work, `f${i}.ts`));
  names.forEach((name, i) => fs.writeFileSync(paths[i]!, files[name]!));
  const host = cachingHost(COMPILER_OPTIONS, (f) => path.resolve(f).startsWith(work));
  const batch = compileBatch(paths, capture ? loadTransformer(root) : withoutCapture(loadTransformer(root)), host);
  return { names, paths, batch };
}

describe("the transformer on bad input", () => {
  const changedNames = (compiled: Awaited<ReturnType<typeof compileFixtures>>) =>
    compiled.names.filter((_, i) =>
      (["prune", "all"] as const).some((v) => compiled.batch.js[v].get(compiled.paths[i]!) !== compiled.batch.js.plain.get(compiled.paths[i]!)),
    );

  it("never throws and emits every file; leaves any/unknown-typed and look-alike code byte-identical", async () => {
    const compiled = await compileFixtures({ control: PRUNABLE, ...opaque, ...withErrors });
    expect(compiled.batch.crashes).toEqual([]);
    for (const p of compiled.paths) expect(compiled.batch.js.plain.get(p), `emitted ${p}`).toBeDefined();
    const uncaptured = await compileFixtures({ control: PRUNABLE, ...opaque }, false);
    expect(uncaptured.batch.crashes).toEqual([]);
    const changed = changedNames(uncaptured);
    // The control proves the comparison can see a rewrite: the transformer prunes it.
    expect(changed).toContain("control");
    expect(changed.filter((n) => n in opaque)).toEqual([]);
  }, 60_000);

  it("leaves code with syntax or type errors (partial edits included) byte-identical", async () => {
    const compiled = await compileFixtures(withErrors);
    expect(compiled.batch.crashes).toEqual([]);
    expect(changedNames(compiled)).toEqual([]);
  }, 60_000);

  it("a watch build through a broken edit and back gives the same output as a fresh build", async () => {
    await waitForBuild(root);
    const dir = path.join(work, "watch");
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, "main.ts");
    const transformer = loadTransformer(root);
    const host = cachingHost(COMPILER_OPTIONS, (f) => path.resolve(f).startsWith(dir));
    const versions = [
      PRUNABLE,
      PRUNABLE.replace("u.city.length).collect();", "u."), // half-typed edit
      PRUNABLE.replace("o[2] * 2 + u.city.length", "o[1].length + u.age"), // a different field set
    ];
    let previous: ts.Program | undefined;
    const outputs: (string | undefined)[] = [];
    for (const text of versions) {
      fs.writeFileSync(file, text);
      const batch = compileBatch([file], transformer, host, previous);
      expect(batch.crashes).toEqual([]);
      previous = batch.program;
      outputs.push(batch.js.all.get(file));
    }
    const fresh = compileBatch([file], loadTransformer(root), cachingHost(COMPILER_OPTIONS, () => true));
    expect(outputs[2]).toBe(fresh.js.all.get(file));
    // The last version reads o[1] and u.age: a stale plan (o[2], u.city) would still mention city.
    expect(outputs[2]).not.toMatch(/city: v\.city/);
  }, 60_000);
});
