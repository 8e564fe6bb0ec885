// Whether a funnel's visits carry regions or cities (a city-level GeoIP database is in
// use): only then do the Locations panel's Regions and Cities tabs make sense.
import { freshRollups, type AnalyticsReader } from "./reader";
import { funnelKey } from "../layout";

export function hasGeoDetail(reader: AnalyticsReader, funnelId: string): boolean {
  const horizon = freshRollups(reader, funnelId);
  const rolled = reader.sqlite
    .query<{ n: number }, [string]>("SELECT count(*) AS n FROM (SELECT 1 FROM rollup_hours WHERE funnel_id = ? AND dim = 'region' AND value <> '' LIMIT 1)")
    .get(funnelId)!.n;
  if (rolled) return true;
  return (
    reader.sqlite
      .query<{ n: number }, [number | null, number]>(
        `SELECT count(*) AS n FROM (SELECT 1 FROM sessions WHERE funnel = ? AND started_at >= ?
           AND place IN (SELECT id FROM places WHERE region IS NOT NULL) LIMIT 1)`,
      )
      .get(funnelKey(reader.sqlite, funnelId), horizon)!.n > 0
  );
}
