import { Context } from "rddopt";

type Visit = [user: string, page: string, ms: number];

const ctx = new Context();
const visits = ctx.parallelize<Visit>([["ada", "/", 12]]);
const pairs = visits.map(([user, page, ms]): [string, [string, number]] => [user, [page, ms]]);

// cogroup: keys from both sides, each side's values aggregated into its own group
export const both = await pairs.cogroup(visits.map(([user, , ms]): [string, number] => [user, ms])).collect();

// aggregateByKey: accumulators mix fields, so the value depends on all its functions read
export const stats = await pairs
  .aggregateByKey([0, 0] as [number, number], (acc, [, ms]) => [acc[0] + 1, acc[1] + ms] as [number, number], (a, b) => [a[0] + b[0], a[1] + b[1]] as [number, number])
  .collect();

// actions that are not collect: lookup filters by key, countByKey groups, reduce aggregates
export const adaPages = await pairs.lookup("ada");
export const perUser = await pairs.countByKey();
export const longest = await visits.map(([, , ms]) => ms).reduce((a, b) => Math.max(a, b));

// a cast to a wider type is an escape: the value is observed whole
export const widened = await visits.map((v) => (v as unknown as { length: number }).length).collect();

// flatMap over a plain array, sortByKey, values
export const words = await visits
  .flatMap(([, page]) => page.split("/").map((part): [string, number] => [part, 1]))
  .sortByKey()
  .values()
  .collect();
