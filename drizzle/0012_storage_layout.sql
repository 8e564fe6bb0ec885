CREATE TABLE `storage_layout` (
	`step` text PRIMARY KEY NOT NULL,
	`state` text,
	`started_at` integer NOT NULL,
	`done_at` integer
);
