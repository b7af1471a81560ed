/**
 * A throwaway project for the bundler plugin's tests: a tsconfig, a small pipeline in two files (the rows'
 * type comes from `data.ts`, the join that reads them is in `main.ts`), and node_modules linking rddopt
 * (this checkout, which needs `npm run build` for its types) and @types/node.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

export const TSCONFIG = JSON.stringify({
  compilerOptions: {
    target: "ES2022",
    module: "NodeNext",
    moduleResolution: "NodeNext",
    lib: ["ES2022"],
    types: ["node"],
    strict: true,
    skipLibCheck: true,
    noEmit: true,
  },
  include: ["src"],
});

/** Orders keyed by customer: [customer, [amount, sku, qty, note]]. */
export const DATA_TS = `export type Order = [number, [number, string, number, string]];
export function orders(n: number): Order[] {
  return Array.from({ length: n }, (_, i): Order => [i % 50, [i, \`sku-\${i}\`, i * 2, "x".repeat(20)]]);
}
`;

/** The join; `read` is what the mapValues reads of an order (e.g. "o[0]"). */
export function mainTs(read: string): string {
  return `import { Context } from "rddopt";
import { orders } from "./data.js";

const ctx = new Context({ defaultParallelism: 2, progress: false });
const left = ctx.parallelize(orders(2000));
const customers = Array.from({ length: 50 }, (_, i): [number, { name: string; region: string; notes: string }] => [i, { name: \`c\${i}\`, region: "eu", notes: "n".repeat(30) }]);
const right = ctx.parallelize(customers);
const rows = await left.join(right).mapValues(([o, c]) => \`\${${read}}:\${c.name}\`).collect();
console.log("RESULT " + JSON.stringify(rows.map((r) => JSON.stringify(r)).sort()));
console.log("METRICS " + JSON.stringify(ctx.totals));
await ctx.stop();
`;
}

export interface TempProject {
  dir: string;
  file(relative: string): string;
  write(relative: string, text: string): void;
  remove(): void;
}

export function tempProject(files: Record<string, string> = { "src/data.ts": DATA_TS, "src/main.ts": mainTs("o[0]") }): TempProject {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "rddopt-bundler-")));
  const write = (relative: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(dir, relative)), { recursive: true });
    fs.writeFileSync(path.join(dir, relative), text);
  };
  write("package.json", JSON.stringify({ name: "rddopt-bundler-test", private: true, type: "module" }));
  write("tsconfig.json", TSCONFIG);
  for (const [name, text] of Object.entries(files)) write(name, text);
  fs.mkdirSync(path.join(dir, "node_modules", "@types"), { recursive: true });
  fs.symlinkSync(repoRoot, path.join(dir, "node_modules", "rddopt"), "junction");
  fs.symlinkSync(path.join(repoRoot, "node_modules", "@types", "node"), path.join(dir, "node_modules", "@types", "node"), "junction");
  return { dir, file: (relative) => path.join(dir, relative), write, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}
