// Per-funnel access: which funnels a viewer may see. Owners see every funnel and have
// no rows here. Part of the schema (re-exported by schema.ts); its SQL lives in
// src/web/auth/funnel-access.ts.
import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { funnels, users } from "./schema";

export const funnelMembers = sqliteTable(
  "funnel_members",
  {
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    funnelId: text("funnel_id")
      .notNull()
      .references(() => funnels.id, { onDelete: "cascade" }),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.funnelId] }), index("funnel_members_funnel").on(t.funnelId)],
);
