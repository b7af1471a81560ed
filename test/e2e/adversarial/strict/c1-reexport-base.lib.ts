// The defining module of a re-export chain: `ranked` is exported by a list, then re-exported elsewhere.
import { Context, HashPartitioner } from "rddopt";

export interface Player {
  nick: string;
  points: number;
  country: string;
  bio: string;
}

export const ctx = new Context({ defaultParallelism: 4 });
const scores = ctx.parallelize(
  Array.from({ length: 50 }, (_, i): [number, Player] => [(i * 7) % 23, { nick: `p${i}`, points: (i * 11) % 31, country: ["SE", "FI", "NO"][i % 3] ?? "?", bio: `bio ${i}` }]),
);

const ranked = scores.sortByKey(false);
// read here: points only
const pointsOnly = ranked.mapValues((p) => p.points);

const teams = scores.map(([k, p]): [string, Player] => [p.country, p]).partitionBy(new HashPartitioner(2));

export { ranked, pointsOnly, teams };
