/** `import rddopt from "rddopt/vite"`: rddopt's bundler plugin for vite (see docs/entry-points.md). */
import { rddoptUnplugin } from "./plugin.js";

export type { RddoptBundlerOptions } from "./plugin.js";
export default rddoptUnplugin.vite;
