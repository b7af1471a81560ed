/**
 * Delivers events without ever failing or holding up a job: in order, one at a time, in the background;
 * at most `maxPending` waiting (past that new ones are dropped); any failure is reported once as a
 * process warning and never thrown. `flush()` (called by ctx.stop()) waits for what is queued.
 */
import fs from "node:fs";
import http from "node:http";
import https from "node:https";
import type { RunEvent } from "./openlineage.js";
import type { ResolvedLineage } from "./options.js";

export class Delivery {
  private chain: Promise<void> = Promise.resolve();
  private pending = 0;
  private warned = false;
  private agent: http.Agent | undefined;

  constructor(private readonly config: ResolvedLineage) {}

  send(event: RunEvent): void {
    if (this.pending >= this.config.maxPending) {
      this.warnOnce(`more than ${this.config.maxPending} events waiting for delivery; newer events are dropped`);
      return;
    }
    const body = JSON.stringify(event);
    this.pending++;
    this.chain = this.chain
      .then(() => this.deliver(body))
      .catch((error: unknown) => this.warnOnce(error instanceof Error ? error.message : String(error)))
      .finally(() => {
        this.pending--;
      });
  }

  /** Waits for the queued events (at most `limitMs`). */
  async flush(limitMs = 10_000): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const limit = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, limitMs);
      timer.unref();
    });
    await Promise.race([this.chain, limit]);
    clearTimeout(timer);
  }

  private async deliver(body: string): Promise<void> {
    const { http, file } = this.config;
    if (file) await fs.promises.appendFile(file, body + "\n");
    if (http) await this.post(http.url, http.apiKey, body);
  }

  /** One POST over a kept-alive connection (node:http costs a fraction of fetch's CPU per event). */
  private post(url: string, apiKey: string | undefined, body: string): Promise<void> {
    const target = new URL(url);
    const client = target.protocol === "https:" ? https : http;
    this.agent ??= new client.Agent({ keepAlive: true, maxSockets: 1 });
    return new Promise<void>((resolve, reject) => {
      const request = client.request(
        target,
        {
          method: "POST",
          agent: this.agent,
          timeout: this.config.timeoutMs,
          headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body), ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}) },
        },
        (response) => {
          // the answer's body is not needed, but reading it frees the connection for the next event
          response.resume();
          response.on("end", () => {
            const status = response.statusCode ?? 0;
            if (status >= 200 && status < 300) resolve();
            else reject(new Error(`${url} answered ${status} ${response.statusMessage ?? ""}`.trim()));
          });
          response.on("error", reject);
        },
      );
      request.on("timeout", () => request.destroy(new Error(`no answer from ${url} within ${this.config.timeoutMs} ms`)));
      request.on("error", reject);
      request.end(body);
    });
  }

  /** Closes kept-alive connections, so an idle process can exit. */
  close(): void {
    this.agent?.destroy();
    this.agent = undefined;
  }

  private warnOnce(why: string): void {
    if (this.warned) return;
    this.warned = true;
    const target = [this.config.http?.url, this.config.file].filter(Boolean).join(" and ");
    process.emitWarning(`rddopt lineage: events to ${target} are not delivered: ${why}. Jobs are not affected; later delivery errors are not reported again.`, "RddoptLineageWarning");
  }
}
