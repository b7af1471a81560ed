// Preloaded into a timed compiler process (node --require): writes its CPU time (user + system, ms,
// all threads) to $BENCH_CPU_FILE at exit, a figure a shared machine's scheduling cannot inflate.
process.on("exit", () => {
  const u = process.cpuUsage();
  require("node:fs").writeFileSync(process.env.BENCH_CPU_FILE, String((u.user + u.system) / 1000));
});
