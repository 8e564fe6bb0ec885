// Everything automations serve over HTTP: the JSON API (secret key) and the dashboard pages.
import { Elysia } from "elysia";
import type { AppContext } from "../context";
import { automationsApi } from "./automations-api";
import { automationPages } from "./pages/automations";

export function automationRoutes(ctx: AppContext) {
  return new Elysia({ name: "automations" }).use(automationsApi(ctx)).use(automationPages(ctx));
}
