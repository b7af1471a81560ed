// Pruned values with array fields read through callbacks. Objects keep their static type (only unread
// properties go), so `t` stays a string; a compacted tuple's value is typed any, so `s` would be an
// implicit any, and `rddopt rewrite` falls back to `// @ts-nocheck` for this file.
import { Context } from "rddopt";

type Post = { title: string; tags: string[]; body: string; views: number };
type Row = [title: string, tags: string[], body: string];

export async function tagLengths(ctx: Context): Promise<[number, number][]> {
  const posts = ctx.parallelize<[number, Post]>([[1, { title: "a", tags: ["x", "yy"], body: "…", views: 3 }]]);
  const rows = ctx.parallelize<[number, Row]>([[1, ["b", ["zzz"], "…"]]]);
  const authors = ctx.parallelize<[number, string]>([[1, "ada"]]);
  const byObject = await posts
    .join(authors)
    .mapValues(([post]) => post.tags.map((t) => t.length).reduce((a, b) => a + b, 0))
    .collect();
  const byTuple = await rows
    .join(authors)
    .mapValues(([row]) => row[1].map((s) => s.length).reduce((a, b) => a + b, 0))
    .collect();
  return [...byObject, ...byTuple];
}
