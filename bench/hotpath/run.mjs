// Side-by-side hot-path benchmark: the same jobs on two builds of the runtime in ONE process, alternating
// A B B A per round, so drifting load from other users of the machine hits both alike. Reports medians of
// wall and CPU time (process.cpuUsage: user + system of all threads) and the ratio B/A per case.
//
//   node --expose-gc bench/hotpath/run.mjs --a /path/to/old/dist --b dist [--rows 2000000] [--rounds 5] [--cases a,b]
//
// Each case runs in a fresh process (of the same node flags); --case <exact name> runs one in this one.
//
// With only --b, the cases run on one build and the hand-written baselines are the comparison: "hand" (JS rows
// and a Map) and, where given, "typed" (the same loop over a typed-array hash table, TypedIndex below).
import path from "node:path";
import { pathToFileURL } from "node:url";
import { generate, mulberry32 } from "../runtime/data.mjs";
import { collectGarbage } from "../lib/settle.mjs";
import { mapAggregate } from "../lib/hand.mjs";

const args = Object.fromEntries(
  process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith("--") ? [...acc, [a.slice(2), all[i + 1]]] : acc), []),
);
const rows = Number(args.rows ?? 2_000_000);
const rounds = Number(args.rounds ?? 5);
const builds = [];
if (args.a) builds.push({ name: "A", dir: args.a });
builds.push({ name: args.a ? "B" : "rddopt", dir: args.b ?? "dist" });
for (const b of builds) b.rt = await import(pathToFileURL(path.resolve(b.dir, "runtime/index.js")).href);

const P = 8;

function tuples(n, m, c) {
  return generate({ n, m, c });
}
function objectRows(n, m, c) {
  const rand = mulberry32(42 ^ n ^ c);
  const out = new Array(n);
  for (let i = 0; i < n; i++) {
    const o = {};
    for (let j = 0; j < c; j++) o[`f${j}`] = Math.floor(rand() * 2 ** 20) / 256;
    out[i] = [i % m, o];
  }
  return out;
}
function kvRows(n, m) {
  const rand = mulberry32(7 ^ n);
  const out = new Array(n);
  for (let i = 0; i < n; i++) out[i] = [Math.floor(rand() * m), Math.floor(rand() * 2 ** 20) / 256];
  return out;
}

// One thread (the issue's "one worker" targets; bench:workers measures the pool): the hand-written loops run on one too.
const ctxOf = (rt) => new rt.Context({ defaultParallelism: P, progress: false, shuffleMemoryBytes: 8 * 2 ** 30, workers: 0 });
const sumValues = (rdd) => rdd.values().fold(0, (a, b) => a + b);

