// Collects a module's helper results, and calls its exported helper with an RDD of this module.
import { ctx, levels, memberLevels, memberSpend, walkInSpend, walkIns } from "./c2-lib-helper.lib.js";
import { Report } from "./kit.js";

const out = new Report(ctx);
await out.rows("memberSpend", () => memberSpend.collect());
await out.rows("walkInSpend", () => walkInSpend.collect());
await out.rows("memberLevels", () => memberLevels.collect());
await out.rows("walkInLevels", () => levels(ctx.parallelize(walkIns)).collect());
await out.done();
