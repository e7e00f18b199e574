// The process-lineage view: the tree of processes a run started (its exec
// events plus each event's ancestry), with the evidence event's process and
// the path to it highlighted. jsx-dom builds real DOM nodes; every string
// from an event goes in as a text node, never as HTML.
// Mounted on every `.lineage[data-run]` placeholder, at load and after each
// htmx swap (the "→ lineage" link swaps one in).

interface Ancestor { pid: number; comm: string; exe: string }
interface Ev { seq: number; kind: string; pid: number; ppid: number; comm: string; exe: string; ancestry?: Ancestor[]; filename?: string; argv?: string[] }
interface Proc { pid: number; comm: string; exe: string; argv?: string[]; parent?: number; children: Set<number> }

export function buildTree(events: Ev[], evidence: Ev | null): Map<number, Proc> {
  const procs = new Map<number, Proc>();
  const touch = (pid: number, comm: string, exe: string) => {
    let p = procs.get(pid);
    if (!p) procs.set(pid, (p = { pid, comm, exe, children: new Set() }));
    if (!p.exe && exe) p.exe = exe;
    return p;
  };
  const link = (child: number, parent: number) => {
    if (child === parent) return;
    const c = procs.get(child)!;
    if (c.parent === undefined) c.parent = parent;
    procs.get(parent)?.children.add(child);
  };
  for (const e of evidence ? [...events, evidence] : events) {
    const self = touch(e.pid, e.comm, e.exe);
    if (e.kind === "exec") {
      self.comm = e.comm;
      self.exe = e.filename || e.exe;
      self.argv = e.argv;
    }
    // ancestry is nearest first: parent, grandparent, …
    let child = e.pid;
    for (const a of e.ancestry ?? []) {
      touch(a.pid, a.comm, a.exe);
      link(child, a.pid);
      child = a.pid;
    }
    if (!e.ancestry?.length && e.ppid) {
      touch(e.ppid, "?", "");
      link(e.pid, e.ppid);
    }
  }
  return procs;
}

function Node(p: { procs: Map<number, Proc>; pid: number; mark: number | undefined; path: Set<number>; depth: number }): HTMLElement {
  const proc = p.procs.get(p.pid)!;
  const cls = proc.pid === p.mark ? "proc evidence" : p.path.has(proc.pid) ? "proc path" : "proc";
  const kids = [...proc.children].sort((a, b) => a - b);
  return (
    <li>
      <span class={cls} title={proc.exe}>{`${proc.pid} ${proc.comm}`}</span>
      {proc.argv ? <span class="argv">{proc.argv.join(" ")}</span> : null}
      {kids.length && p.depth < 64 ? <ul>{kids.map((k) => <Node procs={p.procs} pid={k} mark={p.mark} path={p.path} depth={p.depth + 1} />)}</ul> : null}
    </li>
  ) as HTMLElement;
}

export function LineageTree(p: { procs: Map<number, Proc>; mark?: number }): HTMLElement {
  const path = new Set<number>();
  for (let pid = p.mark, guard = 0; pid !== undefined && guard < 256; pid = p.procs.get(pid)?.parent, guard++) path.add(pid);
  const roots = [...p.procs.values()].filter((x) => x.parent === undefined || !p.procs.has(x.parent)).map((x) => x.pid).sort((a, b) => a - b);
  return <ul class="tree">{roots.map((r) => <Node procs={p.procs} pid={r} mark={p.mark} path={path} depth={0} />)}</ul> as HTMLElement;
}

async function getJson(url: string): Promise<any> {
  const res = await fetch(url, { credentials: "same-origin", headers: { accept: "application/json" } });
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return res.json();
}

async function mount(el: HTMLElement): Promise<void> {
  el.dataset.mounted = "1";
  const run = encodeURIComponent(el.dataset.run ?? "");
  const dev = encodeURIComponent(el.dataset.deviation ?? "");
  try {
    const [execs, shown] = await Promise.all([getJson(`/v1/runs/${run}/events?kind=exec&limit=5000`), getJson(`/v1/deviations/${dev}`)]);
    const events: Ev[] = execs.events.map((x: { event: Ev }) => x.event).filter(Boolean);
    const evidence: Ev | null = shown.evidence?.event ?? null;
    const procs = buildTree(events, evidence);
    el.replaceChildren(
      <div class="muted">{`Process lineage: ${procs.size} processes from ${events.length} exec events; the evidence event's process is outlined.`}</div>,
      <LineageTree procs={procs} mark={evidence?.pid} />,
    );
  } catch (e) {
    el.replaceChildren(<span class="error">{`could not load the lineage: ${(e as Error).message}`}</span>);
  }
}

function mountAll(): void {
  for (const el of document.querySelectorAll<HTMLElement>(".lineage[data-run]:not([data-mounted])")) void mount(el);
}

document.addEventListener("DOMContentLoaded", mountAll);
document.addEventListener("htmx:after:swap", mountAll);
if (document.readyState !== "loading") mountAll();
