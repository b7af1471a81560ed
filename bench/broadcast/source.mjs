// TypeScript sources for the broadcast experiment (3). Every column of both sides is read after
// the join, so the transformer has nothing to prune and only the join strategy differs.
// `program`: a plain `left.join(right)`: without the transformer it is a shuffle join (the default);
//   with it, the transformer writes strategy "auto" (the "after" variant).
// `hinted`: the same job with a strategy written by hand (reference rows, never transformed).

const range = (n) => Array.from({ length: n }, (_, j) => j);

function source(columns, joinArgs) {
  const row = `[${range(columns).map(() => "number").join(", ")}]`;
  const terms = [...range(columns).map((j) => `l[${j}]`), ...range(columns).map((j) => `r[${j}]`)];
  return [
    `import type { Context } from "rddopt";`,
    ``,
    `export type Row = ${row};`,
    ``,
    `export async function job(ctx: Context, bigRows: [number, Row][], smallRows: [number, Row][]): Promise<number> {`,
    `  const big = ctx.parallelize(bigRows);`,
    `  const small = ctx.parallelize(smallRows);`,
    `  const joined = big.join(${joinArgs});`,
    `  return joined.mapValues(([l, r]) => ${terms.join(" + ")}).values().fold(0, (a, b) => a + b);`,
    `}`,
    ``,
  ].join("\n");
}

export const programSource = (columns) => source(columns, "small");
export const hintedSource = (columns, strategy) => source(columns, `small, { strategy: "${strategy}" }`);
