// Settings → Users (owners only): the list of users, each viewer's funnels (granted and
// revoked here), and adding a viewer with their funnels. A viewer losing a funnel also
// stops getting its digests.
import { Elysia } from "elysia";
import type { AppContext } from "../../context";
import { listFunnels } from "../../funnels/store";
import { forgetAddress } from "../../reports/subscriptions";
import { pageErrors } from "../../http/page-errors";
import { htmlResponse } from "../../../views/html";
import { errorPage } from "../../../views/pages/error";
import { usersPage, type UsersView } from "../../../views/pages/users";
import { AccessInputError, checkFunnels, grantFunnels, grantsByUser, setUserFunnels } from "../auth/funnel-access";
import { requireOwner, type DashboardUser } from "../auth/guard";
import { createUser, listUsers, UserInputError } from "../auth/users";
import { formField, formList } from "../form";

interface Req {
  user: DashboardUser;
  csrfToken: string;
  body?: unknown;
  params: Record<string, string>;
}

export function userPages(ctx: AppContext) {
  const { db, sqlite } = ctx.store;

  const render = (c: Req, extra: Partial<UsersView> = {}, status = 200) => {
    const grants = grantsByUser(db);
    const users = listUsers(db).map((u) => ({ ...u, funnels: grants.get(u.id) ?? [] }));
    const funnels = listFunnels(db).map((f) => ({ id: f.id, name: f.name }));
    return htmlResponse(usersPage({ user: c.user, csrfToken: c.csrfToken, users, funnels, ...extra }), status);
  };

  return new Elysia({ name: "user-pages" })
    .use(pageErrors(ctx))
    .use(requireOwner(ctx))
    .get("/settings/users", (c) => render(c))
    .post("/settings/users/:userId/funnels", (c) => {
      const target = listUsers(db).find((u) => String(u.id) === c.params.userId);
      if (!target) return htmlResponse(errorPage({ status: 404, title: "No such user", message: "There is no user with this id.", user: c.user, csrfToken: c.csrfToken }), 404);
      if (target.role === "owner") return render(c, { error: `${target.email} is an owner and sees every funnel.` }, 422);
      const wanted = formList(c.body, "funnel");
      const before = grantsByUser(db).get(target.id) ?? [];
      try {
        setUserFunnels(db, target.id, wanted, ctx.now());
      } catch (e) {
        if (e instanceof AccessInputError) return render(c, { error: e.message }, 422);
        throw e;
      }
      const revoked = before.filter((id) => !wanted.includes(id));
      for (const id of revoked) forgetAddress(sqlite, id, target.email);
      ctx.log(`dashboard: ${c.user.email} set the funnels of ${target.email} to ${wanted.join(", ") || "none"}`);
      return render(c, { saved: `Access of ${target.email} saved: ${wanted.length} funnel${wanted.length === 1 ? "" : "s"}.` });
    })
    .post("/settings/users", async (c) => {
      const email = formField(c.body, "email");
      const funnels = formList(c.body, "funnel");
      try {
        checkFunnels(db, funnels);
        const made = await createUser(db, { email, password: formField(c.body, "password"), role: "viewer" }, ctx.now());
        grantFunnels(db, made.id, funnels, ctx.now());
        ctx.log(`dashboard: ${c.user.email} added viewer ${made.email} with ${funnels.length} funnel(s)`);
        return render(c, { saved: `${made.email} can now sign in at /login and see ${funnels.length} funnel${funnels.length === 1 ? "" : "s"}.` });
      } catch (e) {
        if (e instanceof UserInputError || e instanceof AccessInputError) return render(c, { error: e.message, newUser: { email, funnels } }, 422);
        throw e;
      }
    });
}
