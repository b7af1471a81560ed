// What the figures were measured on: machine, Node, package versions, source revision.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { execFileSync } from "node:child_process";

export function packageVersion(root, name, from = "node_modules") {
  try {
    return JSON.parse(fs.readFileSync(path.join(root, from, name, "package.json"), "utf8")).version;
  } catch {
    return undefined;
  }
}

function git(root, args) {
  try {
    return execFileSync("git", args, { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    return "";
  }
}

export function machineInfo(root) {
  const cpus = os.cpus();
  const dirty = git(root, ["status", "--porcelain", "runtime", "transformer"]);
  return {
    cpu: `${cpus[0]?.model ?? "?"} x ${cpus.length} logical cores`,
    ramGiB: os.totalmem() / 2 ** 30,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    v8: process.versions.v8,
    commit: git(root, ["rev-parse", "--short", "HEAD"]) + (dirty ? " (runtime/ or transformer/ with uncommitted changes)" : ""),
    packages: {
      rddopt: JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")).version,
      typescript: packageVersion(root, "typescript"),
      "ts-patch": packageVersion(root, "ts-patch"),
      msgpackr: packageVersion(root, "msgpackr"),
      "cli-progress": packageVersion(root, "cli-progress"),
    },
  };
}
