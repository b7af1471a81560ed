/**
 * A reused intermediate result (seed 000): sessions enriched with their user are computed once,
 * persisted, and read by two aggregations. Without persist() the join would run twice.
 */
import { Context, StorageLevel } from "rddopt";
import { finish, randomInt, randomWord, seededRandom } from "./kit.js";

/** page, duration in ms, user agent, referrer, start time */
type Session = [string, number, string, string, number];
interface User {
  country: string;
  plan: "free" | "pro" | "team";
  email: string;
  signupYear: number;
}

const COUNTRIES = ["ID", "SG", "MY", "TH", "VN", "PH"];
const PLANS = ["free", "pro", "team"] as const;
const random = seededRandom(0);
const users: [number, User][] = Array.from({ length: 5_000 }, (_, id) => [
  id,
  { country: COUNTRIES[randomInt(random, COUNTRIES.length)]!, plan: PLANS[randomInt(random, 3)]!, email: `${randomWord(random, 9)}@example.com`, signupYear: 2015 + randomInt(random, 10) },
]);
const sessions: [number, Session][] = Array.from({ length: 40_000 }, () => [
  randomInt(random, 5_000),
  [`/${randomWord(random, 6)}`, randomInt(random, 600_000), randomWord(random, 40), randomWord(random, 16), randomInt(random, 1e9)],
]);

const ctx = new Context({ defaultParallelism: 4, progress: false });
const enriched = ctx
  .parallelize(sessions)
  .filter(([, s]) => s[1] > 1_000)
  .join(ctx.parallelize(users))
  .mapValues(([session, user]) => ({ country: user.country, plan: user.plan, durationMs: session[1] }))
  .persist(StorageLevel.MEMORY_ONLY);

const timeByCountry = await enriched
  .map(([, e]): [string, number] => [e.country, e.durationMs])
  .reduceByKey((a, b) => a + b)
  .collect();
const sessionsByPlan = await enriched
  .map(([, e]): [string, number] => [e.plan, 1])
  .reduceByKey((a, b) => a + b)
  .collect();

const rows = [...timeByCountry.map((r) => ["country", ...r]), ...sessionsByPlan.map((r) => ["plan", ...r])];
await finish("persist-reuse (seed 000)", ctx, rows, [
  `sessions by plan: ${sessionsByPlan.sort().map(([p, n]) => `${p}=${n}`).join(" ")}`,
  `countries: ${timeByCountry.length}, cache hits: ${ctx.totals.cacheHits}`,
]);
