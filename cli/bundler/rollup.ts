/** `import rddopt from "rddopt/rollup"`: rddopt's bundler plugin for rollup (see docs/entry-points.md). */
import { rddoptUnplugin } from "./plugin.js";

export type { RddoptBundlerOptions } from "./plugin.js";
export default rddoptUnplugin.rollup;
