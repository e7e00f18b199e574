// Browser-test harness: the real `dist/fangs serve` seeded through its HTTP
// API (seed.ts), and real headless Chromium (playwright-core) that records
// console messages, page errors and dialogs, so a test can assert that no
// script injected through event data ran and no CSP violation happened.
import { afterAll, beforeAll, expect } from "bun:test";
import { chromium, type Browser, type Locator, type Page } from "playwright-core";
import { api, startServe, type Serve } from "../orchestrator/lib.ts";
import { seed, type Seeded } from "./seed.ts";

export const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

export async function launch(): Promise<Browser> {
  return chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS });
}

export interface Watched { page: Page; console: string[]; errors: string[]; dialogs: string[] }

/** A page that records what a hostile string might make happen. */
export async function watchedPage(b: Browser): Promise<Watched> {
  const page = await (await b.newContext()).newPage();
  const w: Watched = { page, console: [], errors: [], dialogs: [] };
  page.on("console", (m) => w.console.push(`${m.type()}: ${m.text()}`));
  page.on("pageerror", (e) => w.errors.push(e.message));
  page.on("dialog", (d) => {
    w.dialogs.push(`${d.type()}: ${d.message()}`);
    void d.dismiss();
  });
  return w;
}

/**
 * One orchestrator and one watched Chromium page for a whole test file:
 * `start` brings the orchestrator up (seeding it as the file needs) in
 * beforeAll, then the browser opens and `ready` gets the page; afterAll closes
 * the browser and stops the orchestrator, which must exit 0.
 */
export function browserSuite(start: () => Promise<Serve>, ready: (w: Watched) => void): void {
  let s: Serve | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    s = await start();
    browser = await launch();
    ready(await watchedPage(browser));
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    expect(await s?.stop()).toBe(0);
  });
}

/** CSP violations show up as console errors in Chromium. */
export const cspViolations = (w: Watched) => w.console.filter((m) => /Content Security Policy|Refused to/i.test(m));

export async function seededServe(opts: { token?: string; yaml?: string } = {}): Promise<{ s: Serve; seeded: Seeded }> {
  const s = await startServe({ yaml: opts.yaml, args: ["-ingest-rate-limit", "0", ...(opts.token ? ["-operator-token", opts.token] : [])] });
  const auth: Record<string, string> = opts.token ? { authorization: `Bearer ${opts.token}` } : {};
  const seeded = await seed((method, path, body, headers) => api(s.url, method, path, body, { ...auth, ...headers }));
  return { s, seeded };
}

/** The computed background color (browser-side code as a string: tests are typed without the DOM lib). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const background = (l: Locator) => l.evaluate((e) => (globalThis as any).getComputedStyle(e).backgroundColor as string);
