ALTER TABLE `events` ADD `order_id` text;--> statement-breakpoint
CREATE INDEX `events_funnel_order` ON `events` (`funnel_id`,`order_id`) WHERE order_id IS NOT NULL;--> statement-breakpoint
ALTER TABLE `funnels` ADD `currency` text;--> statement-breakpoint
-- Conversions reported before this migration name their order in props.order_id.
UPDATE `events` SET `order_id` = substr(json_extract(`props`, '$.order_id'), 1, 200)
WHERE `type` = 'conversion' AND `props` IS NOT NULL AND json_valid(`props`) AND json_type(`props`, '$.order_id') IN ('text', 'integer');
