// The orchestrator's log: one line per event on stderr, prefixed with an ISO
// time. Attacker-controlled strings are JSON-encoded by callers that log them.
export type Log = (msg: string) => void;

export function stderrLog(prefix = "fangs serve"): Log {
  return (msg) => process.stderr.write(`${new Date().toISOString()} ${prefix}: ${msg.replace(/[\r\n]+/g, " ")}\n`);
}

export const silentLog: Log = () => {};
