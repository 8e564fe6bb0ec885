-- The dashboard rollups gain, per page, "page_visits" rows in rollup_hours and
-- rollup_revenue (every metric of the visits that viewed the page, with their revenue)
-- and the visitors of those visits per hour (this table), all written by the rollup
-- builder: a view filtered by one page reads its whole days from them. Forgetting how
-- far each funnel was built makes the next read rebuild its rollups with them.
CREATE TABLE `rollup_page_visitors` (
	`funnel_id` text NOT NULL,
	`path` text NOT NULL,
	`hour` integer NOT NULL,
	`visitors` blob NOT NULL,
	PRIMARY KEY(`funnel_id`, `hour`, `path`)
) WITHOUT ROWID;
--> statement-breakpoint
DELETE FROM `rollup_built`;
