// Whether a funnel's visits carry regions or cities (a city-level GeoIP database is in
// use): only then do the Locations panel's Regions and Cities tabs make sense.
import { freshRollups, type AnalyticsReader } from "./reader";

export function hasGeoDetail(reader: AnalyticsReader, funnelId: string): boolean {
  const horizon = freshRollups(reader, funnelId);
  const rolled = reader.sqlite
    .query<{ n: number }, [string]>("SELECT count(*) AS n FROM (SELECT 1 FROM rollup_hours WHERE funnel_id = ? AND dim = 'region' AND value <> '' LIMIT 1)")
    .get(funnelId)!.n;
  if (rolled) return true;
  return (
    reader.sqlite
      .query<{ n: number }, [string, number]>(
        "SELECT count(*) AS n FROM (SELECT 1 FROM sessions WHERE funnel_id = ? AND started_at >= ? AND region IS NOT NULL LIMIT 1)",
      )
      .get(funnelId, horizon)!.n > 0
  );
}
