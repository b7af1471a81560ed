// The issue's targets, evaluated from the measured results (each with the seed's figure and a reason).
import { worseBeyondNoise } from "./stats.mjs";
import { pct, num, seconds } from "./format.mjs";

const BYTES_TOLERANCE = 0.005; // encoded block headers may differ by a few bytes per block

const cellName = (c) => `${c.shape === "object" ? "objects" : "tuples"} C=${c.columns},U=${c.used}`;
const complete = (cells) => cells.filter((c) => c.before?.ok && c.after?.ok && c.ideal?.ok);

function noPruning(cells) {
  return cells.every((c) => !c.changed) ? "the transformer left every grid program unchanged (it does not prune yet), so after = before" : undefined;
}

function noWorseCell(cells) {
  const worse = [];
  let worstBytes;
  let worstTime;
  for (const c of cells) {
    const bytesUp = c.after.bytes / c.before.bytes - 1;
    const timeUp = c.after.time.median / c.before.time.median - 1;
    if (!worstBytes || bytesUp > worstBytes.v) worstBytes = { v: bytesUp, c };
    if (!worstTime || timeUp > worstTime.v) worstTime = { v: timeUp, c };
    const bytesWorse = bytesUp > BYTES_TOLERANCE;
    const timeWorse = worseBeyondNoise(c.before.time, c.after.time);
    if (bytesWorse || timeWorse) worse.push(`${cellName(c)} (${bytesWorse ? `bytes +${pct(bytesUp)}` : ""}${bytesWorse && timeWorse ? ", " : ""}${timeWorse ? `time +${pct(timeUp)}` : ""})`);
  }
  const measured = `${worse.length} of ${cells.length} cells worse; largest change after/before: bytes ${signed(worstBytes.v)} (${cellName(worstBytes.c)}), time ${signed(worstTime.v)} (${cellName(worstTime.c)})`;
  return {
    met: worse.length === 0,
    measured,
    reason: worse.length ? `worse: ${worse.slice(0, 4).join("; ")}${worse.length > 4 ? "; ..." : ""}` : "no cell shuffles more bytes, no cell is slower beyond noise",
  };
}

const signed = (f) => (f > 0 ? `+${pct(f)}` : pct(f));

function withinIdeal(cells) {
  const worst = cells.reduce((a, c) => (!a || c.afterOverIdeal > a.afterOverIdeal ? c : a), undefined);
  const met = worst.afterOverIdeal <= 0.05;
  return {
    met,
    measured: `worst cell: after = ideal ${signed(worst.afterOverIdeal)} (${cellName(worst)})`,
    reason: met ? "every cell shuffles at most 5% more than the hand-written projection" : (noPruning(cells) ?? `${cellName(worst)} keeps more than the used columns`),
  };
}

function c22u1(cells, key, goal, idealKey) {
  const tuple = cells.find((c) => c.shape === "tuple" && c.columns === 22 && c.used === 1);
  const object = cells.find((c) => c.shape === "object" && c.columns === 22 && c.used === 1);
  const main = tuple ?? object;
  if (!main) return undefined;
  const met = main[key] >= goal;
  const extra = tuple && object ? `; objects: ${pct(object[key])}` : "";
  let reason = met ? `${pct(main[key])} >= ${pct(goal, 0)}` : noPruning([main]);
  if (!met && !reason) {
    reason = `the rewrite saves ${pct(main[key])}; the hand-written ideal saves ${pct(main[idealKey])}`;
    if (main[idealKey] < goal) reason += ": even a perfect projection cannot reach the goal here, the costs that pruning does not touch (reading the source, the join's hash table, the post-join sum, GC) dominate";
  }
  return { met, measured: `tuples: ${pct(main[key])} (ideal ${pct(main[idealKey])})${extra}`, reason };
}

