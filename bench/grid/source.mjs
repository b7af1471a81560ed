// TypeScript sources for the pruning grid (experiments 1 and 2).
// `program`: what a user writes: join two pair RDDs, then read U left columns and one right column.
//   It is compiled twice, without and with the transformer: those are the "before" and "after" variants.
// `ideal`: the same job written by hand to shuffle only the used columns: the reference, never transformed.
import { field } from "../lib/data.mjs";

export const GRID_COLUMNS = [1, 5, 10, 15, 20, 22];
export const GRID_USED = [0, 1, 5, 10, 15, 20, 22];

/** The subset issue 11 asks for at 2M rows: C = 1, 5, 22 and U = 0, 1, C. */
export const GRID_SUBSET_COLUMNS = [1, 5, 22];

let subsetOnly = false;

/** --grid-subset: run only the subset's cells (set once, before any source is generated). */
export function useGridSubset(on) {
  subsetOnly = on;
}

/** Every (C, U) cell with U <= C (or the subset's), in the order they are run. */
export function gridCells() {
  const cells = [];
  if (subsetOnly) {
    for (const columns of GRID_SUBSET_COLUMNS) for (const used of [...new Set([0, 1, columns])]) cells.push({ columns, used });
    return cells;
  }
  for (const columns of GRID_COLUMNS) for (const used of GRID_USED) if (used <= columns) cells.push({ columns, used });
  return cells;
}

const range = (n) => Array.from({ length: n }, (_, j) => j);

function valueType(columns, shape) {
  if (shape === "object") return `{ ${range(columns).map((j) => `${field(j)}: number`).join("; ")} }`;
  return `[${range(columns).map(() => "number").join(", ")}]`;
}

const access = (name, j, shape) => (shape === "object" ? `${name}.${field(j)}` : `${name}[${j}]`);

function header(columns, shape) {
  return [
    `import type { Context } from "rddopt";`,
    ``,
    `export type Row = ${valueType(columns, shape)};`,
    ``,
  ];
}

/** After the join: the first `used` left columns plus the first right column, summed over all rows. */
function sumAfterJoin(used, shape) {
  const terms = [...range(used).map((j) => access("l", j, shape)), access("r", 0, shape)];
  const params = used === 0 ? ", r" : "l, r"; // U = 0: the left value is not even bound
  return `joined.mapValues(([${params}]) => ${terms.join(" + ")}).values().fold(0, (a, b) => a + b)`;
}

/** The program as a user writes it. */
export function programSource({ columns, used, shape }) {
  return [
    ...header(columns, shape),
    `export async function job(ctx: Context, leftRows: [number, Row][], rightRows: [number, Row][]): Promise<number> {`,
    `  const left = ctx.parallelize(leftRows);`,
    `  const right = ctx.parallelize(rightRows);`,
    `  const joined = left.join(right);`,
    `  return ${sumAfterJoin(used, shape)};`,
    `}`,
    ``,
  ].join("\n");
}

function projection(name, count, shape) {
  if (count === 0) return "null";
  if (shape === "object") return `({ ${range(count).map((j) => `${field(j)}: ${name}.${field(j)}`).join(", ")} })`;
  return `[${range(count).map((j) => `${name}[${j}]`).join(", ")}] as [${range(count).map(() => "number").join(", ")}]`;
}

/** The hand-written reference: only the used columns go into the shuffle. */
export function idealSource({ columns, used, shape }) {
  const left = used === columns ? "ctx.parallelize(leftRows)" : `ctx.parallelize(leftRows).mapValues((l) => ${projection("l", used, shape)})`;
  const right = columns === 1 ? "ctx.parallelize(rightRows)" : `ctx.parallelize(rightRows).mapValues((r) => ${projection("r", 1, shape)})`;
  return [
    ...header(columns, shape),
    `export async function job(ctx: Context, leftRows: [number, Row][], rightRows: [number, Row][]): Promise<number> {`,
    `  const left = ${left};`,
    `  const right = ${right};`,
    `  const joined = left.join(right);`,
    `  return ${sumAfterJoin(used, shape)};`,
    `}`,
    ``,
  ].join("\n");
}

export const cellName = ({ columns, used, shape }) => `${shape === "object" ? "obj" : "tup"}-c${columns}-u${used}`;
