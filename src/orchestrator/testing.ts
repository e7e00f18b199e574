// For in-process tests of the orchestrator's routes: a migrated in-memory
// database, the app over it (ingest rate limit off) and a runner's POST.
// Imported by *.test.ts beside this file only.
import { afterAll, beforeAll } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openMigrated, type Store } from "../store/index.ts";
import { loadConfig } from "../core/config.ts";
import { createApp } from "./app.ts";
import { makeDeps, type AppDeps } from "./deps.ts";

export interface TestApp {
  db: Store;
  d: AppDeps;
  app: ReturnType<typeof createApp>;
  /** POST a JSON body as runner `runner`. */
  post(path: string, body: unknown): Promise<{ status: number; json: any }>;
}

/** `settings`: configuration beyond the test defaults, e.g. an operator token. */
export async function openTestApp(runner: string, settings: Record<string, unknown> = {}): Promise<TestApp> {
  const dir = mkdtempSync(join(tmpdir(), "fangs-app-"));
  writeFileSync(join(dir, "o.yaml"), "allowlist: []\n");
  const db = await openMigrated(":memory:");
  const d = makeDeps(db, loadConfig({ config: join(dir, "o.yaml"), "ingest-rate-limit": 0, ...settings }, {}));
  const app = createApp(d);
  const H = { "content-type": "application/json", "X-Fangs-Runner": runner };
  const post = async (path: string, body: unknown) => {
    const r = await app.request(path, { method: "POST", headers: H, body: JSON.stringify(body) });
    return { status: r.status, json: (await r.json()) as any };
  };
  return { db, d, app, post };
}

/** One app for the whole test file: opened before its tests, closed after. Fields are set once beforeAll ran. */
export function useTestApp(runner: string, settings: Record<string, unknown> = {}): TestApp {
  const t = {} as TestApp;
  beforeAll(async () => void Object.assign(t, await openTestApp(runner, settings)));
  afterAll(async () => t.db?.destroy());
  return t;
}
