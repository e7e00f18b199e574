// The three message bodies. Package names, versions and deviation values are
// attacker-controlled: every body is built with JSON.stringify (never by
// pasting strings into JSON), and the chat templates escape their markup so a
// file name cannot become a link, a mention or formatting.
import type { Template } from "../protocol/notifier.ts";

export interface NotifyDeviation { category: string; actor: string; value: string; severity: string }

export interface NotifyMessage {
  /** "run.deviations" for a real run, "test" for `fangs notifier test`. */
  kind: "run.deviations" | "test";
  run_id: string;
  package: string;
  version: string;
  deviation_count: number;
  max_severity: string | null;
  /** Worst first, at most TOP_DEVIATIONS. */
  deviations: NotifyDeviation[];
  urls: { ui: string; api: string };
  /** Issue 14: what changed in the release and why (src/releasediff/json.ts notifyLine); null without a manifest. */
  release_diff?: string | null;
  /** Nanoseconds since the epoch, as a decimal string (exceeds 2^53). */
  time_unix_nano: string;
  fangs_version: string;
}

export const TOP_DEVIATIONS = 10;
const MAX_VALUE = 200;
const DISCORD_MAX = 2000;
const MAX_RELEASE_DIFF = 600;

export function render(template: Template, m: NotifyMessage): string {
  switch (template) {
    case "slack": return JSON.stringify(slack(m));
    case "discord": return JSON.stringify(discord(m));
    case "generic": return JSON.stringify(generic(m));
  }
}

/** The envelope SIEMs and event buses get: all fields, no markup. */
export function generic(m: NotifyMessage) {
  return {
    type: `fangs.${m.kind}`,
    run_id: m.run_id,
    package: m.package,
    version: m.version,
    deviation_count: m.deviation_count,
    max_severity: m.max_severity,
    deviations: m.deviations,
    urls: m.urls,
    release_diff: m.release_diff ? m.release_diff.slice(0, MAX_RELEASE_DIFF) : null,
    time_unix_nano: m.time_unix_nano,
    fangs_version: m.fangs_version,
  };
}

/** Bounded, and control characters shown as \uXXXX: a newline in a file
 * name must not forge a line of the chat message. */
function clip(s: string, n = MAX_VALUE): string {
  const one = s.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, (c) => "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0"));
  return one.length > n ? one.slice(0, n - 1) + "…" : one;
}

/** Slack mrkdwn: only &, < and > are control characters (links, mentions). */
export function slackEscape(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function heading(m: NotifyMessage): string {
  return m.kind === "test"
    ? "FANGS test notification (synthetic, no real run)"
    : `FANGS: ${m.deviation_count} deviation${m.deviation_count === 1 ? "" : "s"} (max ${m.max_severity ?? "?"})`;
}

export function slack(m: NotifyMessage) {
  const e = (s: string) => slackEscape(clip(s));
  const lines = [
    `*${heading(m)}* in ${e(m.package)}@${e(m.version)}`,
    ...m.deviations.map((d) => `• [${d.severity}] ${d.category}: ${e(d.value)} (by ${e(d.actor)})`),
    ...(m.deviation_count > m.deviations.length ? [`… and ${m.deviation_count - m.deviations.length} more`] : []),
    ...(m.release_diff ? [slackEscape(clip(m.release_diff, MAX_RELEASE_DIFF))] : []),
    `<${m.urls.ui}|Open run ${m.run_id}> · API: ${m.urls.api}`,
  ];
  return { text: lines.join("\n"), unfurl_links: false, unfurl_media: false };
}

/** Discord markdown: backslash-escape every markup character; mentions are
 * also disarmed by allowed_mentions, and '@' is escaped so they do not even
 * render as one. */
export function discordEscape(s: string): string {
  return s.replace(/[\\*_~`|>#\-[\]()<:@]/g, (c) => "\\" + c);
}

export function discord(m: NotifyMessage) {
  const e = (s: string) => discordEscape(clip(s));
  const lines = [
    `**${heading(m)}** in ${e(m.package)}@${e(m.version)}`,
    ...m.deviations.map((d) => `- [${d.severity}] ${d.category}: ${e(d.value)} (by ${e(d.actor)})`),
    ...(m.deviation_count > m.deviations.length ? [`… and ${m.deviation_count - m.deviations.length} more`] : []),
    ...(m.release_diff ? [discordEscape(clip(m.release_diff, MAX_RELEASE_DIFF))] : []),
    `Run ${m.run_id}: ${m.urls.ui} (API ${m.urls.api})`,
  ];
  let content = lines.join("\n");
  // Cut whole lines so an escape sequence is never split in half.
  while (content.length > DISCORD_MAX && lines.length > 2) {
    lines.splice(lines.length - 2, 1);
    content = lines.join("\n");
  }
  return { content: content.slice(0, DISCORD_MAX), allowed_mentions: { parse: [] as string[] } };
}
