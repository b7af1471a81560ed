/** `import rddopt from "rddopt/rspack"`: rddopt's bundler plugin for rspack (see docs/entry-points.md). */
import { rddoptUnplugin } from "./plugin.js";

export type { RddoptBundlerOptions } from "./plugin.js";
export default rddoptUnplugin.rspack;
