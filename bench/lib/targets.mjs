// The issue's targets, evaluated from the measured results (each with the seed's figure and a reason).
// Time targets are judged on wall-clock medians (as the seed); the CPU time of the same runs is shown
// next to them, and a target missed on wall time but met on CPU time says so instead of hiding either.
import { worseBeyondNoise } from "./stats.mjs";
import { pct, num, seconds } from "./format.mjs";

const BYTES_TOLERANCE = 0.005; // encoded block headers may differ by a few bytes per block

const cellName = (c) => `${c.shape === "object" ? "objects" : "tuples"} C=${c.columns},U=${c.used}`;
const complete = (cells) => cells.filter((c) => c.before?.ok && c.after?.ok && c.ideal?.ok);
const signed = (f) => (f > 0 ? `+${pct(f)}` : pct(f));

function noPruning(cells) {
  return cells.every((c) => !c.changed) ? "the transformer left every grid program unchanged (it does not prune yet), so after = before" : undefined;
}

function largest(cells, f) {
  return cells.reduce((a, c) => (!a || f(c) > a.v ? { v: f(c), c } : a), undefined);
}

function noWorseCell(cells) {
  const worse = [];
  for (const c of cells) {
    const bytesUp = c.after.bytes / c.before.bytes - 1;
    const bytesWorse = bytesUp > BYTES_TOLERANCE;
    // A time regression must show on the wall clock and be confirmed by CPU time (other people's load moves the wall clock alone).
    const timeWorse = worseBeyondNoise(c.before.time, c.after.time) && worseBeyondNoise(c.before.cpu, c.after.cpu);
    const what = [bytesWorse && `bytes +${pct(bytesUp)}`, timeWorse && `time +${pct(c.after.time.median / c.before.time.median - 1)}`].filter(Boolean);
    if (what.length) worse.push(`${cellName(c)} (${what.join(", ")})`);
  }
  const b = largest(cells, (c) => c.after.bytes / c.before.bytes - 1);
  const t = largest(cells, (c) => c.after.time.median / c.before.time.median - 1);
  const u = largest(cells, (c) => c.after.cpu.median / c.before.cpu.median - 1);
  return {
    met: worse.length === 0,
    measured:
      `${worse.length} of ${cells.length} cells worse; largest after/before: bytes ${signed(b.v)} (${cellName(b.c)}), ` +
      `wall time ${signed(t.v)} (${cellName(t.c)}), CPU time ${signed(u.v)} (${cellName(u.c)})`,
    reason: worse.length ? `worse: ${worse.slice(0, 4).join("; ")}${worse.length > 4 ? "; ..." : ""}` : "no cell shuffles more bytes, no cell is slower beyond noise",
  };
}

function withinIdeal(cells) {
  const worst = largest(cells, (c) => c.afterOverIdeal).c;
  const met = worst.afterOverIdeal <= 0.05;
  return {
    met,
    measured: `worst cell: after = ideal ${signed(worst.afterOverIdeal)} (${cellName(worst)})`,
    reason: met ? "every cell shuffles at most 5% more than the hand-written projection" : (noPruning(cells) ?? `${cellName(worst)} keeps more than the used columns`),
  };
}

function c22u1Cell(cells) {
  return cells.find((c) => c.shape === "tuple" && c.columns === 22 && c.used === 1) ?? cells.find((c) => c.columns === 22 && c.used === 1);
}

function c22u1Time(cells) {
  const c = c22u1Cell(cells);
  if (!c) return undefined;
  const goal = 0.6;
  const met = c.timeSaved >= goal;
  const cpuMet = c.cpuSaved >= goal;
  let reason = met ? `${pct(c.timeSaved)} >= 60%` : noPruning([c]);
  if (!reason) {
    reason = `the rewrite saves ${pct(c.timeSaved)} wall / ${pct(c.cpuSaved)} CPU; the hand-written ideal saves ${pct(c.idealTimeSaved)} / ${pct(c.idealCpuSaved)}`;
    if (c.idealTimeSaved < goal && c.idealCpuSaved < goal) {
      reason += ": even a perfect projection does not reach 60% here; what pruning cannot touch (reading the source rows, the join's hash table, the post-join sum, GC) bounds the saving";
    }
  }
  return {
    met,
    cpuMet,
    measured: `${cellName(c)}: wall ${pct(c.timeSaved)}, CPU ${pct(c.cpuSaved)} (ideal: ${pct(c.idealTimeSaved)}, ${pct(c.idealCpuSaved)})`,
    reason,
  };
}

