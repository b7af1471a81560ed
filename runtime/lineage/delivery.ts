/**
 * Delivers events without ever failing or holding up a job: in order, one at a time, in the background;
 * at most `maxPending` waiting (past that new ones are dropped); any failure is reported once as a
 * process warning and never thrown. `flush()` (called by ctx.stop()) waits for what is queued.
 */
import fs from "node:fs";
import type { RunEvent } from "./openlineage.js";
import type { ResolvedLineage } from "./options.js";

export class Delivery {
  private chain: Promise<void> = Promise.resolve();
  private pending = 0;
  private warned = false;

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
    if (http) {
      const response = await fetch(http.url, {
        method: "POST",
        headers: { "content-type": "application/json", ...(http.apiKey ? { authorization: `Bearer ${http.apiKey}` } : {}) },
        body,
        signal: AbortSignal.timeout(this.config.timeoutMs),
      });
      // the body is not needed, but reading it frees the connection
      await response.arrayBuffer();
      if (!response.ok) throw new Error(`${http.url} answered ${response.status} ${response.statusText}`);
    }
  }

  private warnOnce(why: string): void {
    if (this.warned) return;
    this.warned = true;
    const target = [this.config.http?.url, this.config.file].filter(Boolean).join(" and ");
    process.emitWarning(`rddopt lineage: events to ${target} are not delivered: ${why}. Jobs are not affected; later delivery errors are not reported again.`, "RddoptLineageWarning");
  }
}
