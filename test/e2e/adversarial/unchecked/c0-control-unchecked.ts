// Control under noUncheckedIndexedAccess: tuples joined, one field per side read; pruning must apply.
import { Context } from "rddopt";
import { Report } from "./kit.js";

type Log = [ts: number, level: string, msg: string, host: string];
type Host = [dc: string, rack: number, spec: string];

const ctx = new Context({ defaultParallelism: 4 });
const out = new Report(ctx);
const logs = ctx.parallelize(Array.from({ length: 300 }, (_, i): [string, Log] => [`h${i % 10}`, [i, i % 3 ? "info" : "warn", "m".repeat(60), `h${i % 10}`]]));
const hosts = ctx.parallelize(Array.from({ length: 10 }, (_, i): [string, Host] => [`h${i}`, [`dc${i % 2}`, i, "s".repeat(90)]]));

const warnsByDc = logs
  .join(hosts)
  .map(([, [log, host]]): [string, number] => [host[0], log[1] === "warn" ? 1 : 0])
  .reduceByKey((a, b) => a + b);

await out.rows("warnsByDc", () => warnsByDc.collect());
await out.done();
