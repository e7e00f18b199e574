// Exfiltration and tunnelling channels: services whose whole purpose is to
// take data out or let a stranger in (request-bin and webhook collectors,
// paste and drop sites, chat webhooks, tunnels, the GitHub API and its gist
// and raw hosts — the 2025 Shai-Hulud worms exfiltrated by creating repos and
// gists — cloud-form endpoints, out-of-band testing domains). A new DNS name
// or SNI under one of these suffixes is critical (severity.ts); an operator
// allowlist entry still wins. Matched as the name itself or any subdomain.
// Only names: their addresses rotate and sit in shared CDN space.
export const EXFIL_SUFFIXES: Readonly<Record<string, readonly string[]>> = {
  collector: [
    "webhook.site", "requestbin.com", "requestbin.net", "pipedream.net", "pipedream.com", "hookbin.com",
    "beeceptor.com", "requestcatcher.com", "postb.in", "ptsv2.com", "ptsv3.com", "webhook.cool",
    "requestrepo.com", "mockbin.org", "smee.io", "hookdeck.com", "webhookrelay.com",
  ],
  paste: [
    "pastebin.com", "paste.ee", "hastebin.com", "hastebin.skyra.pw", "ghostbin.com", "dpaste.com", "dpaste.org",
    "rentry.co", "controlc.com", "termbin.com", "0x0.st", "transfer.sh", "file.io", "gofile.io", "temp.sh",
    "bashupload.com", "pastes.dev", "paste.rs", "ix.io", "sprunge.us",
  ],
  chat: [
    "discord.com", "discordapp.com", "discordapp.net", "hooks.slack.com", "api.telegram.org", "webhook.office.com",
    "outlook.office.com",
  ],
  tunnel: [
    "ngrok.io", "ngrok.app", "ngrok.dev", "ngrok-free.app", "ngrok-free.dev", "trycloudflare.com", "loca.lt",
    "localtunnel.me", "serveo.net", "localhost.run", "lhr.life", "pagekite.me", "bore.pub", "playit.gg",
    "tunnelmole.net", "pinggy.link", "pinggy.io", "telebit.cloud", "devtunnels.ms",
  ],
  github: ["api.github.com", "uploads.github.com", "gist.github.com", "gist.githubusercontent.com", "raw.githubusercontent.com", "codeload.github.com"],
  forms: [
    "docs.google.com", "forms.gle", "script.google.com", "script.googleusercontent.com", "firebaseio.com",
    "firebasedatabase.app", "formspree.io", "getform.io", "formsubmit.co", "web3forms.com", "sheetdb.io",
    "sheet.best", "airtable.com", "typeform.com", "jotform.com",
  ],
  oast: [
    "oast.pro", "oast.live", "oast.site", "oast.online", "oast.fun", "oast.me", "interact.sh", "interactsh.com",
    "burpcollaborator.net", "oastify.com", "canarytokens.com", "canarytokens.org", "dnslog.cn", "ceye.io",
    "dnslog.link", "bxss.me", "xss.ht", "dig.pm", "eyes.sh",
  ],
};

const all = Object.values(EXFIL_SUFFIXES).flat();

/** `name` equal to a suffix or ending in `.suffix` (names are lower case, no trailing dot). */
function suffixPattern(list: readonly string[]): RegExp {
  return new RegExp(`(^|\\.)(${list.map((s) => s.replace(/[.*+?^${}()|[\]\\-]/g, "\\$&")).join("|")})$`);
}

export const EXFIL_CHANNELS = { suffixes: all, pattern: suffixPattern(all) };

/** Which channel kind a name belongs to, or undefined. */
export function exfilChannel(name: string): string | undefined {
  for (const [kind, list] of Object.entries(EXFIL_SUFFIXES)) {
    if (list.some((s) => name === s || name.endsWith("." + s))) return kind;
  }
  return undefined;
}

/**
 * Free app and function hosting where a collector costs an attacker nothing
 * and sits behind a CDN address the built-in list hides (a Cloudflare Worker,
 * a Vercel or Netlify function). Rarely what an install fetches from, so a
 * new contact is high: it holds a first run, and a delta says why. Object
 * stores and generic CDN names (cloudfront.net, s3.amazonaws.com,
 * storage.googleapis.com) are where honest prebuilt binaries come from and
 * stay medium — a collector there is visible, not held.
 */
export const APP_HOSTING_SUFFIXES: readonly string[] = [
  "workers.dev", "pages.dev", "vercel.app", "now.sh", "netlify.app", "netlify.com", "herokuapp.com", "glitch.me",
  "repl.co", "replit.dev", "replit.app", "deno.dev", "onrender.com", "fly.dev", "up.railway.app", "azurewebsites.net",
  "appspot.com", "web.app", "firebaseapp.com", "surge.sh", "github.io", "gitlab.io", "cloudfunctions.net", "run.app",
  "lambda-url.us-east-1.on.aws", "on.aws", "val.run", "web.val.run",
];

export const APP_HOSTING = { pattern: suffixPattern(APP_HOSTING_SUFFIXES) };
