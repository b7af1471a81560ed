// Pair-valued data for c4-join-values: links `[src, [dst, hops]]` and weights per src.
import { Context } from "rddopt";

export const ctx = new Context({ defaultParallelism: 4 });
export const links = ctx.parallelize(Array.from({ length: 30 }, (_, i): [string, [string, number]] => [`s${i % 5}`, [`d${i % 4}`, i % 3]]));
export const weights = ctx.parallelize(Array.from({ length: 5 }, (_, i): [string, { w: number; label: string }] => [`s${i}`, { w: i + 1, label: `weight ${i}` }]));
