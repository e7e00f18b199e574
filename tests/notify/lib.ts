// Webhook receivers for the notifier tests: one Bun.serve on 127.0.0.1 that
// plays Slack, Discord and generic endpoints by path, records every request,
// and answers from a per-path script (e.g. 500, 500, then 200).
export interface Received { path: string; body: string; headers: Headers; at: number }

export class Receivers {
  readonly got: Received[] = [];
  readonly scripts = new Map<string, number[]>();
  readonly server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch: async (req) => {
      const path = new URL(req.url).pathname;
      this.got.push({ path, body: await req.text(), headers: req.headers, at: Date.now() });
      const status = this.scripts.get(path)?.shift() ?? 200;
      return new Response(status < 300 ? "ok" : "nope", { status });
    },
  });

  url(path: string): string {
    return `http://127.0.0.1:${this.server.port}${path}`;
  }

  at(path: string): Received[] {
    return this.got.filter((r) => r.path === path);
  }

  stop(): void {
    this.server.stop(true);
  }
}
