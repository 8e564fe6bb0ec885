CREATE TABLE `funnel_members` (
	`user_id` integer NOT NULL,
	`funnel_id` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`user_id`, `funnel_id`),
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`funnel_id`) REFERENCES `funnels`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `funnel_members_funnel` ON `funnel_members` (`funnel_id`);--> statement-breakpoint
-- Viewers made before per-funnel access keep seeing what they saw: every funnel that exists now.
INSERT INTO `funnel_members` (`user_id`, `funnel_id`, `created_at`) SELECT `users`.`id`, `funnels`.`id`, CAST(strftime('%s', 'now') AS INTEGER) * 1000 FROM `users`, `funnels` WHERE `users`.`role` = 'viewer';
