-- Who came in each whole UTC hour of the dashboard rollups (distinct visitors keys),
-- so visitor counts of unfiltered ranges come from the rollups too. The table is
-- filled by the rollup builder: forgetting how far every funnel was built makes the
-- next read rebuild its rollups, this table included.
CREATE TABLE `rollup_visitors` (
	`funnel_id` text NOT NULL,
	`hour` integer NOT NULL,
	`visitors` blob NOT NULL,
	PRIMARY KEY(`funnel_id`, `hour`)
) WITHOUT ROWID;
--> statement-breakpoint
DELETE FROM `rollup_built`;
