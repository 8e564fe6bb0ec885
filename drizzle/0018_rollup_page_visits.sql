-- The dashboard rollups gain "page_visits" rows (every metric of the visits that viewed
-- a page, with their revenue), which the rollup builder writes. Forgetting how far each
-- funnel was built makes the next read rebuild its rollups with them.
DELETE FROM `rollup_built`;
