CREATE TABLE `automation_firings` (
	`automation_id` text NOT NULL,
	`occurrence` text NOT NULL,
	`visitor` text NOT NULL,
	`fired_at` integer NOT NULL,
	PRIMARY KEY(`automation_id`, `occurrence`)
);
--> statement-breakpoint
CREATE INDEX `automation_firings_visitor` ON `automation_firings` (`automation_id`,`visitor`,`fired_at`);--> statement-breakpoint
CREATE TABLE `automations` (
	`id` text PRIMARY KEY NOT NULL,
	`funnel_id` text NOT NULL,
	`name` text NOT NULL,
	`trigger` text NOT NULL,
	`conditions` text DEFAULT '[]' NOT NULL,
	`action` text NOT NULL,
	`secret` text NOT NULL,
	`paused` integer DEFAULT false NOT NULL,
	`cooldown_seconds` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `automations_funnel` ON `automations` (`funnel_id`);--> statement-breakpoint
CREATE TABLE `contact_visitors` (
	`funnel_id` text NOT NULL,
	`anonymous_id` text NOT NULL,
	`contact_id` integer NOT NULL,
	`linked_at` integer NOT NULL,
	PRIMARY KEY(`funnel_id`, `anonymous_id`)
);
--> statement-breakpoint
CREATE INDEX `contact_visitors_contact` ON `contact_visitors` (`contact_id`);--> statement-breakpoint
CREATE TABLE `contacts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`funnel_id` text NOT NULL,
	`email` text,
	`user_id` text,
	`name` text,
	`traits` text DEFAULT '{}' NOT NULL,
	`first_seen` integer NOT NULL,
	`last_seen` integer NOT NULL,
	`first_channel` text,
	`first_source` text,
	`conversions` integer DEFAULT 0 NOT NULL,
	`revenue` text DEFAULT '{}' NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `contacts_funnel_email` ON `contacts` (`funnel_id`,`email`);--> statement-breakpoint
CREATE UNIQUE INDEX `contacts_funnel_user` ON `contacts` (`funnel_id`,`user_id`);--> statement-breakpoint
CREATE INDEX `contacts_funnel_last` ON `contacts` (`funnel_id`,`last_seen`);--> statement-breakpoint
CREATE TABLE `deliveries` (
	`id` text PRIMARY KEY NOT NULL,
	`automation_id` text NOT NULL,
	`funnel_id` text NOT NULL,
	`body` text NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`test` integer DEFAULT false NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `deliveries_automation` ON `deliveries` (`automation_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `deliveries_funnel_status` ON `deliveries` (`funnel_id`,`status`);--> statement-breakpoint
CREATE TABLE `delivery_attempts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`delivery_id` text NOT NULL,
	`attempt` integer NOT NULL,
	`at` integer NOT NULL,
	`status_code` integer,
	`latency_ms` integer,
	`response_snippet` text,
	`error` text
);
--> statement-breakpoint
CREATE INDEX `delivery_attempts_delivery` ON `delivery_attempts` (`delivery_id`,`attempt`);--> statement-breakpoint
CREATE TABLE `events` (
	`row_id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`funnel_id` text NOT NULL,
	`id` text NOT NULL,
	`type` text NOT NULL,
	`name` text NOT NULL,
	`ts` integer NOT NULL,
	`received_at` integer NOT NULL,
	`anonymous_id` text NOT NULL,
	`session_id` text NOT NULL,
	`user_id` text,
	`contact_id` integer,
	`url` text,
	`path` text,
	`title` text,
	`referrer` text,
	`referrer_host` text,
	`screen_w` integer,
	`screen_h` integer,
	`language` text,
	`timezone` text,
	`props` text,
	`revenue_minor` integer,
	`currency` text,
	`verified` integer DEFAULT false NOT NULL,
	`browser` text,
	`browser_version` text,
	`os` text,
	`device` text,
	`country` text,
	`region` text,
	`city` text,
	`channel` text,
	`utm_source` text,
	`utm_medium` text,
	`utm_campaign` text,
	`utm_term` text,
	`utm_content` text,
	`click_id` text,
	`flags` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `events_funnel_event_id` ON `events` (`funnel_id`,`id`);--> statement-breakpoint
CREATE INDEX `events_funnel_ts` ON `events` (`funnel_id`,`ts`);--> statement-breakpoint
CREATE INDEX `events_funnel_session` ON `events` (`funnel_id`,`session_id`,`ts`);--> statement-breakpoint
CREATE INDEX `events_funnel_anon` ON `events` (`funnel_id`,`anonymous_id`,`ts`);--> statement-breakpoint
CREATE TABLE `funnels` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`url` text NOT NULL,
	`origins` text NOT NULL,
	`public_key_hash` text NOT NULL,
	`public_key_prefix` text NOT NULL,
	`secret_key_hash` text NOT NULL,
	`secret_key_prefix` text NOT NULL,
	`capture` text DEFAULT '{}' NOT NULL,
	`steps` text,
	`retention_days` integer,
	`bots_dropped` integer DEFAULT 0 NOT NULL,
	`first_event_at` integer,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `funnels_public_key_hash_unique` ON `funnels` (`public_key_hash`);--> statement-breakpoint
CREATE UNIQUE INDEX `funnels_secret_key_hash_unique` ON `funnels` (`secret_key_hash`);--> statement-breakpoint
CREATE TABLE `ingest_batches` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`funnel_id` text NOT NULL,
	`key_kind` text NOT NULL,
	`received_at` integer NOT NULL,
	`ip` text,
	`user_agent` text,
	`payload` text NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`error` text,
	`processed_at` integer
);
--> statement-breakpoint
CREATE INDEX `ingest_batches_status_id` ON `ingest_batches` (`status`,`id`);--> statement-breakpoint
CREATE TABLE `jobs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`kind` text NOT NULL,
	`payload` text NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`run_at` integer NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`max_attempts` integer DEFAULT 8 NOT NULL,
	`last_error` text,
	`locked_until` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `jobs_status_run_at` ON `jobs` (`status`,`run_at`);--> statement-breakpoint
CREATE TABLE `sessions` (
	`funnel_id` text NOT NULL,
	`id` text NOT NULL,
	`anonymous_id` text NOT NULL,
	`contact_id` integer,
	`started_at` integer NOT NULL,
	`last_at` integer NOT NULL,
	`entry_path` text,
	`exit_path` text,
	`pageviews` integer DEFAULT 0 NOT NULL,
	`events` integer DEFAULT 0 NOT NULL,
	`duration_ms` integer DEFAULT 0 NOT NULL,
	`bounce` integer DEFAULT true NOT NULL,
	`channel` text,
	`referrer_host` text,
	`utm_source` text,
	`utm_medium` text,
	`utm_campaign` text,
	`utm_term` text,
	`utm_content` text,
	`click_id` text,
	`browser` text,
	`os` text,
	`device` text,
	`country` text,
	`region` text,
	`city` text,
	`converted` integer DEFAULT false NOT NULL,
	`conversions` integer DEFAULT 0 NOT NULL,
	`revenue` text DEFAULT '{}' NOT NULL,
	PRIMARY KEY(`funnel_id`, `id`)
);
--> statement-breakpoint
CREATE INDEX `sessions_funnel_started` ON `sessions` (`funnel_id`,`started_at`);--> statement-breakpoint
CREATE INDEX `sessions_funnel_anon_last` ON `sessions` (`funnel_id`,`anonymous_id`,`last_at`);--> statement-breakpoint
CREATE TABLE `user_sessions` (
	`token_hash` text PRIMARY KEY NOT NULL,
	`user_id` integer NOT NULL,
	`csrf_token` text NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `users` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`email` text NOT NULL,
	`password_hash` text NOT NULL,
	`role` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `users_email_unique` ON `users` (`email`);--> statement-breakpoint
CREATE TABLE `visitor_salts` (
	`day` text PRIMARY KEY NOT NULL,
	`salt` text NOT NULL
);
