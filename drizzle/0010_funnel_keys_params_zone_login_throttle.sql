CREATE TABLE `login_throttle` (
	`key` text PRIMARY KEY NOT NULL,
	`failures` integer NOT NULL,
	`last_failure_at` integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE `funnels` ADD `public_key` text;--> statement-breakpoint
ALTER TABLE `funnels` ADD `kept_params` text DEFAULT '[]' NOT NULL;--> statement-breakpoint
ALTER TABLE `funnels` ADD `time_zone` text;