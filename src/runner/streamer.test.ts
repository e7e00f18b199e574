// The streamer against a real HTTP listener on loopback speaking the batch
// endpoint: numbering, batch limits, retry with backoff, loss accounting.
import { afterAll, describe, expect, test } from "bun:test";
import { OrchestratorClient } from "../client/orchestrator.ts";
import { EventStreamer } from "./streamer.ts";
import { Spool } from "./spool.ts";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { SensorEvent } from "../sensor/types.ts";

interface Seen { batch_seq: number; seqs: number[] }
const seen = new Map<string, Seen[]>();
const failuresLeft = new Map<string, number>(); // run id -> 503s still to give
const server = Bun.serve({
  hostname: "127.0.0.1",
  port: 0,
  async fetch(req) {
    const m = /^\/v1\/runs\/([0-9a-f]{16})\/events$/.exec(new URL(req.url).pathname);
    if (!m) return new Response("no", { status: 404 });
    const run = m[1];
    if (req.headers.get("x-fangs-runner") !== "unit-runner") return Response.json({ error: "who?" }, { status: 401 });
    if (run.startsWith("4")) return Response.json({ error: "bad batch" }, { status: 400 });
    if (run.startsWith("9")) return Response.json({ error: "run is failed" }, { status: 409 });
    if (run.startsWith("5") && (failuresLeft.get(run) ?? 0) > 0) {
      failuresLeft.set(run, 0);
      return new Response(JSON.stringify({ error: "slow down" }), { status: 429, headers: { "retry-after": "1", "content-type": "application/json" } });
    }
    const left = failuresLeft.get(run) ?? 0;
    if (left > 0) {
      failuresLeft.set(run, left - 1);
      return Response.json({ error: "busy" }, { status: 503 });
    }
    const b = (await req.json()) as { batch_seq: number; events: { seq: number }[] };
    const list = seen.get(run) ?? [];
    list.push({ batch_seq: b.batch_seq, seqs: b.events.map((e) => e.seq) });
    seen.set(run, list);
    return Response.json({ stored: b.events.length, duplicate: false });
  },
});
afterAll(() => server.stop(true));

const client = new OrchestratorClient({ baseUrl: `http://127.0.0.1:${server.port}`, runnerId: "unit-runner" });
const ev = (i: number): SensorEvent => ({ kind: "file", ts_ns: i, pid: 1, ppid: 0, uid: 0, comm: "node", exe: "/usr/bin/node", cgroup_id: "7", ancestry: [], source: "sys_enter_openat", path: `/f${i}`, flags: 0, access: "read" }) as SensorEvent;
const events = (n: number) => Array.from({ length: n }, (_, i) => ev(i));

