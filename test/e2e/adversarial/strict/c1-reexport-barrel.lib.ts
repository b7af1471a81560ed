// A barrel: re-exports the base module's RDDs under other names and derives one more from them.
import { teams } from "./c1-reexport-base.lib.js";

export { ranked as leaderboard, ctx } from "./c1-reexport-base.lib.js";
export * from "./c1-reexport-base.lib.js";

export const squads = teams.groupByKey();
