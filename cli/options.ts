/** The rddopt plugin options a project already configures in its tsconfig (compilerOptions.plugins). */
import type { RddoptOptions } from "../transformer/report/types.js";

interface PluginEntry {
  transform?: unknown;
  prune?: unknown;
  broadcast?: unknown;
  lineage?: unknown;
  capture?: unknown;
  imports?: unknown;
}

function isRddoptPlugin(entry: PluginEntry): boolean {
  return typeof entry.transform === "string" && /(^|[\\/])rddopt([\\/]transformer)?$|rddopt\/transformer/.test(entry.transform);
}

/** The first rddopt plugin entry of compilerOptions.plugins, if any. */
function rddoptEntry(compilerOptions: object): PluginEntry | undefined {
  const declared = (compilerOptions as { plugins?: unknown }).plugins;
  return (Array.isArray(declared) ? (declared as PluginEntry[]) : []).find(isRddoptPlugin);
}

/** The first rddopt plugin entry of compilerOptions.plugins, as written (empty without one). */
export function pluginEntry(compilerOptions: object): Record<string, unknown> {
  return { ...(rddoptEntry(compilerOptions) ?? {}) };
}

/** prune/broadcast from the first rddopt plugin entry; both default to true. */
export function pluginOptions(compilerOptions: object): Required<Pick<RddoptOptions, "prune" | "broadcast">> {
  const entry = rddoptEntry(compilerOptions);
  return { prune: entry?.prune !== false, broadcast: entry?.broadcast !== false };
}

/** Whether the first rddopt plugin entry asks for lineage tags on actions (`"lineage": true`; default off). */
export function lineageOption(compilerOptions: object): boolean {
  return rddoptEntry(compilerOptions)?.lineage === true;
}

/** capture/imports (closure capture, transformer/README.md) from the first rddopt plugin entry; both default to true. */
export function captureOptions(compilerOptions: object): Required<Pick<RddoptOptions, "capture" | "imports">> {
  const entry = rddoptEntry(compilerOptions);
  return { capture: entry?.capture !== false, imports: entry?.imports !== false };
}
