// The runner's durable outbox: every event batch and the end-of-run report is
// written here (one file each, under <dir>/<runner>/<run>/) before it is sent,
// and removed only once the orchestrator acknowledged it. An outage of the
// orchestrator, a kill -9 of it mid-stream or during the end-of-run report,
// or a restart of the runner loses nothing: the sender re-sends with backoff
// until acknowledged, and a restarted runner resumes what is on disk.
//
// Files are written to a temporary name, fsynced, then renamed, so a reader
// never sees half a file. The spool is bounded (maxBytes): when full, a batch
// is held in memory only (still sent, no longer durable across a runner
// restart) and the log says so in one clear line per run.
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, unlinkSync, writeSync } from "node:fs";
import { join } from "node:path";
import { FangsError } from "../core/errors.ts";

const RUN_DIR = /^[0-9a-f]{16}$/;
const BATCH_FILE = /^b-(\d{9})\.json$/;
export const FINISH_FILE = "finish.json";
export const DEFAULT_SPOOL_MAX_BYTES = 1024 * 1024 * 1024;

export interface SpooledRun { runId: string; batches: number[]; finish: boolean }

export class Spool {
  private used = 0;
  private readonly fullWarned = new Set<string>();
  readonly dir: string;

  constructor(root: string, runnerId: string, readonly maxBytes = DEFAULT_SPOOL_MAX_BYTES, private readonly log: (line: string) => void = () => {}) {
    this.dir = join(root, runnerId);
    try {
      mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    } catch (e) {
      throw new FangsError(`cannot create the runner spool ${this.dir}: ${(e as Error).message}`, { hint: "-spool DIR names a writable directory (default /var/lib/fangs/spool)" });
    }
    for (const r of this.runs()) for (const f of this.files(r.runId)) this.used += this.size(join(this.dir, r.runId, f));
  }

  get usedBytes(): number { return this.used; }

  private size(p: string): number {
    try {
      return statSync(p).size;
    } catch {
      return 0;
    }
  }

  private files(runId: string): string[] {
    try {
      return readdirSync(join(this.dir, runId)).filter((f) => BATCH_FILE.test(f) || f === FINISH_FILE);
    } catch {
      return [];
    }
  }

  /** Write atomically and durably; false (nothing written) when the spool is full. */
  private write(runId: string, name: string, body: string): boolean {
    const data = Buffer.from(body);
    if (this.used + data.length > this.maxBytes) {
      if (!this.fullWarned.has(runId)) {
        this.fullWarned.add(runId);
        this.log(`runner: spool ${this.dir} is full (${this.used} of ${this.maxBytes} bytes): run ${runId} is held in memory only and lost if the runner restarts before the orchestrator acknowledges it (free space, or raise -spool-max-mb)`);
      }
      return false;
    }
    const dir = join(this.dir, runId);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const tmp = join(dir, `.${name}.tmp`);
    const replaced = this.size(join(dir, name)); // a rewritten report replaces its old bytes
    const fd = openSync(tmp, "w", 0o600);
    try {
      writeSync(fd, data);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, join(dir, name));
    this.used += data.length - replaced;
    return true;
  }

  private remove(runId: string, name: string): void {
    const p = join(this.dir, runId, name);
    const n = this.size(p);
    try {
      unlinkSync(p);
      this.used = Math.max(0, this.used - n);
    } catch {
      // already gone
    }
  }

  putBatch(runId: string, batchSeq: number, batch: unknown): boolean {
    return this.write(runId, batchName(batchSeq), JSON.stringify(batch));
  }

  ackBatch(runId: string, batchSeq: number): void {
    this.remove(runId, batchName(batchSeq));
  }

  readBatch<T>(runId: string, batchSeq: number): T {
    return JSON.parse(readFileSync(join(this.dir, runId, batchName(batchSeq)), "utf8")) as T;
  }

  putFinish(runId: string, req: unknown): boolean {
    return this.write(runId, FINISH_FILE, JSON.stringify(req));
  }

  readFinish<T>(runId: string): T {
    return JSON.parse(readFileSync(join(this.dir, runId, FINISH_FILE), "utf8")) as T;
  }

  /** The run is settled (finish acknowledged, or given up): its directory goes. */
  drop(runId: string): void {
    for (const f of this.files(runId)) this.remove(runId, f);
    rmSync(join(this.dir, runId), { recursive: true, force: true });
    this.fullWarned.delete(runId);
  }

  /** Runs with something on disk, oldest batch first. */
  runs(): SpooledRun[] {
    if (!existsSync(this.dir)) return [];
    const out: SpooledRun[] = [];
    for (const d of readdirSync(this.dir, { withFileTypes: true })) {
      if (!d.isDirectory() || !RUN_DIR.test(d.name)) continue;
      const files = this.files(d.name);
      const batches = files.map((f) => BATCH_FILE.exec(f)).filter((m): m is RegExpExecArray => !!m).map((m) => Number(m[1])).sort((a, b) => a - b);
      out.push({ runId: d.name, batches, finish: files.includes(FINISH_FILE) });
    }
    return out;
  }
}

function batchName(seq: number): string {
  return `b-${String(seq).padStart(9, "0")}.json`;
}
