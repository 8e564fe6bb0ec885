CREATE TABLE `journey_days` (
	`funnel_id` text NOT NULL,
	`day` integer NOT NULL,
	`events` integer NOT NULL,
	`max_row_id` integer NOT NULL,
	PRIMARY KEY(`funnel_id`, `day`)
) WITHOUT ROWID;
--> statement-breakpoint
CREATE TABLE `journey_events` (
	`funnel_id` text NOT NULL,
	`day` integer NOT NULL,
	`type` text NOT NULL,
	`name` text NOT NULL,
	`path` text NOT NULL,
	`ts` integer NOT NULL,
	`row_id` integer NOT NULL,
	`has_path` integer NOT NULL,
	`contact_id` integer,
	`anonymous_id` text NOT NULL,
	`revenue_minor` integer,
	`currency` text,
	PRIMARY KEY(`funnel_id`, `day`, `type`, `name`, `path`, `ts`, `row_id`)
) WITHOUT ROWID;
--> statement-breakpoint
-- Keep journey_events exact (src/analytics/journeys-rollup.ts): a contact id set on a
-- rolled-up event (identify back-fills them) is copied over; any other change to a
-- copied column drops its day, which is then rebuilt before the next read.
CREATE TRIGGER `journey_events_contact` AFTER UPDATE OF `contact_id` ON `events`
WHEN EXISTS (SELECT 1 FROM `journey_days` WHERE `funnel_id` = NEW.`funnel_id` AND `day` = NEW.`ts` / 86400000)
BEGIN
	UPDATE `journey_events` SET `contact_id` = NEW.`contact_id`
	WHERE `funnel_id` = NEW.`funnel_id` AND `day` = NEW.`ts` / 86400000 AND `type` = NEW.`type` AND `name` = NEW.`name`
		AND `path` = CASE WHEN NEW.`type` = 'page_view' THEN coalesce(NEW.`path`, '') ELSE '' END
		AND `ts` = NEW.`ts` AND `row_id` = NEW.`row_id`;
END;
--> statement-breakpoint
CREATE TRIGGER `journey_events_changed` AFTER UPDATE OF `row_id`, `funnel_id`, `type`, `name`, `path`, `ts`, `anonymous_id`, `revenue_minor`, `currency` ON `events`
BEGIN
	DELETE FROM `journey_days`
	WHERE (`funnel_id` = OLD.`funnel_id` AND `day` = OLD.`ts` / 86400000) OR (`funnel_id` = NEW.`funnel_id` AND `day` = NEW.`ts` / 86400000);
END;