/** Each case: data (built once, shared by all builds) and run(rt, data) -> a number checked equal across builds. */
const cases = {
  "shuffle tuples C=5 (unprojected)": {
    data: () => tuples(rows, rows / 4, 5).left,
    run: async (rt, left) => {
      const ctx = ctxOf(rt);
      return sumValues(ctx.parallelize(left).partitionBy(new rt.HashPartitioner(P)).mapValues((v) => v[0] + v[4]));
    },
  },
  "shuffle objects C=15 projectValues {f0,f1}": {
    data: () => objectRows(rows / 4, rows / 16, 15),
    run: async (rt, left) => {
      const ctx = ctxOf(rt);
      return sumValues(ctx.parallelize(left).projectValues({ f0: true, f1: true }).partitionBy(new rt.HashPartitioner(P)).mapValues((v) => v.f0 + v.f1));
    },
  },
  "shuffle objects C=15 unprojected": {
    data: () => objectRows(rows / 4, rows / 16, 15),
    run: async (rt, left) => {
      const ctx = ctxOf(rt);
      return sumValues(ctx.parallelize(left).partitionBy(new rt.HashPartitioner(P)).mapValues((v) => v.f0 + v.f1));
    },
  },
  "reduceByKey 2M rows, 10k keys": {
    data: () => kvRows(rows, 10_000),
    run: async (rt, kv) => {
      const ctx = ctxOf(rt);
      return sumValues(ctx.parallelize(kv).reduceByKey((a, b) => a + b));
    },
    hand: (kv) => {
      const m = new Map();
      for (let i = 0; i < kv.length; i++) {
        const [k, v] = kv[i];
        const s = m.get(k);
        m.set(k, s === undefined ? v : s + v);
      }
      let t = 0;
      for (const v of m.values()) t += v;
      return t;
    },
    typed: (kv) => {
      const index = new TypedIndex();
      let sums = new Float64Array(1024);
      for (let i = 0; i < kv.length; i++) {
        const row = kv[i];
        const id = index.intern(row[0]);
        if (id === sums.length) sums = grown(sums);
        sums[id] += row[1];
      }
      let t = 0;
      for (let id = 0; id < index.size; id++) t += sums[id];
      return t;
    },
  },
  "aggregate K=1000 C=5 (pruned by hand, as the peer benchmark)": aggregateCase(1_000),
  "aggregate K=1M C=5 (pruned by hand, as the peer benchmark)": aggregateCase(1_000_000),
  // Tuple keys hash and compare element by element: what a map-side combine that saves nothing costs most.
  "reduceByKey K=1M tuple keys [k, k & 7]": {
    data: () => generate({ n: rows, m: 1_000_000, c: 5 }).left,
    run: async (rt, left) => {
      const ctx = ctxOf(rt);
      return sumValues(ctx.parallelize(left).map(([k, v]) => [[k, k & 7], v[0]]).reduceByKey((a, b) => a + b));
    },
  },
  "broadcast join big x small C=5": {
    data: () => tuples(rows, 10_000, 5),
    run: async (rt, { left, right }) => {
      const ctx = ctxOf(rt);
      return sumValues(ctx.parallelize(left).join(ctx.parallelize(right), { strategy: "broadcast" }).mapValues(([l, r]) => l[0] + r[1]));
    },
    hand: ({ left, right }) => handJoin(left, right),
  },
  // What the transformer emits for `left.join(right, {strategy: "auto"}).mapValues(([l, r]) => l[0] + r[1])`
  // (projectValues before the join) against the same join unpruned, both "auto", in one build.
  "auto big x small C=5, pruned vs unpruned": {
    data: () => tuples(rows, 10_000, 5),
    variants: {
      unpruned: (rt, d) => autoJoin(rt, d, false),
      pruned: (rt, d) => autoJoin(rt, d, true),
    },
  },
  "big x big C=5 (1M x 1M): auto vs shuffle vs broadcast": {
    data: () => tuples(rows / 2, rows / 2, 5),
    variants: {
      auto: (rt, d) => strategyJoin(rt, d, "auto"),
      shuffle: (rt, d) => strategyJoin(rt, d, "shuffle"),
      broadcast: (rt, d) => strategyJoin(rt, d, "broadcast"),
    },
  },
  // Grid cells (100k x 25k at the default --rows 2000000 / 20) as the transformer compiles them, in one process.
  "grid tuples C=5 U=5, pruned vs unpruned": gridCase(5, 5),
  "grid tuples C=1 U=0, pruned vs unpruned": gridCase(1, 0),
  "grid tuples C=22 U=1, pruned vs unpruned": gridCase(22, 1),
  "grid objects C=10 U=10, pruned vs unpruned": gridCase(10, 10, "object"),
  "grid objects C=15 U=15, pruned vs unpruned": gridCase(15, 15, "object"),
  "grid objects C=5 U=1, pruned vs unpruned": gridCase(5, 1, "object"),
  "shuffle join big x big C=5": {
    data: () => tuples(rows / 2, rows / 2, 5),
    run: async (rt, { left, right }) => {
      const ctx = ctxOf(rt);
      return sumValues(ctx.parallelize(left).join(ctx.parallelize(right), { strategy: "shuffle" }).mapValues(([l, r]) => l[0] + r[1]));
    },
    hand: ({ left, right }) => handJoin(left, right),
    typed: ({ left, right }) => typedJoin(left, right),
  },
};

/** reduceByKey of [c0, 1] per key (the peer benchmark's agg-rddopt-pruned-reduceByKey) against agg-hand-rows-map. */
function aggregateCase(k) {
  return {
    data: () => generate({ n: rows, m: k, c: 5 }).left,
    run: async (rt, left) => {
      const ctx = ctxOf(rt);
      return ctx
        .parallelize(left)
        .mapValues((v) => [v[0], 1])
        .reduceByKey((a, b) => [a[0] + b[0], a[1] + b[1]])
        .map(([, s]) => s[0] + s[1])
        .fold(0, (a, b) => a + b);
    },
    hand: (left) => {
      const { sums, counts } = mapAggregate(left);
      let t = 0;
      for (let id = 0; id < sums.length; id++) t += sums[id] + counts[id];
      return t;
    },
    typed: (left) => {
      const index = new TypedIndex();
      let sums = new Float64Array(1024);
      let counts = new Float64Array(1024);
      for (let i = 0; i < left.length; i++) {
        const row = left[i];
        const id = index.intern(row[0]);
        if (id === sums.length) {
          sums = grown(sums);
          counts = grown(counts);
        }
        sums[id] += row[1][0];
        counts[id]++;
      }
      let t = 0;
      for (let id = 0; id < index.size; id++) t += sums[id] + counts[id];
      return t;
    },
  };
}

