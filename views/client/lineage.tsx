// The process-lineage view: the tree of processes a run started (its exec
// events plus each event's ancestry), with the evidence event's process and
// the path to it highlighted. jsx-dom builds real DOM nodes; every string
// from an event goes in as a text node, never as HTML.
// Mounted on every `.lineage[data-run]` placeholder, at load and after each
// htmx swap (the "→ lineage" link swaps one in).

import { buildTree, pathTo, roots, type Ev, type Proc } from "./tree.ts";

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

function LineageTree(p: { procs: Map<number, Proc>; mark?: number }): HTMLElement {
  const path = pathTo(p.procs, p.mark);
  return <ul class="tree">{roots(p.procs).map((r) => <Node procs={p.procs} pid={r} mark={p.mark} path={path} depth={0} />)}</ul> as HTMLElement;
}

// The read API caps a page at 5000 events; more exec events than that is
// itself a finding, and the view says it shows only the first ones.
const EXEC_LIMIT = 5000;

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
    const [execs, shown] = await Promise.all([getJson(`/v1/runs/${run}/events?kind=exec&limit=${EXEC_LIMIT}`), getJson(`/v1/deviations/${dev}`)]);
    const events: Ev[] = execs.events.map((x: { event: Ev }) => x.event).filter(Boolean);
    const evidence: Ev | null = shown.evidence?.event ?? null;
    const procs = buildTree(events, evidence);
    el.replaceChildren(
      <div class="muted">{`Process lineage: ${procs.size} processes from ${execs.next_after === null ? "" : "the first "}${events.length} exec events; the evidence event's process is outlined.`}</div>,
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
