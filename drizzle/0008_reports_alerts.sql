CREATE TABLE `mail_secrets` (
	`name` text PRIMARY KEY NOT NULL,
	`secret` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `report_sends` (
	`key` text PRIMARY KEY NOT NULL,
	`funnel_id` text NOT NULL,
	`email` text NOT NULL,
	`cadence` text NOT NULL,
	`period_from` integer NOT NULL,
	`period_to` integer NOT NULL,
	`status` text NOT NULL,
	`message_id` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`error` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `report_sends_funnel` ON `report_sends` (`funnel_id`,`updated_at`);--> statement-breakpoint
CREATE TABLE `report_subscriptions` (
	`funnel_id` text NOT NULL,
	`email` text NOT NULL,
	`cadence` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`funnel_id`, `email`, `cadence`)
);
--> statement-breakpoint
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
