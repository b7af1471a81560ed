/**
 * The seed's program (003): two pair RDDs whose values are 5-tuples, joined, and a mapValues
 * that reads only the left's first element and the right's second. Four of five elements on
 * each side are shuffled for nothing; with the transformer they are pruned before the join.
 */
import { Context } from "rddopt";
import { finish, randomInt, randomWord, seededRandom } from "./kit.js";

type Row = [number, [number, string, number, string, number]];

function makeRows(seed: number, count: number, keys: number): Row[] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, (): Row => [
    randomInt(random, keys),
    [randomInt(random, 1000), randomWord(random, 12), random(), randomWord(random, 24), randomInt(random, 1e6)],
  ]);
}

const ctx = new Context({ defaultParallelism: 4, progress: false });
const rdd1 = ctx.parallelize(makeRows(1, 60_000, 20_000));
const rdd2 = ctx.parallelize(makeRows(2, 60_000, 20_000));

const joined = rdd1.join(rdd2).mapValues(([left, right]) => `${left[0]}:${right[1]}`);
const rows = await joined.collect();

await finish("tuple-join (seed 003)", ctx, rows, [`joined rows: ${rows.length}`]);