function autoBigSmall(broadcast) {
  const c = broadcast.cases.find((x) => x.name === "big-small");
  const { shuffle, auto } = c.variants;
  if (!shuffle.ok || !auto.ok) return { met: false, measured: "–", reason: shuffle.error ?? auto.error };
  const speedup = shuffle.time.median / auto.time.median;
  const met = speedup >= 2;
  let reason = `"auto" took ${auto.strategy}`;
  if (!auto.strategy.startsWith("broadcast")) reason += `: ${auto.reason}`;
  else if (!met) reason += `, but in one process a shuffle of ${num(c.n)} rows costs only ${num(shuffle.time.median / auto.time.median)}x a scan+probe of them`;
  return { met, measured: `${num(speedup)}x (shuffle ${num(shuffle.time.median)} ms, auto ${num(auto.time.median)} ms)`, reason };
}

function autoBigBig(broadcast) {
  const c = broadcast.cases.find((x) => x.name === "big-big");
  const { shuffle, auto } = c.variants;
  if (!shuffle.ok || !auto.ok) return { met: false, measured: "–", reason: shuffle.error ?? auto.error };
  const slower = auto.time.median / shuffle.time.median - 1;
  const met = slower <= 0.05;
  const reason = `"auto" took ${auto.strategy}: ${auto.reason}${met ? "" : `; slower by ${pct(slower)} (run-to-run spread of shuffle: ${num(shuffle.time.min)}–${num(shuffle.time.max)} ms)`}`;
  return { met, measured: `${signed(slower)} (shuffle ${num(shuffle.time.median)} ms, auto ${num(auto.time.median)} ms)`, reason };
}

function compileOverhead(projects) {
  const worst = projects.reduce((a, p) => (!a || p.overhead > a.overhead ? p : a), undefined);
  const parts = projects.map((p) => {
    const s = p.summary;
    return `${p.name}: ${signed(p.overhead)} (tsc ${seconds(s.tsc.median)} s, tspc+plugin ${seconds(s["tspc+plugin"].median)} s, max ${seconds(s["tspc+plugin"].max)} s)`;
  });
  const met = worst.overhead <= 0.1;
  const patch = worst.summary.tspc.median / worst.summary.tsc.median - 1;
  const reason = met
    ? "median overhead at most 10% on every project"
    : `${worst.name}: ts-patch alone (tspc, no plugin) costs ${signed(patch)}, the plugin the rest`;
  const errors = projects.flatMap((p) => p.errors);
  return { met: met && !errors.length, measured: parts.join("; "), reason: errors.length ? `compiler errors: ${errors.join("; ")}` : reason };
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
    if (!r || r.measured === undefined) rows.push({ target, seed, measured: "–", status: "not run", reason: "experiment not selected or failed" });
    else rows.push({ target, seed, measured: r.measured, status: r.met ? "met" : "missed", reason: r.reason + (!r.met && noisy && r.timing ? ` (${noisy})` : "") });
  };
  add("No grid cell worse after the rewrite (beyond noise)", "one cell +23% bytes, +24% time", () => (cells.length ? noWorseCell(cells) : undefined));
  add("Bytes after within 5% of ideal in every cell", "null padding left ~10% on the table", () => (cells.length ? withinIdeal(cells) : undefined));
  add("C=22, U=1: at least 60% less time", "24%", () => ({ ...c22u1(cells, "timeSaved", 0.6, "idealTimeSaved"), timing: true }));
  add("C=22, U=1: at least 90% fewer bytes", "89%", () => c22u1(cells, "bytesSaved", 0.9, "idealBytesSaved"));
  add('"auto" big⋈small at least 2x faster than "shuffle"', "about 2x", () => (results.broadcast ? { ...autoBigSmall(results.broadcast), timing: true } : undefined));
  add('big⋈big: "auto" at most 5% slower than "shuffle"', "38-56% slower", () => (results.broadcast ? { ...autoBigBig(results.broadcast), timing: true } : undefined));
  add("Compile overhead at most 10%", "19%: +1.5 s median, up to +5 s", () => (results.compile?.length ? { ...compileOverhead(results.compile), timing: true } : undefined));
  return rows;
}
