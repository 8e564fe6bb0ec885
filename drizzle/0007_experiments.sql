CREATE TABLE `experiments` (
	`funnel_id` text NOT NULL,
	`key` text NOT NULL,
	`variants` text NOT NULL,
	`metric` text NOT NULL,
	`secondary_metrics` text DEFAULT '[]' NOT NULL,
	`split_urls` text DEFAULT '{}' NOT NULL,
	`status` text NOT NULL,
	`winner` text,
	`minimum_detectable_effect` real DEFAULT 0.1 NOT NULL,
	`started_at` integer NOT NULL,
	`stopped_at` integer,
	PRIMARY KEY(`funnel_id`, `key`)
);
