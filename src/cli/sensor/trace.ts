// `fangs sensor trace -cgroup <path>`: load the sensor, watch one cgroup, print
// its events until -duration passes (or SIGINT/SIGTERM), then one summary line
// (counts per kind, kernel drops, active probes). Kernel tests drive it; it is
// also the operator's way to see what the sensor sees on a host.
import { existsSync } from "node:fs";
import { command, JSON_ARG, need } from "../command.ts";
import { FangsError } from "../../core/errors.ts";
import { parseDuration } from "../../core/config.ts";
import { safe } from "../output.ts";
import { openSensor } from "../../sensor/sensor.ts";
import { cgroupId } from "../../sensor/cgroup.ts";
import type { SensorEvent } from "../../sensor/types.ts";
import { intFlag } from "../flags.ts";

const POLL_MS = 10;

function describe(e: SensorEvent): string {
  switch (e.kind) {
    case "exec": return `${e.filename} ${e.argv.slice(1).join(" ")}`;
    case "file": return `${e.access} ${e.path}`;
    case "connect":
    case "listen": return `${e.proto} ${e.family === "inet6" ? `[${e.address}]` : e.address}:${e.port}`;
    case "dns": return `${e.qtype} ${e.qname} via ${e.server}:${e.port}`;
    case "tls": return `sni ${e.sni}${e.address ? ` to ${e.address}:${e.port}` : ""}`;
  }
}

export default command({
  meta: { name: "trace", description: "print what the sensor sees in one cgroup" },
  args: {
    cgroup: { type: "string", description: "cgroup v2 directory to watch, e.g. /sys/fs/cgroup/unified/fangs/<run>" },
    duration: { type: "string", description: "how long to trace (default 5s; 0 = until interrupted)" },
    "ring-bytes": { type: "string", description: "ring buffer size in bytes (power of two; default 64 MiB)" },
    ssl: { type: "string", description: "one more binary for the SSL_ctrl uprobe (e.g. a node inside an image layer)" },
    ...JSON_ARG,
  },
  async run(ctx) {
    const path = need(ctx.args.cgroup, "cgroup", "fangs sensor trace -cgroup /sys/fs/cgroup/unified/fangs/<run> -duration 5s");
    if (!existsSync(path)) throw new FangsError(`cgroup ${path} does not exist`, { hint: "create it first (mkdir under /sys/fs/cgroup/unified)" });
    let seconds: number;
    try {
      seconds = parseDuration(ctx.args.duration ?? "5s");
    } catch (e) {
      throw new FangsError((e as Error).message, { hint: "-duration 5s" });
    }
    const ringBytes = intFlag(ctx.args["ring-bytes"], { name: "ring-bytes", min: 4096, max: 1 << 30, example: 4194304 });

    const json = !!ctx.args.json;
    const sensor = openSensor({ ringBytes, log: (l) => process.stderr.write(l + "\n") });
    if (ctx.args.ssl) sensor.attachSslUprobe(ctx.args.ssl);
    const id = cgroupId(path);
    sensor.watchCgroup(id);
    // Tests wait for this line before starting their workload.
    process.stderr.write(`sensor: watching cgroup ${id} (${path})\n`);

    const byKind: Record<string, number> = {};
    let total = 0;
    const emit = (events: SensorEvent[]) => {
      let out = "";
      for (const e of events) {
        total++;
        byKind[e.kind] = (byKind[e.kind] ?? 0) + 1;
        out += json ? JSON.stringify(e) + "\n" : `${e.ts_ns} ${e.pid} ${safe(e.comm)} ${e.kind} ${safe(describe(e))} [${e.source}]\n`;
      }
      if (out) process.stdout.write(out);
    };

    let stop = false;
    const onSignal = () => { stop = true; };
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
    const deadline = seconds > 0 ? performance.now() + seconds * 1000 : Infinity;
    while (!stop && performance.now() < deadline) {
      emit(sensor.poll());
      await Bun.sleep(POLL_MS);
    }
    emit(sensor.poll());
    const c = sensor.counters(id);
    sensor.unwatchCgroup(id);
    const summary = {
      summary: {
        cgroup_id: id.toString(),
        events: total,
        by_kind: byKind,
        kernel_events: c.events,
        dropped: c.ringbuf,
        read_failures: c.read_failures,
        decode_errors: c.decode,
        probes_active: sensor.probes.filter((p) => p.active).map((p) => p.name),
        probes_inactive: sensor.probes.filter((p) => !p.active).map((p) => ({ name: p.name, detail: p.detail ?? "" })),
      },
    };
    sensor.close();
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    if (json) process.stdout.write(JSON.stringify(summary) + "\n");
    else {
      const s = summary.summary;
      process.stdout.write(`summary: ${s.events} events (${Object.entries(byKind).map(([k, n]) => `${k} ${n}`).join(", ") || "none"}), kernel ${s.kernel_events}, dropped ${s.dropped}, read failures ${s.read_failures}, decode errors ${s.decode_errors}; probes active: ${s.probes_active.join(" ")}\n`);
    }
  },
});
