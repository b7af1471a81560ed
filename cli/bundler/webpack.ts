/** `import rddopt from "rddopt/webpack"`: rddopt's bundler plugin for webpack (see docs/entry-points.md). */
import { rddoptUnplugin } from "./plugin.js";

export type { RddoptBundlerOptions } from "./plugin.js";
export default rddoptUnplugin.webpack;
