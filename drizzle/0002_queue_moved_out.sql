DROP TABLE `ingest_batches`;--> statement-breakpoint
CREATE INDEX `sessions_funnel_contact` ON `sessions` (`funnel_id`,`contact_id`);