function c22u1Bytes(cells) {
  const c = c22u1Cell(cells);
  if (!c) return undefined;
  const met = c.bytesSaved >= 0.9;
  const other = cells.find((x) => x !== c && x.columns === 22 && x.used === 1);
  return {
    met,
    measured: `${cellName(c)}: ${pct(c.bytesSaved)} (ideal ${pct(c.idealBytesSaved)})${other ? `; ${cellName(other)}: ${pct(other.bytesSaved)}` : ""}`,
    reason: met ? `${pct(c.bytesSaved)} >= 90%` : (noPruning([c]) ?? `the hand-written ideal saves ${pct(c.idealBytesSaved)}`),
  };
}

function broadcastCase(broadcast, name) {
  const c = broadcast.cases.find((x) => x.name === name);
  const { shuffle, auto } = c?.variants ?? {};
  if (!shuffle?.ok || !auto?.ok) throw new Error(shuffle?.error ?? auto?.error ?? `${name} did not run`);
  return { c, shuffle, auto };
}

function autoBigSmall(broadcast) {
  const { c, shuffle, auto } = broadcastCase(broadcast, "big-small");
  const speedup = shuffle.time.median / auto.time.median;
  const cpuSpeedup = shuffle.cpu.median / auto.cpu.median;
  const met = speedup >= 2;
  let reason = `"auto" took ${auto.strategy}`;
  if (!auto.strategy.startsWith("broadcast")) reason += `: ${auto.reason}`;
  else if (!met) reason += `; in one process a shuffle of ${num(c.n)} rows costs only ${num(speedup)}x a scan and probe of them`;
  return {
    met,
    cpuMet: cpuSpeedup >= 2,
    measured: `wall ${num(speedup)}x (shuffle ${num(shuffle.time.median)} ms, auto ${num(auto.time.median)} ms); CPU ${num(cpuSpeedup)}x`,
    reason,
  };
}

function autoBigBig(broadcast) {
  const { shuffle, auto } = broadcastCase(broadcast, "big-big");
  const slower = auto.time.median / shuffle.time.median - 1;
  const cpuSlower = auto.cpu.median / shuffle.cpu.median - 1;
  const met = slower <= 0.05;
  const spread = `shuffle's runs: ${num(shuffle.time.min)}–${num(shuffle.time.max)} ms`;
  return {
    met,
    cpuMet: cpuSlower <= 0.05,
    measured: `wall ${signed(slower)} (shuffle ${num(shuffle.time.median)} ms, auto ${num(auto.time.median)} ms); CPU ${signed(cpuSlower)}`,
    reason: `"auto" took ${auto.strategy}: ${auto.reason}${met ? "" : ` (${spread})`}`,
  };
}

function compileOverhead(projects) {
  const worst = largest(projects, (p) => p.overhead).c;
  const worstCpu = largest(projects, (p) => p.cpuOverhead).c;
  const parts = projects.map((p) => {
    const s = p.summary;
    return `${p.name}: wall ${signed(p.overhead)} (tsc ${seconds(s.tsc.median)} s, tspc+plugin ${seconds(s["tspc+plugin"].median)} s, max ${seconds(s["tspc+plugin"].max)} s), CPU ${signed(p.cpuOverhead)}; after \`ts-patch install\`, plain tsc+plugin ${signed(p.installedOverhead)} (${seconds(s["tsc installed+plugin"].median)} s); rddopt build ${signed(p.buildOverhead)} (${seconds(s["rddopt build"].median)} s)`;
  });
  const met = worst.overhead <= 0.1;
  const patch = worst.summary.tspc.median / worst.summary.tsc.median - 1;
  const errors = projects.flatMap((p) => p.errors);
  const plugin = worst.summary["tspc+plugin"].median / worst.summary.tspc.median - 1;
  let reason = met
    ? "median overhead at most 10% on every project"
    : `${worst.name}: ts-patch alone (tspc without the plugin) costs ${signed(patch)} over tsc, the plugin ${signed(plugin)} over tspc`;
  if (errors.length) reason = `compiler errors: ${errors.join("; ")}`;
  return { met: met && !errors.length, cpuMet: worstCpu.cpuOverhead <= 0.1 && !errors.length, measured: parts.join("; "), reason };
}

