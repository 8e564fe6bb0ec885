// First-run setup and login forms: plain HTML forms, work without JavaScript.
import { formError } from "../components";
import { html } from "../html";
import { page } from "../layout";

export function setupPage(opts: { email?: string; error?: string | null; minPassword: number }) {
  return page({
    title: "Set up",
    user: null,
    body: html`<div class="card auth"><div class="card-body">
      <h1>Welcome to Aurea</h1>
      <p class="muted">Create the owner account. You can add more people later with <code>aurea user create</code>.</p>
      ${formError(opts.error)}
      <form method="post" action="/setup" class="form-narrow">
        <div class="field">
          <label for="email">Email</label>
          <input id="email" name="email" type="email" autocomplete="username" required autofocus value="${opts.email ?? ""}">
        </div>
        <div class="field">
          <label for="password">Password</label>
          <input id="password" name="password" type="password" autocomplete="new-password" required minlength="${opts.minPassword}" aria-describedby="pw-hint">
          <p class="hint" id="pw-hint">At least ${opts.minPassword} characters. A passphrase is easiest.</p>
        </div>
        <div class="field">
          <label for="confirm">Confirm password</label>
          <input id="confirm" name="confirm" type="password" autocomplete="new-password" required minlength="${opts.minPassword}">
        </div>
        <button type="submit" class="primary">Create owner account</button>
      </form>
    </div></div>`,
  });
}

export function loginPage(opts: { email?: string; next?: string; error?: string | null; notice?: string | null }) {
  return page({
    title: "Sign in",
    user: null,
    body: html`<div class="card auth"><div class="card-body">
      <h1>Sign in to Aurea</h1>
      ${opts.notice ? html`<div class="alert good" role="status">${opts.notice}</div>` : ""}
      ${formError(opts.error)}
      <form method="post" action="/login" class="form-narrow">
        <input type="hidden" name="next" value="${opts.next ?? ""}">
        <div class="field">
          <label for="email">Email</label>
          <input id="email" name="email" type="email" autocomplete="username" required ${opts.email ? "" : html`autofocus`} value="${opts.email ?? ""}">
        </div>
        <div class="field">
          <label for="password">Password</label>
          <input id="password" name="password" type="password" autocomplete="current-password" required ${opts.email ? html`autofocus` : ""}>
        </div>
        <button type="submit" class="primary">Sign in</button>
      </form>
      <p class="hint">Forgot your password? On the server, run <code>aurea user reset-password --email you@example.com --password-stdin</code>.</p>
    </div></div>`,
  });
}