async function autoJoin(rt, { left, right }, pruned) {
  const ctx = ctxOf(rt);
  const l = pruned ? ctx.parallelize(left).projectValues([0]) : ctx.parallelize(left);
  const r = pruned ? ctx.parallelize(right).projectValues([1]) : ctx.parallelize(right);
  const read = pruned ? ([a, b]) => a[0] + b[0] : ([a, b]) => a[0] + b[1];
  const sum = await sumValues(l.join(r, { strategy: "auto" }).mapValues(read));
  lastStrategy = ctx.lastJob?.joins?.[0]?.strategy;
  return sum;
}

async function strategyJoin(rt, { left, right }, strategy) {
  const ctx = ctxOf(rt);
  const sum = await sumValues(ctx.parallelize(left).join(ctx.parallelize(right), { strategy }).mapValues(([l, r]) => l[0] + r[1]));
  lastStrategy = ctx.lastJob?.joins?.[0]?.strategy;
  return sum;
}

let lastStrategy;

/** The pruning grid's job (bench/grid/source.mjs) with and without the transformer's projections. */
function gridCase(c, u, shape = "tuple") {
  const objects = shape === "object";
  const names = Array.from({ length: c }, (_, j) => `f${j}`);
  const pick = (k) => (objects ? Object.fromEntries(names.slice(0, k).map((n) => [n, true])) : Array.from({ length: k }, (_, j) => j));
  const at = objects ? (v, j) => v[names[j]] : (v, j) => v[j];
  const job = async (rt, { left, right }, pruned) => {
    const ctx = ctxOf(rt);
    const l = pruned && u < c ? ctx.parallelize(left).projectValues(pick(u)) : ctx.parallelize(left);
    const r = pruned && c > 1 ? ctx.parallelize(right).projectValues(pick(1)) : ctx.parallelize(right);
    return sumValues(l.join(r).mapValues(([a, b]) => {
      let s = at(b, 0);
      for (let j = 0; j < u; j++) s += at(a, j);
      return s;
    }));
  };
  const asShape = (rows) => (objects ? rows.map(([k, v]) => [k, Object.fromEntries(v.map((x, j) => [names[j], x]))]) : rows);
  return {
    data: () => {
      const n = Math.max(1000, Math.floor(rows / 20));
      const { left } = generate({ n, m: n / 4, c });
      const right = generate({ n: n / 4, m: n / 4, c }).left.map(([, v], k) => [k, v]);
      return { left: asShape(left), right: asShape(right) };
    },
    variants: { unpruned: (rt, d) => job(rt, d, false), pruned: (rt, d) => job(rt, d, true) },
  };
}

function handJoin(left, right) {
  const first = new Map();
  const next = new Int32Array(right.length).fill(-1);
  for (let i = right.length - 1; i >= 0; i--) {
    const k = right[i][0];
    const j = first.get(k);
    if (j !== undefined) next[i] = j;
    first.set(k, i);
  }
  let sum = 0;
  for (let i = 0; i < left.length; i++) {
    const row = left[i];
    for (let j = first.get(row[0]); j !== undefined && j !== -1; j = next[j]) sum += row[1][0] + right[j][1][1];
  }
  return sum;
}

/**
 * The "typed-array Map" of the baselines: int32 key -> dense id (first-seen order) in an open-addressing table of
 * two Int32Arrays, load factor 1/2, grown by doubling (as runtime/shuffle/keys.ts's KeyIndex; keys here are int32).
 */
class TypedIndex {
  size = 0;
  bits = 10;
  keys = new Int32Array(1 << this.bits);
  ids = new Int32Array(1 << this.bits); // id + 1; 0: empty

  slot(k) {
    const mask = (1 << this.bits) - 1;
    let s = Math.imul(k, 0x9e3779b1) >>> (32 - this.bits);
    while (this.ids[s] !== 0 && this.keys[s] !== k) s = (s + 1) & mask;
    return s;
  }

  get(k) {
    return this.ids[this.slot(k)] - 1;
  }

  intern(k) {
    const s = this.slot(k);
    if (this.ids[s] !== 0) return this.ids[s] - 1;
    this.keys[s] = k;
    this.ids[s] = ++this.size;
    if (this.size * 2 > this.keys.length) this.grow();
    return this.size - 1;
  }

  grow() {
    const { keys, ids } = this;
    this.bits++;
    this.keys = new Int32Array(1 << this.bits);
    this.ids = new Int32Array(1 << this.bits);
    for (let i = 0; i < keys.length; i++) {
      if (ids[i] === 0) continue;
      const s = this.slot(keys[i]);
      this.keys[s] = keys[i];
      this.ids[s] = ids[i];
    }
  }
}

function grown(a) {
  const b = new Float64Array(a.length * 2);
  b.set(a);
  return b;
}