/** rddopt's engine `rddoptName` of `engines` against polars-lazy, DuckDB beside it: within 3x, or `why` not. */
function againstPolars(engines, rddoptName, rddoptTitle, withStrategy, why) {
  const of = (name) => engines.find((e) => e.name === name && e.ok);
  const [rddopt, polars, duck] = [of(rddoptName), of("polars-lazy"), of("duckdb")];
  if (!rddopt || !polars) return { met: false, measured: "–", reason: `${rddopt ? "polars-lazy" : rddoptTitle} did not run` };
  const ratio = rddopt.time.median / polars.time.median;
  const vsDuck = duck ? `; ${(rddopt.time.median / duck.time.median).toFixed(1)}x DuckDB (${num(duck.time.median)} ms)` : "";
  const strategy = withStrategy ? ` (${rddopt.strategy ?? "?"})` : "";
  return {
    met: ratio <= 3,
    measured: `rddopt ${num(rddopt.time.median)} ms${strategy}, polars-lazy ${num(polars.time.median)} ms: ${ratio.toFixed(2)}x${vsDuck}`,
    reason: ratio <= 3 ? "within 3x" : why,
  };
}

/** The peers' cell: rddopt as a user builds it (default plugin options). */
const withinPolars = (peers) =>
  againstPolars(peers.engines, "rddopt-default", "rddopt (default plugin options)", true, "per-row work in JS (rows as arrays, the hash table, GC) against polars' columnar kernels on 2 threads");

/** The peers' aggregation: rddopt with a default Context. */
const aggregateWithinPolars = (aggregate) =>
  againstPolars(aggregate.engines, "rddopt", "rddopt", false, "a value array per row and a hash lookup per row in JS, against polars' columnar group-by on 2 threads");

function status(r) {
  if (r.met) return "met";
  if (r.cpuMet) return "missed on wall time, met on CPU time";
  return "missed";
}

/** Rows for the targets table; a target whose experiment did not run says so. */
export function evaluateTargets(results, noisy) {
  const cells = complete([...(results.grid ?? []), ...(results.objects ?? [])]);
  const rows = [];
  const add = (target, seed, evaluate) => {
    let r;
    try {
      r = evaluate();
    } catch (e) {
      r = { met: false, measured: "–", reason: `could not evaluate: ${e.message}` };
    }
    if (!r) {
      rows.push({ target, seed, measured: "–", status: "not run", reason: "experiment not selected" });
      return;
    }
    const timing = r.cpuMet !== undefined;
    rows.push({ target, seed, measured: r.measured, status: status(r), reason: r.reason + (!r.met && noisy && timing ? ` (${noisy})` : "") });
  };
  const gridRan = cells.length > 0;
  add("No grid cell worse after the rewrite (beyond noise)", "one cell +23% bytes, +24% time", () => (gridRan ? noWorseCell(cells) : undefined));
  add("Bytes after within 5% of ideal in every cell", "null padding left ~10% on the table", () => (gridRan ? withinIdeal(cells) : undefined));
  add("C=22, U=1: at least 60% less time", "24%", () => (gridRan ? c22u1Time(cells) : undefined));
  add("C=22, U=1: at least 90% fewer bytes", "89%", () => (gridRan ? c22u1Bytes(cells) : undefined));
  add('"auto" big⋈small at least 2x faster than "shuffle"', "about 2x", () => (results.broadcast ? autoBigSmall(results.broadcast) : undefined));
  add('big⋈big: "auto" at most 5% slower than "shuffle"', "38-56% slower", () => (results.broadcast ? autoBigBig(results.broadcast) : undefined));
  add("Peers' cell (C=22, U=1): within 3x of polars-lazy", "4-14x", () => (results.peers?.engines?.length ? withinPolars(results.peers) : undefined));
  add(`Peers' aggregation (${results.peers?.aggregate ? num(results.peers.aggregate.data.n) : "2,000,000"} rows, K=1,000, C=5): within 3x of polars-lazy`, "11.6x (348 vs 30.1 ms in the reference benchmark)", () =>
    results.peers?.aggregate?.engines?.length ? aggregateWithinPolars(results.peers.aggregate) : undefined,
  );
  add("Compile overhead at most 10%", "19%: +1.5 s median, up to +5 s", () => (results.compile?.length ? compileOverhead(results.compile) : undefined));
  return rows;
}
