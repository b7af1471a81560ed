/**
 * The typed contract of api.md: pair methods only on RDD<[K, V]> (a `this`
 * parameter), join result types, missing outer sides typed `| undefined`.
 * Compiles a snippet against the built declarations (dist/runtime/*.d.ts,
 * what users of the package see) with the TypeScript API.
 */
import path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { packageRoot, waitForBuild } from "../helpers/pack.js";

const snippet = `
import { Context, HashPartitioner, StatCounter, type Accumulator, type RDD } from "./dist/runtime/index.js";
const ctx = new Context();
const nums: RDD<number> = ctx.parallelize([1, 2]);
const pairs: RDD<[number, string]> = ctx.parallelize([[1, "a"]]);
const other: RDD<[number, boolean]> = ctx.parallelize([[1, true]]);

// @ts-expect-error pair methods need RDD<[K, V]>
nums.reduceByKey((a: number, b: number) => a + b);
// @ts-expect-error
nums.join(other);
// @ts-expect-error
nums.mapValues((v: number) => v);
// @ts-expect-error
nums.partitionBy(new HashPartitioner(2));

const inner: RDD<[number, [string, boolean]]> = pairs.join(other, { strategy: "auto", site: "x.ts:1:1" });
const left: RDD<[number, [string, boolean | undefined]]> = pairs.leftOuterJoin(other);
const right: RDD<[number, [string | undefined, boolean]]> = pairs.rightOuterJoin(other, { strategy: "broadcast" });
const full: RDD<[number, [string | undefined, boolean | undefined]]> = pairs.fullOuterJoin(other, { numPartitions: 2 });
// @ts-expect-error a left outer join's right side may be missing
const wrong: RDD<[number, [string, boolean]]> = pairs.leftOuterJoin(other);
// @ts-expect-error unknown strategy
pairs.join(other, { strategy: "hash" });
const grouped: RDD<[number, string[]]> = pairs.groupByKey();
const cg: RDD<[number, [string[], boolean[], string[]]]> = pairs.cogroup(other, pairs);
const counts: Promise<Map<number, number>> = pairs.countByKey();
void [inner, left, right, full, wrong, grouped, cg, counts];

// the Spark methods of issue 13: numeric actions only on RDD<number>
const words: RDD<string> = ctx.parallelize(["a"]);

const total: Promise<number> = nums.sum();
const stats: Promise<StatCounter> = nums.stats();
const spread: Promise<number>[] = [nums.mean(), nums.variance(), nums.stdev(), nums.sampleVariance(), nums.sampleStdev()];
// @ts-expect-error numeric actions need RDD<number>
words.sum();
// @ts-expect-error
words.stats();
// @ts-expect-error
words.mean();
// @ts-expect-error
words.stdev();
// @ts-expect-error
ctx.parallelize([[1, 2]]).variance();

const longest: Promise<string> = words.max((a, b) => a.length - b.length);
const least: Promise<string> = words.min();
const best: Promise<string[]> = words.top(2);
const first: Promise<number[]> = nums.takeOrdered(2, (a, b) => b - a);
// @ts-expect-error the comparator takes rows
words.top(1, (a: number, b: number) => a - b);

const groups: RDD<[number, string[]]> = words.groupBy((w) => w.length);
const indexed: RDD<[string, number]> = words.zipWithIndex();
const ids: RDD<[string, number]> = words.zipWithUniqueId();
const product: RDD<[string, number]> = words.cartesian(nums);
const rest: RDD<string> = words.subtract(words, 3);
const both: RDD<string> = words.intersection(words);
// @ts-expect-error subtract needs rows of the same type
words.subtract(nums);
const each: Promise<void> = words.foreachPartition(async (rows: string[]) => void rows);
const marked: RDD<string> = words.checkpoint();
const file: string | undefined = words.getCheckpointFile();

const count: Accumulator<number> = ctx.longAccumulator("n");
const list: Accumulator<string, string[]> = ctx.collectionAccumulator<string>();
const pair = ctx.accumulator<[number, number]>([0, 0], { add: (a, b) => [a[0] + b[0], a[1] + b[1]] });
pair.add([1, 2]);
// @ts-expect-error adds take the accumulator's type
count.add("1");
const listed: string[] = list.value;
void [total, stats, spread, longest, least, best, first, groups, indexed, ids, product, rest, both, each, marked, file, listed];
`;

describe("types", () => {
  it("pair methods are type errors on non-pair RDDs; join results carry | undefined where a side may be missing", async () => {
    await waitForBuild();
    const file = path.join(packageRoot, "__types_check__.ts");
    const options: ts.CompilerOptions = {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      lib: ["lib.es2022.d.ts"],
      types: [], // the declarations need no Node types, so the check stays fast
    };
    const host = ts.createCompilerHost(options);
    const readFile = host.readFile.bind(host);
    host.readFile = (f) => (path.resolve(f) === file ? snippet : readFile(f));
    const exists = host.fileExists.bind(host);
    host.fileExists = (f) => path.resolve(f) === file || exists(f);
    const getSourceFile = host.getSourceFile.bind(host);
    host.getSourceFile = (f, lang, ...rest) =>
      path.resolve(f) === file ? ts.createSourceFile(f, snippet, lang) : getSourceFile(f, lang, ...rest);
    const program = ts.createProgram([file], options, host);
    const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => {
      const where = d.file ? `${path.relative(packageRoot, d.file.fileName)}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}` : "";
      return `${where} ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`;
    });
    expect(diagnostics).toEqual([]); // every @ts-expect-error above was needed, and nothing else failed
  }, 60_000);
});
