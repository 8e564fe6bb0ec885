// Settings → Users (owners only): who can sign in, and which funnels each viewer sees.
// Owners see every funnel; a viewer's funnels are ticked per row and saved per row.
import { badge, card, csrfField, notice, table } from "../components";
import { html, type SafeHtml } from "../html";
import { page, type LayoutUser } from "../layout";

export interface UsersView {
  user: LayoutUser;
  csrfToken: string;
  users: { id: number; email: string; role: "owner" | "viewer"; funnels: string[] }[];
  funnels: { id: string; name: string }[];
  /** A line to show after a change, or an error. */
  saved?: string | null;
  error?: string | null;
  newUser?: { email: string; funnels: string[] };
}

function funnelBoxes(name: string, idPrefix: string, funnels: UsersView["funnels"], checked: string[]): SafeHtml {
  if (!funnels.length) return html`<p class="muted">No funnels registered yet.</p>`;
  return html`<div class="checks">${funnels.map(
    (f) => html`<label class="check"><input type="checkbox" name="${name}" value="${f.id}" id="${idPrefix}-${f.id}"${checked.includes(f.id) ? html` checked` : ""}> <span>${f.name}</span></label>`,
  )}</div>`;
}

function accessCell(u: UsersView["users"][number], v: UsersView): SafeHtml {
  if (u.role === "owner") return html`<span class="muted">Every funnel (owner)</span>`;
  const action = `/settings/users/${u.id}/funnels`;
  return html`<form method="post" action="${action}" data-user-access="${u.email}">
    ${csrfField(v.csrfToken)}
    <fieldset><legend class="visually-hidden">Funnels ${u.email} can see</legend>${funnelBoxes("funnel", `u${u.id}`, v.funnels, u.funnels)}</fieldset>
    <button type="submit" class="small">Save access</button>
  </form>`;
}

export function usersPage(v: UsersView): SafeHtml {
  const rows = v.users.map((u) => [html`${u.email}`, badge(u.role, u.role === "owner" ? "good" : "neutral"), accessCell(u, v)]);
  const add = v.newUser ?? { email: "", funnels: [] };
  return page({
    title: "Users",
    user: v.user,
    csrfToken: v.csrfToken,
    active: "users",
    body: html`<div class="page-head"><div><h1>Users</h1>
        <p class="muted">Owners see and change every funnel. Viewers read only the funnels ticked for them: their pages, exports, live stream and email digests.</p></div></div>
      ${v.saved ? notice(v.saved, "good") : ""}
      ${v.error ? notice(v.error, "bad") : ""}
      ${card({ title: "People", body: table([{ label: "Email" }, { label: "Role" }, { label: "Funnels" }], rows) })}
      ${card({
        title: "Add a viewer",
        body: html`<form method="post" action="/settings/users" id="add-viewer">
          ${csrfField(v.csrfToken)}
          <div class="field"><label for="nv-email">Email</label><input id="nv-email" name="email" type="email" required autocomplete="off" value="${add.email}"></div>
          <div class="field"><label for="nv-password">Password (at least 10 characters; give it to them, they can sign in at /login)</label><input id="nv-password" name="password" type="password" required minlength="10" autocomplete="new-password"></div>
          <fieldset class="field"><legend>Funnels they can see</legend>${funnelBoxes("funnel", "nv", v.funnels, add.funnels)}</fieldset>
          <div class="actions"><button type="submit" class="primary">Add viewer</button></div>
          <p class="hint">Another owner: <code>aurea user create --email E --role owner --password-stdin</code>.</p>
        </form>`,
      })}`,
  });
}
