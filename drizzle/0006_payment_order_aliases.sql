CREATE TABLE `payment_order_aliases` (
	`funnel_id` text NOT NULL,
	`provider` text NOT NULL,
	`alias` text NOT NULL,
	`order_id` text NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`funnel_id`, `provider`, `alias`)
);
