CREATE TABLE `rollup_built` (
	`funnel_id` text PRIMARY KEY NOT NULL,
	`built_at` integer NOT NULL,
	`built_through_day` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `rollup_dirty_hours` (
	`funnel_id` text NOT NULL,
	`hour` integer NOT NULL,
	PRIMARY KEY(`funnel_id`, `hour`)
);
--> statement-breakpoint
CREATE TABLE `rollup_hours` (
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
);
--> statement-breakpoint
CREATE TABLE `rollup_revenue` (
	`funnel_id` text NOT NULL,
	`dim` text NOT NULL,
	`hour` integer NOT NULL,
	`value` text NOT NULL,
	`currency` text NOT NULL,
	`verified` integer NOT NULL,
	`minor` integer NOT NULL,
	PRIMARY KEY(`funnel_id`, `dim`, `hour`, `value`, `currency`, `verified`)
);
--> statement-breakpoint
DROP INDEX `events_funnel_session`;--> statement-breakpoint
CREATE INDEX `events_funnel_type_name` ON `events` (`funnel_id`,`type`,`name`,`path`,`ts`,`session_id`);--> statement-breakpoint
CREATE INDEX `events_funnel_session` ON `events` (`funnel_id`,`session_id`,`ts`,`type`,`name`,`path`);--> statement-breakpoint
CREATE INDEX `sessions_funnel_anon_started` ON `sessions` (`funnel_id`,`anonymous_id`,`started_at`);