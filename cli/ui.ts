/** `rddopt ui run.json`: serves a saved run in the live view's page until interrupted. */
import { RddError } from "../runtime/errors.js";
import { readRun } from "../runtime/ui/recorder.js";
import { checkPort, serveRun, type UiHandle } from "../runtime/ui/server.js";
import { CliError } from "./errors.js";

function parsePort(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text)) throw new CliError(`--port needs a port number from 0 to 65535 (0: any free port), got "${text}".`);
  return Number(text);
}

export async function showRun(file: string, portText: string | undefined): Promise<number> {
  const port = parsePort(portText);
  let handle: UiHandle;
  try {
    checkPort(port);
    const run = readRun(file);
    handle = await serveRun({ live: false, version: () => 0, run: () => run }, port, `rddopt run ${file}`, undefined, true);
  } catch (e) {
    if (e instanceof RddError) throw new CliError(e.message); // a bad file or a busy port: the user's to fix
    throw e;
  }
  process.stdout.write(`rddopt: serving ${file} at ${handle.url} (Ctrl-C to stop)\n`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
  await handle.close();
  return 0;
}