/** handJoin on typed arrays: a TypedIndex of the right keys, chains of right rows per key in an Int32Array. */
function typedJoin(left, right) {
  const index = new TypedIndex();
  const next = new Int32Array(right.length);
  let first = new Int32Array(1024);
  for (let i = right.length - 1; i >= 0; i--) {
    const id = index.intern(right[i][0]);
    if (id === first.length) {
      const f = new Int32Array(first.length * 2);
      f.set(first);
      first = f;
    }
    next[i] = first[id] - 1; // first[id]: row index + 1; 0: none
    first[id] = i + 1;
  }
  let sum = 0;
  for (let i = 0; i < left.length; i++) {
    const row = left[i];
    const id = index.get(row[0]);
    if (id < 0) continue;
    for (let j = first[id] - 1; j !== -1; j = next[j]) sum += row[1][0] + right[j][1][1];
  }
  return sum;
}

async function timed(f) {
  await collectGarbage();
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const result = await f();
  const wall = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { result, wall, cpu: (c.user + c.system) / 1000 };
}
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const fmt = (x) => (x >= 100 ? x.toFixed(0) : x.toFixed(1));

const only = args.cases ? args.cases.split(",") : undefined;
const selected = Object.keys(cases).filter((name) => (args.case ? name === args.case : !only || only.some((o) => name.includes(o))));
const os = await import("node:os");
if (!args.case) {
  console.log(`rows=${rows} rounds=${rounds} load=${os.loadavg().map((x) => x.toFixed(2)).join("/")} node=${process.version}`);
  // Each case in a fresh process: one case's heap (its data, the old generation it grew) skews the next one's GC.
  const { spawnSync } = await import("node:child_process");
  const passed = process.argv.slice(2).filter((a, i, all) => a !== "--cases" && all[i - 1] !== "--cases");
  for (const name of selected) {
    const child = spawnSync(process.execPath, [...process.execArgv, process.argv[1], ...passed, "--case", name], { stdio: "inherit" });
    if (child.status !== 0) process.exit(child.status ?? 1);
  }
  process.exit(0);
}
for (const name of selected) {
  const c = cases[name];
  const data = c.data();
  const variants = c.variants
    ? builds.flatMap((b) => Object.entries(c.variants).map(([v, run]) => ({ name: builds.length > 1 ? `${b.name}:${v}` : v, f: () => run(b.rt, data) })))
    : builds.map((b) => ({ name: b.name, f: () => c.run(b.rt, data) }));
  const strategies = new Map();
  if (c.hand) variants.push({ name: "hand", f: async () => c.hand(data) });
  if (c.typed) variants.push({ name: "typed", f: async () => c.typed(data) });
  const samples = new Map(variants.map((v) => [v.name, []]));
  for (const v of variants) await v.f(); // warm-up
  let expected;
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 ? [...variants].reverse() : variants;
    for (const v of order) {
      const s = await timed(v.f);
      expected ??= s.result;
      if (s.result !== expected) throw new Error(`${name}: ${v.name} computed ${s.result}, expected ${expected}`);
      samples.get(v.name).push(s);
      if (lastStrategy) strategies.set(v.name, lastStrategy);
      lastStrategy = undefined;
    }
  }
  const med = Object.fromEntries([...samples].map(([k, ss]) => [k, { wall: median(ss.map((s) => s.wall)), cpu: median(ss.map((s) => s.cpu)) }]));
  const base = builds.length === 2 ? med.A : med.hand;
  const parts = Object.entries(med).map(([k, m]) => `${k} ${fmt(m.wall)} ms (cpu ${fmt(m.cpu)}${strategies.has(k) ? `, ${strategies.get(k)}` : ""})`);
  if (c.variants) {
    const names = Object.keys(med);
    const first = med[names[0]];
    const ratios = names.slice(1).map((k) => `${k}/${names[0]} wall ${(med[k].wall / first.wall).toFixed(2)}x cpu ${(med[k].cpu / first.cpu).toFixed(2)}x`);
    console.log(`${name}: ${parts.join(", ")} | ${ratios.join("; ")}`);
    continue;
  }
  const last = med[builds[builds.length - 1].name];
  const ratio = base ? ` | ${builds.length === 2 ? "B/A" : "rddopt/hand"} wall ${(last.wall / base.wall).toFixed(2)}x cpu ${(last.cpu / base.cpu).toFixed(2)}x` : "";
  const lastName = builds.length === 2 ? "B" : "rddopt";
  const versus = (b) => ` | ${lastName}/${b} wall ${(last.wall / med[b].wall).toFixed(2)}x cpu ${(last.cpu / med[b].cpu).toFixed(2)}x`;
  const handRatio = builds.length === 2 && med.hand ? versus("hand") : "";
  const typedRatio = med.typed ? versus("typed") : "";
  console.log(`${name}: ${parts.join(", ")}${ratio}${handRatio}${typedRatio}`);
}
