CREATE TABLE `pipeline_marks` (
	`id` integer PRIMARY KEY NOT NULL,
	`last_batch_id` integer DEFAULT 0 NOT NULL,
	`queue_id` text
);
--> statement-breakpoint
-- Hand-written: the single row that processing runs update.
INSERT INTO `pipeline_marks` (`id`, `last_batch_id`) VALUES (1, 0);
