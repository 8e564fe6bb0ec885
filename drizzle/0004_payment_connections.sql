CREATE TABLE `payment_connections` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`funnel_id` text NOT NULL,
	`provider` text NOT NULL,
	`secret` text,
	`token_hash` text,
	`test_mode` integer DEFAULT false NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `payment_connections_funnel_provider` ON `payment_connections` (`funnel_id`,`provider`);--> statement-breakpoint
CREATE TABLE `payment_deliveries` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`connection_id` integer NOT NULL,
	`at` integer NOT NULL,
	`outcome` text NOT NULL,
	`event_type` text,
	`provider_event_id` text,
	`message` text DEFAULT '' NOT NULL,
	FOREIGN KEY (`connection_id`) REFERENCES `payment_connections`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `payment_deliveries_connection` ON `payment_deliveries` (`connection_id`,`id`);--> statement-breakpoint
CREATE INDEX `payment_deliveries_event` ON `payment_deliveries` (`connection_id`,`provider_event_id`);