// /ui/runs/:id/events — the run's events in order, filtered by kind, paged.
import type { Run } from "../src/store/schema.ts";
import { EVENT_KINDS } from "../src/events/types.ts";
import { Layout } from "./layout.tsx";
import { EventRows, type EventItem } from "./components/event_rows.tsx";
import { runHref, short } from "./components/format.tsx";

export function EventsPage(p: { run: Run; items: EventItem[]; kind?: string; nextAfter: number | null; signedIn?: boolean }) {
  const base = `${runHref(p.run.id)}/events`;
  return (
    <Layout title={`Events of ${short(p.run.id)}`} signedIn={p.signedIn}>
      <h1>Events of run <a class="mono" href={runHref(p.run.id)}>{short(p.run.id)}</a> <span class="muted">({Number(p.run.events_count)} stored)</span></h1>
      <nav class="tabs" id="kinds">
        <a href={base} class={p.kind ? undefined : "on"}>all</a>
        {EVENT_KINDS.map((k) => <a href={`${base}?kind=${k}`} class={p.kind === k ? "on" : undefined}>{k}</a>)}
      </nav>
      <table class="grid" id="events">
        <thead><tr><th>Seq</th><th>Kind</th><th>PID</th><th>Comm</th><th>What</th></tr></thead>
        <tbody><EventRows runId={p.run.id} items={p.items} kind={p.kind} nextAfter={p.nextAfter} /></tbody>
      </table>
      {p.items.length === 0 ? <p class="muted">No events{p.kind ? ` of kind ${p.kind}` : ""}.</p> : null}
    </Layout>
  );
}
