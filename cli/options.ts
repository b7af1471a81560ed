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

/** The first rddopt plugin entry of compilerOptions.plugins, as written (empty without one). */
export function pluginEntry(compilerOptions: object): Record<string, unknown> {
  const declared = (compilerOptions as { plugins?: unknown }).plugins;
  const plugins = Array.isArray(declared) ? (declared as PluginEntry[]) : [];
  return { ...(plugins.find(isRddoptPlugin) ?? {}) };
}

/** prune/broadcast from the first rddopt plugin entry; both default to true. */
export function pluginOptions(compilerOptions: object): Required<Pick<RddoptOptions, "prune" | "broadcast">> {
  const declared = (compilerOptions as { plugins?: unknown }).plugins;
  const plugins = Array.isArray(declared) ? (declared as PluginEntry[]) : [];
  const entry = plugins.find(isRddoptPlugin);
  return { prune: entry?.prune !== false, broadcast: entry?.broadcast !== false };
}

/** Whether the first rddopt plugin entry asks for lineage tags on actions (`"lineage": true`; default off). */
export function lineageOption(compilerOptions: object): boolean {
  const declared = (compilerOptions as { plugins?: unknown }).plugins;
  const plugins = Array.isArray(declared) ? (declared as PluginEntry[]) : [];
  return plugins.find(isRddoptPlugin)?.lineage === true;
}

/** capture/imports (closure capture, transformer/README.md) from the first rddopt plugin entry; both default to true. */
export function captureOptions(compilerOptions: object): Required<Pick<RddoptOptions, "capture" | "imports">> {
  const declared = (compilerOptions as { plugins?: unknown }).plugins;
  const entry = (Array.isArray(declared) ? (declared as PluginEntry[]) : []).find(isRddoptPlugin);
  return { capture: entry?.capture !== false, imports: entry?.imports !== false };
}
