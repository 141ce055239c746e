// Slow clients against a listening server, over real sockets (docs/hardening.md): 50 request bodies trickled a byte at a time
// and 10 requests whose headers never finish are answered 408 and closed within the request/headers timeout, while
// readiness probes and lookups from other clients keep their latency. Before the fix a trickled body held its socket
// open for as long as the client kept sending (330 s and counting in the outside test).

import { mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../config/index.js";
import { silentLogger } from "../util/log.js";
import { startServer } from "./server.js";
import { listeningService, type TestService } from "./test-helper.js";

const REQUEST_MS = 2000;
const HEADERS_MS = 1000;
let svc: TestService & { base: string };

beforeAll(async () => {
  svc = await listeningService({ timeouts: { request: REQUEST_MS, headers: HEADERS_MS, connection: 30_000 } });
});
afterAll(async () => {
  await svc?.close();
});

interface SlowResult {
  openedAt: number;
  closedAt: number;
  response: string;
}

/** Open a socket, send `head` then one byte of `drip` every `everyMs` until the server closes the socket. */
function slowClient(port: number, head: string, drip: string, everyMs: number): Promise<SlowResult> {
  return new Promise((resolve) => {
    const openedAt = performance.now();
    let response = "";
    const s = net.connect(port, "127.0.0.1", () => {
      s.write(head);
    });
    const timer = setInterval(() => {
      if (!s.destroyed) s.write(drip);
    }, everyMs);
    s.on("data", (d) => {
      response += d.toString("latin1");
    });
    s.on("error", () => {});
    s.on("close", () => {
      clearInterval(timer);
      resolve({ openedAt, closedAt: performance.now(), response });
    });
    // A bound on the test itself: a socket still open after 15 s is a failure, reported below.
    setTimeout(() => s.destroy(), 15_000).unref();
  });
}

async function timed(url: string): Promise<{ ms: number; status: number }> {
  const t0 = performance.now();
  const r = await fetch(url);
  await r.arrayBuffer();
  return { ms: performance.now() - t0, status: r.status };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

describe("slow clients are cut off, healthy traffic is served", () => {
  it("50 trickled bodies and 10 unfinished headers get 408 within their timeouts; probes and lookups stay fast", async () => {
    const port = Number(new URL(svc.base).port);
    const camis = svc.city.camis[0];
    const healthy = async (n: number) => {
      const out: { ms: number; status: number }[] = [];
      for (let i = 0; i < n; i++)
        out.push(await timed(i % 2 ? `${svc.base}/health/ready` : `${svc.base}/v1/restaurants/${camis}/risk`));
      return out;
    };
    await healthy(10); // warm up
    const before = await healthy(40);

    const bodyHead =
      "POST /v1/predict HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{";
    const slow = [
      ...Array.from({ length: 50 }, () => slowClient(port, bodyHead, " ", 200)),
      ...Array.from({ length: 10 }, () =>
        slowClient(port, "GET /health/ready HTTP/1.1\r\nHost: localhost\r\n", "X", 200),
      ),
    ];
    await new Promise((r) => setTimeout(r, 300));
    const during = await healthy(40);
    const results = await Promise.all(slow);

    for (const [i, r] of results.entries()) {
      const limit = i < 50 ? REQUEST_MS : HEADERS_MS;
      const lived = r.closedAt - r.openedAt;
      expect(r.response.split("\r\n")[0], `socket ${i}`).toBe("HTTP/1.1 408 Request Timeout");
      expect(JSON.parse(r.response.slice(r.response.indexOf("\r\n\r\n") + 4)).code).toBe("RODENT_ERR_TIMEOUT");
      // Node checks for expired requests every quarter timeout (app.ts); allow a second for a busy machine.
      expect(lived, `socket ${i} lived ${Math.round(lived)} ms`).toBeGreaterThan(limit * 0.9);
      expect(lived, `socket ${i} lived ${Math.round(lived)} ms`).toBeLessThan(limit * 1.25 + 1000);
    }
    expect(during.every((x) => x.status === 200)).toBe(true);
    const b = median(before.map((x) => x.ms));
    const d = median(during.map((x) => x.ms));
    expect(d, `median ${d.toFixed(1)} ms during vs ${b.toFixed(1)} ms before`).toBeLessThan(3 * b + 25);
    expect(Math.max(...during.map((x) => x.ms))).toBeLessThan(1000);
    // The server is whole afterwards: nothing in flight, and it answers.
    expect((await timed(`${svc.base}/health/ready`)).status).toBe(200);
    expect(svc.app.lifecycle.inFlight).toBe(0);
  }, 60_000);
});

describe("rodent serve takes its timeouts from the configuration", () => {
  it("RODENT_REQUEST_TIMEOUT_MS / RODENT_HEADERS_TIMEOUT_MS / RODENT_CONNECTION_TIMEOUT_MS reach the listening server", async () => {
    const home = mkdtempSync(path.join(os.tmpdir(), "rodent-slow-"));
    const config = loadConfig({
      RODENT_HOME: home,
      RODENT_REQUEST_TIMEOUT_MS: "700",
      RODENT_HEADERS_TIMEOUT_MS: "400",
      RODENT_CONNECTION_TIMEOUT_MS: "5000",
    });
    // No model and no snapshot: the service starts not ready, which is all this test needs.
    const running = await startServer({ config, log: silentLogger, port: 0, handleSignals: false, drainDelayMs: 0 });
    try {
      expect(running.app.server.requestTimeout).toBe(700);
      expect(running.app.server.headersTimeout).toBe(400);
      expect(running.app.server.timeout).toBe(5000);
      const r = await slowClient(
        Number(new URL(running.url).port),
        "POST /v1/predict HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 50\r\n\r\n{",
        " ",
        100,
      );
      expect(r.response.startsWith("HTTP/1.1 408")).toBe(true);
      expect(r.closedAt - r.openedAt).toBeLessThan(700 * 1.25 + 1000);
    } finally {
      await running.close();
      rmSync(home, { recursive: true, force: true });
    }
  });
  it("refuses a headers timeout longer than the request timeout, naming the variable", () => {
    expect(() => loadConfig({ RODENT_REQUEST_TIMEOUT_MS: "1000", RODENT_HEADERS_TIMEOUT_MS: "2000" })).toThrow(
      /RODENT_HEADERS_TIMEOUT_MS/,
    );
    expect(() => loadConfig({ RODENT_REQUEST_TIMEOUT_MS: "Infinity" })).toThrow(/RODENT_REQUEST_TIMEOUT_MS/);
  });
});
