/** Which tsconfig the bundler plugin analyses with: the `tsconfig` option, or the nearest one upwards. */
import fs from "node:fs";
import path from "node:path";
import { CliError } from "../errors.js";
import { resolveConfigPath } from "../project.js";

export function findTsconfig(option: string | undefined, root: string): string {
  if (option) return resolveConfigPath(option, root);
  for (let dir = path.resolve(root); ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, "tsconfig.json");
    if (fs.existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir) break;
  }
  throw new CliError(`no tsconfig.json in ${root} or above it: pass the project's with rddopt({ tsconfig: "path/to/tsconfig.json" })`);
}
