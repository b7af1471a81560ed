// What OpenLineage events cost a job: the same small jobs with lineage off, to a JSON-lines file, and
// to an HTTP receiver on 127.0.0.1 (a child process, so it does not share this event loop). Variants
// run interleaved, round by round, in one process; wall and CPU time per job are reported side by side.
// Run after `npm run build`: node bench/lineage.mjs [jobs per round] [rounds] [lines per job]
import { fork } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const { Context } = await import(path.join(root, "dist", "runtime", "index.js"));
const jobs = Number(process.argv[2] ?? 200);
const rounds = Number(process.argv[3] ?? 5);
const lines = Number(process.argv[4] ?? 2000);

if (process.argv[2] === "--receiver") {
  const http = await import("node:http");
  const server = http.createServer((req, res) => req.on("data", () => {}).on("end", () => res.writeHead(200).end()));
  server.listen(0, "127.0.0.1", () => process.send(server.address().port));
} else {
  const receiver = fork(fileURLToPath(import.meta.url), ["--receiver"]);
  const port = await new Promise((resolve) => receiver.once("message", resolve));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rddopt-lineage-bench-"));
  const input = path.join(dir, "input.txt");
  fs.writeFileSync(input, Array.from({ length: lines }, (_, i) => `u${i % 50},${i}`).join("\n") + "\n");
  const variants = {
    off: { lineage: false },
    file: { lineage: { file: path.join(dir, "events.jsonl") } },
    http: { lineage: { url: `http://127.0.0.1:${port}` } },
  };
  const totals = Object.fromEntries(Object.keys(variants).map((k) => [k, { wall: 0, cpu: 0, stop: 0 }]));
  const names = Object.keys(variants);
  for (let round = 0; round < rounds; round++) {
    // a different variant goes first in each round: none always pays the warm-up
    for (const name of [...names.slice(round % names.length), ...names.slice(0, round % names.length)]) {
      const options = variants[name];
      const ctx = new Context({ progress: false, defaultParallelism: 2, ...options });
      const cpu = process.cpuUsage();
      const start = performance.now();
      for (let i = 0; i < jobs; i++) await ctx.textFile(input).map((l) => l.split(",")).filter((p) => p[1] !== "0").count();
      const wall = performance.now() - start;
      const used = process.cpuUsage(cpu);
      const stopStart = performance.now();
      await ctx.stop();
      totals[name].wall += wall;
      totals[name].cpu += (used.user + used.system) / 1000;
      totals[name].stop += performance.now() - stopStart;
    }
  }
  const n = jobs * rounds;
  console.log(`${n} jobs per variant (textFile ${lines} lines -> map -> filter -> count), ${rounds} interleaved rounds, node ${process.version}, ${os.cpus().length} CPUs`);
  console.log("variant  wall ms/job  cpu ms/job  wall vs off  stop() ms total (flush)");
  for (const [name, t] of Object.entries(totals)) {
    console.log(`${name.padEnd(8)} ${(t.wall / n).toFixed(3).padStart(11)} ${(t.cpu / n).toFixed(3).padStart(11)} ${(t.wall / totals.off.wall).toFixed(2).padStart(11)}x ${t.stop.toFixed(1).padStart(12)}`);
  }
  const events = fs.readFileSync(variants.file.lineage.file, "utf8").trim().split("\n").length;
  console.log(`file sink: ${events} events written (2 per job)`);
  receiver.kill();
  fs.rmSync(dir, { recursive: true, force: true });
}
