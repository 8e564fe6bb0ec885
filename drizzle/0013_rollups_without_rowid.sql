-- The dashboard rollups as WITHOUT ROWID tables: each row is stored once, in its
-- primary key's order, instead of a row plus an index holding the same columns
-- (half their size; docs/storage.md). Same columns and key, so no query changes.
CREATE TABLE `rollup_hours_new` (
	`funnel_id` text NOT NULL,
	`dim` text NOT NULL,
	`hour` integer NOT NULL,
	`value` text NOT NULL,
	`visits` integer NOT NULL,
	`converted` integer NOT NULL,
	`conversions` integer NOT NULL,
	`pageviews` integer NOT NULL,
	`events` integer NOT NULL,
	`bounces` integer NOT NULL,
	`duration_ms` integer NOT NULL,
	`hits` integer NOT NULL,
	PRIMARY KEY(`funnel_id`, `dim`, `hour`, `value`)
) WITHOUT ROWID;
--> statement-breakpoint
INSERT INTO `rollup_hours_new` SELECT `funnel_id`, `dim`, `hour`, `value`, `visits`, `converted`, `conversions`, `pageviews`, `events`, `bounces`, `duration_ms`, `hits` FROM `rollup_hours`;
--> statement-breakpoint
DROP TABLE `rollup_hours`;
--> statement-breakpoint
ALTER TABLE `rollup_hours_new` RENAME TO `rollup_hours`;
--> statement-breakpoint
CREATE TABLE `rollup_revenue_new` (
	`funnel_id` text NOT NULL,
	`dim` text NOT NULL,
	`hour` integer NOT NULL,
	`value` text NOT NULL,
	`currency` text NOT NULL,
	`verified` integer NOT NULL,
	`minor` integer NOT NULL,
	PRIMARY KEY(`funnel_id`, `dim`, `hour`, `value`, `currency`, `verified`)
) WITHOUT ROWID;
--> statement-breakpoint
INSERT INTO `rollup_revenue_new` SELECT `funnel_id`, `dim`, `hour`, `value`, `currency`, `verified`, `minor` FROM `rollup_revenue`;
--> statement-breakpoint
DROP TABLE `rollup_revenue`;
--> statement-breakpoint
ALTER TABLE `rollup_revenue_new` RENAME TO `rollup_revenue`;
