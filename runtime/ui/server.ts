/**
 * The live view's server (node:http, on 127.0.0.1 only): "/" is the page,
 * "/api/view" the current view as JSON, which the page polls.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { InvalidArgumentError, RddError } from "../errors.js";
import { renderPage } from "./page.js";
import { buildView } from "./view.js";
import type { SavedRun } from "./recorder.js";

export interface UiOptions {
  /** Port on 127.0.0.1; 0 picks a free one (default 4040, or the next free one up to 4055, as Spark's UI). */
  port?: number;
  /** Write the recorded run to this file when the view closes (and on ctx.stop()); reopen it with `rddopt ui <file>`. */
  save?: string;
}

export interface UiHandle {
  /** The page's address, e.g. http://127.0.0.1:4040/ */
  readonly url: string;
  /** Stops serving (and writes `save` if given). */
  close(): Promise<void>;
}

/** Where the view's data comes from: a live recorder or a saved run. */
export interface RunSource {
  live: boolean;
  version(): number;
  run(): SavedRun;
}

const DEFAULT_PORT = 4040;
const PORT_TRIES = 16;

export function checkPort(port: unknown): number | undefined {
  if (port === undefined) return undefined;
  if (typeof port !== "number" || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new InvalidArgumentError(`The live view's port must be an integer from 0 to 65535 (0: any free port), got ${String(port)}.`);
  }
  return port;
}

/** `keepAlive`: the server holds the process open (the CLI); a Context's view does not keep a finished program alive. */
export async function serveRun(source: RunSource, port: number | undefined, title: string, onClose?: () => void, keepAlive = false): Promise<UiHandle> {
  const page = renderPage(title);
  const server = http.createServer((req, res) => {
    void respond(source, page, req, res).catch((e: unknown) => {
      if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain; charset=utf-8" });
      res.end(`rddopt live view: ${e instanceof Error ? e.message : String(e)}\n`);
    });
  });
  const bound = await listen(server, port);
  if (!keepAlive) server.unref();
  let closed: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${bound}/`,
    close: () => {
      closed ??= new Promise<void>((resolve) => {
        onClose?.();
        server.closeAllConnections();
        server.close(() => resolve());
      });
      return closed;
    },
  };
}

async function respond(source: RunSource, page: string, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const url = new URL(req.url ?? "/", "http://127.0.0.1");
  if (req.method !== "GET" && req.method !== "HEAD") {
    res.writeHead(405, { allow: "GET, HEAD" }).end();
    return;
  }
  if (url.pathname === "/" || url.pathname === "/index.html") {
    res.writeHead(200, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" }).end(page);
  } else if (url.pathname === "/api/view") {
    const version = source.version();
    const job = url.searchParams.get("job");
    const detailOf = job !== null && /^\d+$/.test(job) ? Number(job) : undefined;
    const unchanged = String(version) === url.searchParams.get("since");
    const body = unchanged ? { version, view: { live: source.live } } : { version, view: await buildView(source.run(), source.live, detailOf) };
    res.writeHead(200, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" }).end(JSON.stringify(body));
  } else if (url.pathname === "/api/run") {
    res.writeHead(200, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" }).end(JSON.stringify(source.run()));
  } else {
    res.writeHead(404, { "content-type": "text/plain; charset=utf-8" }).end("not found\n");
  }
}

/** Binds 127.0.0.1:port; without a port, 4040 or the next free of 16, as Spark does. */
async function listen(server: http.Server, port: number | undefined): Promise<number> {
  const candidates = port === undefined ? Array.from({ length: PORT_TRIES }, (_, i) => DEFAULT_PORT + i) : [port];
  let last: unknown;
  for (const candidate of candidates) {
    try {
      await new Promise<void>((resolve, reject) => {
        const fail = (e: Error) => reject(e);
        server.once("error", fail);
        server.listen(candidate, "127.0.0.1", () => {
          server.off("error", fail);
          resolve();
        });
      });
      return (server.address() as AddressInfo).port;
    } catch (e) {
      last = e;
      if ((e as NodeJS.ErrnoException).code !== "EADDRINUSE") break;
    }
  }
  const what = port === undefined ? `ports ${DEFAULT_PORT}-${DEFAULT_PORT + PORT_TRIES - 1} are` : `port ${port} is`;
  const busy = (last as NodeJS.ErrnoException | undefined)?.code === "EADDRINUSE";
  throw new RddError(
    busy ? `Cannot serve the live view: ${what} in use. Pass another port, or port 0 for any free one.` : `Cannot serve the live view on 127.0.0.1: ${(last as Error).message}.`,
    { cause: last },
  );
}
