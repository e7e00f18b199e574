// /ui/login — a plain HTML form (works without scripts) posting the operator
// token; the server sets the HttpOnly fangs_operator cookie.
import { Layout } from "./layout.tsx";

export function LoginPage(p: { error?: string; next?: string }) {
  return (
    <Layout title="Sign in">
      <form method="post" action="/ui/login" class="login" id="login">
        <h1>Sign in</h1>
        <p class="muted">This orchestrator needs the operator token (<code>-operator-token</code>).</p>
        <input type="hidden" name="next" value={p.next ?? "/ui/"} />
        <label>Operator token <input type="password" name="token" required autocomplete="current-password" /></label>
        <button type="submit">Sign in</button>
        {p.error ? <p class="error" id="login-error">{p.error}</p> : null}
      </form>
    </Layout>
  );
}
