-- Events with revenue by (funnel, ts): filtered revenue reads only its range of them
-- (in events_funnel_kind a conversion's path leaves ts unbounded).
CREATE INDEX `events_funnel_revenue` ON `events` (`funnel`,`ts`) WHERE revenue_minor IS NOT NULL;
