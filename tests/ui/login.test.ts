// Sign-in when the orchestrator has an operator token, in real Chromium: a
// page without the cookie redirects to /ui/login, a wrong token is refused,
// the right one sets the HttpOnly cookie and returns to the page asked for,
// and htmx mutations then pass the same-origin check with that cookie.
import { describe, expect, setDefaultTimeout, test } from "bun:test";
import { api, type Serve } from "../orchestrator/lib.ts";
import { background, cspViolations, seededServe, browserSuite, type Watched } from "./lib.ts";
import type { Seeded } from "./seed.ts";

setDefaultTimeout(30_000);
const TOKEN = "ui-test-operator-token-0123456789";

let s: Serve;
let seeded: Seeded;
let w: Watched;

browserSuite(async () => {
  ({ s, seeded } = await seededServe({ token: TOKEN }));
  return s;
}, (page) => (w = page));

describe("sign-in with -operator-token", () => {
  test("the API still wants the token", async () => {
    expect((await api(s.url, "GET", "/v1/pending")).status).toBe(401);
    expect((await api(s.url, "GET", "/v1/pending", undefined, { authorization: `Bearer ${TOKEN}` })).status).toBe(200);
  });

  test("no cookie: redirected to the login page, which renders with its stylesheet", async () => {
    await w.page.goto(`${s.url}/ui/pending`);
    expect(new URL(w.page.url()).pathname).toBe("/ui/login");
    const bg = await background(w.page.locator("header.top"));
    expect(bg).toBe("rgb(17, 24, 39)");
  });

  test("wrong token refused, right token signs in and returns to the page", async () => {
    await w.page.fill("#login input[name=token]", "wrong-token");
    await w.page.click("#login button[type=submit]");
    expect(await w.page.textContent("#login-error")).toContain("Wrong operator token");
    await w.page.fill("#login input[name=token]", TOKEN);
    await w.page.click("#login button[type=submit]");
    await w.page.waitForURL(/\/ui\/pending$/);
    expect(await w.page.textContent(`#pending-${seeded.badRun}`)).toContain(seeded.badRun.slice(0, 12));
    const cookie = (await w.page.context().cookies()).find((c) => c.name === "fangs_operator");
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: "Strict" });
  });

  test("cookie-authenticated htmx mutation passes the same-origin check (promote)", async () => {
    const row = w.page.locator(`#pending-${seeded.badRun}`);
    await row.getByRole("button", { name: "promote" }).click();
    await row.getByText("Yes, promote").click();
    await w.page.locator(`#pending-${seeded.badRun}.state-promoted`).waitFor();
    const audit = await api(s.url, "GET", `/v1/audit?target_kind=baseline&target_id=${seeded.badRun}`, undefined, { authorization: `Bearer ${TOKEN}` });
    expect(audit.json.entries[0].actor).toStartWith("ui:operator@127.0.0.1");
  });

  test("sign out clears the cookie", async () => {
    await w.page.goto(`${s.url}/ui/`);
    await w.page.getByRole("button", { name: "sign out" }).click();
    await w.page.waitForURL(/\/ui\/login$/);
    await w.page.goto(`${s.url}/ui/audit`);
    expect(new URL(w.page.url()).pathname).toBe("/ui/login");
    expect(w.dialogs).toEqual([]);
    expect(w.errors).toEqual([]);
    expect(cspViolations(w)).toEqual([]);
  });
});
