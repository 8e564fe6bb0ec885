CREATE TABLE `alert_firings` (
	`rule_id` text NOT NULL,
	`window_key` text NOT NULL,
	`subject` text NOT NULL,
	`fired_at` integer NOT NULL,
	PRIMARY KEY(`rule_id`, `window_key`)
);
--> statement-breakpoint
CREATE TABLE `alert_rules` (
	`id` text PRIMARY KEY NOT NULL,
	`funnel_id` text NOT NULL,
	`kind` text NOT NULL,
	`params` text NOT NULL,
	`recipients` text NOT NULL,
	`window_seconds` integer NOT NULL,
	`created_at` integer NOT NULL
);
