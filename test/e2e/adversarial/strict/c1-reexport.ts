// Three modules: reads fields of RDD rows that reach this module through a re-exporting barrel.
import { ctx, leaderboard, pointsOnly, squads, teams } from "./c1-reexport-barrel.lib.js";
import { Report } from "./kit.js";

const out = new Report(ctx);
await out.rows("pointsOnly", () => pointsOnly.collect());
await out.rows("leaderboard", async () => (await leaderboard.collect()).map(([k, p]) => `${k}:${p.nick}:${p.country}:${p.bio.length}`));
await out.rows("teams", () => teams.mapValues((p) => p.bio).collect());
await out.rows("squads", async () => (await squads.collect()).map(([c, ps]) => [c, ps.map((p) => p.nick).sort().join(",")]));
await out.done();
