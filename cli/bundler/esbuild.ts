/** `import rddopt from "rddopt/esbuild"`: rddopt's bundler plugin for esbuild (see docs/entry-points.md). */
import { rddoptUnplugin } from "./plugin.js";

export type { RddoptBundlerOptions } from "./plugin.js";
export default rddoptUnplugin.esbuild;