describe("event streamer", () => {
  test("numbers events from 0 and batches at most 5000, in order", async () => {
    const logs: string[] = [];
    const s = new EventStreamer(client, "0000000000000001", (l) => logs.push(l), { flushMs: 10_000 });
    s.push(events(7000));
    s.push(events(5001));
    const stats = await s.close();
    const batches = seen.get("0000000000000001")!;
    expect(batches.map((b) => b.batch_seq)).toEqual([0, 1, 2]);
    expect(batches.map((b) => b.seqs.length)).toEqual([5000, 5000, 2001]);
    expect(batches.flatMap((b) => b.seqs)).toEqual(Array.from({ length: 12001 }, (_, i) => i));
    expect(stats).toEqual({ events_sent: 12001, events_lost: 0, batches_sent: 3, batch_send_errors: 0 });
    expect(logs.at(-1)).toContain("event streamer closed run=0000000000000001 events_sent=12001");
  });

  test("retries a failing batch with backoff and counts each failed attempt", async () => {
    failuresLeft.set("0000000000000002", 2);
    const logs: string[] = [];
    const s = new EventStreamer(client, "0000000000000002", (l) => logs.push(l), { flushMs: 10_000 });
    s.push(events(10));
    const stats = await s.close();
    expect(stats).toEqual({ events_sent: 10, events_lost: 0, batches_sent: 1, batch_send_errors: 2 });
    expect(seen.get("0000000000000002")!.map((b) => b.batch_seq)).toEqual([0]);
    expect(logs.at(-1)).toContain("batch_send_errors=2");
  });

  test("a batch the orchestrator rejects is counted lost, not retried forever", async () => {
    const s = new EventStreamer(client, "4000000000000003", () => {}, { flushMs: 10_000 });
    s.push(events(3));
    const stats = await s.close();
    expect(stats).toEqual({ events_sent: 0, events_lost: 3, batches_sent: 0, batch_send_errors: 1 });
  });

  test("a 429 waits the orchestrator's Retry-After before the next attempt", async () => {
    failuresLeft.set("5000000000000005", 1);
    const s = new EventStreamer(client, "5000000000000005", () => {}, { flushMs: 10_000 });
    s.push(events(4));
    const t0 = performance.now();
    const stats = await s.close();
    expect(performance.now() - t0).toBeGreaterThanOrEqual(950);
    expect(stats).toEqual({ events_sent: 4, events_lost: 0, batches_sent: 1, batch_send_errors: 1 });
  });

  test("flushes on its timer without waiting for a full batch", async () => {
    const s = new EventStreamer(client, "0000000000000004", () => {}, { flushMs: 20 });
    s.push(events(5));
    await Bun.sleep(200);
    expect(seen.get("0000000000000004")?.[0]?.seqs).toEqual([0, 1, 2, 3, 4]);
    await s.close();
  });

  test("an outage longer than the old retry budget (8 attempts, ~11 s) loses nothing", async () => {
    failuresLeft.set("0000000000000006", 25);
    const s = new EventStreamer(client, "0000000000000006", () => {}, { flushMs: 10_000, baseMs: 1, maxMs: 5 });
    s.push(events(6));
    const stats = await s.close();
    expect(stats).toEqual({ events_sent: 6, events_lost: 0, batches_sent: 1, batch_send_errors: 25 });
  });

  test("every batch is on disk until acknowledged; a batch refused for good leaves the spool and is counted lost", async () => {
    const spool = new Spool(mkdtempSync(join(tmpdir(), "fangs-spool-")), "unit-runner");
    failuresLeft.set("0000000000000007", 3);
    const s = new EventStreamer(client, "0000000000000007", () => {}, { flushMs: 10_000, baseMs: 200, spool, maxBatch: 2 });
    s.push(events(5));
    await Bun.sleep(50); // first attempts failed: both full batches are spooled (the fifth event waits for close)
    expect(spool.runs()).toEqual([{ runId: "0000000000000007", batches: [0, 1], finish: false }]);
    expect((await s.close()).events_lost).toBe(0);
    expect(spool.runs()).toEqual([{ runId: "0000000000000007", batches: [], finish: false }]);

    const refused = new EventStreamer(client, "9000000000000008", () => {}, { flushMs: 10_000, spool });
    refused.push(events(2));
    expect(await refused.close()).toEqual({ events_sent: 0, events_lost: 2, batches_sent: 0, batch_send_errors: 1 });
    expect(spool.runs().find((r) => r.runId === "9000000000000008")?.batches).toEqual([]);
  });

  test("giving up (runner stopping) keeps the batch in the spool for the next start", async () => {
    const spool = new Spool(mkdtempSync(join(tmpdir(), "fangs-spool-")), "unit-runner");
    failuresLeft.set("0000000000000009", 1000);
    const stop = new AbortController();
    const s = new EventStreamer(client, "0000000000000009", () => {}, { flushMs: 10_000, baseMs: 5, spool, signal: stop.signal });
    s.push(events(3));
    setTimeout(() => stop.abort(), 100);
    expect((await s.close()).events_sent).toBe(0);
    expect(spool.runs()).toEqual([{ runId: "0000000000000009", batches: [0], finish: false }]);
    failuresLeft.set("0000000000000009", 0);
  });
});
