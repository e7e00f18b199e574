// Is a run's evidence whole? The pure decision behind the "incomplete"
// verdict: a run's behaviour can only be trusted (seed or extend a baseline,
// be auto-promoted, be called clean) when the install ended by itself with
// exit 0, no event was lost at any level between the kernel and the database,
// and the runner reported the end. Each kind of loss is its own reason, so
// the operator sees which level failed (and an attacker who floods the ring
// buffer gets "incomplete", never "clean").

/** The counters a runner reports with the end of a run, one per level. */
export interface EvidenceLosses {
  /** Ring-buffer reservations that failed in the kernel. */
  ringbuf: number;
  /** Strings the kernel could not read (shim/BPF read failures). */
  read: number;
  /** Records the decoder rejected. */
  decode: number;
  /** Events of a watched cgroup no run owned while this run was active. */
  unrouted: number;
  /** Events the runner never got acknowledged by the orchestrator. */
  unacked: number;
}

export interface EvidenceInput {
  status: string;
  exit_code: number | null;
  losses: EvidenceLosses;
  /** Events the runner's sensor delivered for the run (null: not reported). */
  emitted: number | null;
  /** Events the orchestrator stored for the run. */
  stored: number;
  /** The runner reported the end of the run (a finish request arrived). */
  reported_end: boolean;
}

export interface Evidence { complete: boolean; issues: string[] }

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

export function assessEvidence(e: EvidenceInput): Evidence {
  const issues: string[] = [];
  if (!e.reported_end) issues.push("the runner never reported the end of the run");
  if (e.status === "timed_out") issues.push("the install did not end by itself: it was stopped at the duration limit");
  else if (e.status === "failed") issues.push("the run failed before the install ended");
  else if (e.exit_code === null) issues.push("the install's exit code is unknown");
  else if (e.exit_code !== 0) issues.push(`npm install exited ${e.exit_code}`);
  const l = e.losses;
  if (l.ringbuf > 0) issues.push(`${plural(l.ringbuf, "event")} dropped in the kernel ring buffer`);
  if (l.read > 0) issues.push(`${plural(l.read, "string")} the kernel could not read`);
  if (l.decode > 0) issues.push(`${plural(l.decode, "record")} the decoder rejected`);
  if (l.unrouted > 0) issues.push(`${plural(l.unrouted, "event")} of a watched cgroup no run owned`);
  if (l.unacked > 0) issues.push(`${plural(l.unacked, "event")} the orchestrator never acknowledged`);
  if (e.emitted !== null && e.stored < e.emitted) issues.push(`${e.emitted - e.stored} of ${plural(e.emitted, "event")} the sensor emitted were not stored`);
  return { complete: issues.length === 0, issues };
}

/** The columns of a stored run (store/schema.ts Run) the evidence is read from. */
export interface EvidenceColumns {
  status: string;
  exit_code: number | null;
  finished_at: number | null;
  drops_ringbuf: number;
  drops_read: number;
  drops_decode: number;
  drops_unrouted: number;
  events_unacked: number;
  events_emitted: number | null;
  events_count: number;
}

/** The evidence of a stored run that reached the differ (its runner reported the end). */
export function runEvidence(run: EvidenceColumns): Evidence {
  return assessEvidence({
    status: run.status,
    exit_code: run.exit_code,
    losses: { ringbuf: Number(run.drops_ringbuf), read: Number(run.drops_read), decode: Number(run.drops_decode), unrouted: Number(run.drops_unrouted), unacked: Number(run.events_unacked) },
    emitted: run.events_emitted === null ? null : Number(run.events_emitted),
    stored: Number(run.events_count),
    reported_end: run.finished_at !== null && run.status !== "failed",
  });
}
