-- The compact event layout (issue 17, docs/storage.md): the previous tables are kept as
-- legacy_* for the `compact-layout` step (src/db/layout/), which copies them into the new
-- ones in row-id ranges and then drops them. Their indexes go now (the copy reads them by
-- row id; their primary keys stay, SQLite cannot drop those), and so do the journey-copy
-- triggers on the old events. journey_days is left as it is: it describes the copy in
-- legacy_journey_events, which the step converts (or it clears the days it does not).
DROP TRIGGER IF EXISTS `journey_events_contact`;
--> statement-breakpoint
DROP TRIGGER IF EXISTS `journey_events_changed`;
--> statement-breakpoint
DROP INDEX IF EXISTS `events_funnel_event_id`;
--> statement-breakpoint
DROP INDEX IF EXISTS `events_funnel_ts`;
--> statement-breakpoint
DROP INDEX IF EXISTS `events_funnel_session`;
--> statement-breakpoint
DROP INDEX IF EXISTS `events_funnel_anon`;
--> statement-breakpoint
DROP INDEX IF EXISTS `events_funnel_type_name`;
--> statement-breakpoint
DROP INDEX IF EXISTS `events_funnel_order`;
--> statement-breakpoint
DROP INDEX IF EXISTS `sessions_funnel_started`;
--> statement-breakpoint
DROP INDEX IF EXISTS `sessions_funnel_anon_started`;
--> statement-breakpoint
DROP INDEX IF EXISTS `contact_visitors_contact`;
--> statement-breakpoint
ALTER TABLE `events` RENAME TO `legacy_events`;
--> statement-breakpoint
ALTER TABLE `sessions` RENAME TO `legacy_sessions`;
--> statement-breakpoint
ALTER TABLE `journey_events` RENAME TO `legacy_journey_events`;
--> statement-breakpoint
ALTER TABLE `contact_visitors` RENAME TO `legacy_contact_visitors`;
--> statement-breakpoint
CREATE TABLE `clients` (
	`id` integer PRIMARY KEY NOT NULL,
	`browser` text,
	`browser_version` text,
	`os` text,
	`device` text,
	`screen_w` integer,
	`screen_h` integer,
	`language` text,
	`timezone` text
);
--> statement-breakpoint
CREATE INDEX `clients_all` ON `clients` (`browser`,`browser_version`,`os`,`device`,`screen_w`,`screen_h`,`language`,`timezone`);
--> statement-breakpoint
CREATE TABLE `places` (
	`id` integer PRIMARY KEY NOT NULL,
	`country` text,
	`region` text,
	`city` text
);
--> statement-breakpoint
CREATE INDEX `places_all` ON `places` (`country`,`region`,`city`);
--> statement-breakpoint
CREATE TABLE `sources` (
	`id` integer PRIMARY KEY NOT NULL,
	`channel` text,
	`referrer_host` text,
	`utm_source` text,
	`utm_medium` text,
	`utm_campaign` text,
	`utm_term` text,
	`utm_content` text
);
--> statement-breakpoint
CREATE INDEX `sources_all` ON `sources` (`channel`,`referrer_host`,`utm_source`,`utm_medium`,`utm_campaign`,`utm_term`,`utm_content`);
--> statement-breakpoint
CREATE TABLE `strings` (
	`id` integer PRIMARY KEY NOT NULL,
	`value` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `strings_value_unique` ON `strings` (`value`);
--> statement-breakpoint
CREATE TABLE `kinds` (
	`id` integer PRIMARY KEY NOT NULL,
	`type` text NOT NULL,
	`name` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `kinds_type_name` ON `kinds` (`type`,`name`);
--> statement-breakpoint
CREATE TABLE `funnel_keys` (
	`key` integer PRIMARY KEY NOT NULL,
	`funnel_id` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `funnel_keys_funnel_id_unique` ON `funnel_keys` (`funnel_id`);
--> statement-breakpoint
CREATE TABLE `visitors` (
	`key` integer PRIMARY KEY NOT NULL,
	`funnel` integer NOT NULL,
	`public_id` blob NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `visitors_funnel_public` ON `visitors` (`funnel`,`public_id`);
--> statement-breakpoint
CREATE TABLE `sessions` (
	`key` integer PRIMARY KEY NOT NULL,
	`funnel` integer NOT NULL,
	`public_id` blob NOT NULL,
	`visitor` integer NOT NULL,
	`contact_id` integer,
	`started_at` integer NOT NULL,
	`last_at` integer NOT NULL,
	`entry_path` integer,
	`exit_path` integer,
	`pageviews` integer DEFAULT 0 NOT NULL,
	`events` integer DEFAULT 0 NOT NULL,
	`duration_ms` integer DEFAULT 0 NOT NULL,
	`bounce` integer DEFAULT 1 NOT NULL,
	`source` integer,
	`client` integer,
	`place` integer,
	`click_id` text,
	`converted` integer DEFAULT 0 NOT NULL,
	`conversions` integer DEFAULT 0 NOT NULL,
	`revenue` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `sessions_funnel_public` ON `sessions` (`funnel`,`public_id`);
--> statement-breakpoint
CREATE INDEX `sessions_funnel_started` ON `sessions` (`funnel`,`started_at`);
--> statement-breakpoint
CREATE INDEX `sessions_funnel_visitor` ON `sessions` (`funnel`,`visitor`,`started_at`);
--> statement-breakpoint
CREATE TABLE `events` (
	`row_id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`funnel` integer NOT NULL,
	`id` blob NOT NULL,
	`kind` integer NOT NULL,
	`ts` integer NOT NULL,
	`visitor` integer NOT NULL,
	`session` integer NOT NULL,
	`path` integer,
	`url` integer,
	`title` integer,
	`referrer` integer,
	`client` integer,
	`place` integer,
	`source` integer,
	`props` blob,
	`contact_id` integer,
	`user_id` text,
	`revenue_minor` integer,
	`currency` text,
	`verified` integer,
	`click_id` text,
	`flags` text,
	`order_id` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `events_funnel_id` ON `events` (`funnel`,`id`);
--> statement-breakpoint
CREATE INDEX `events_funnel_ts` ON `events` (`funnel`,`ts`);
--> statement-breakpoint
CREATE INDEX `events_funnel_session` ON `events` (`funnel`,`session`,`ts`,`kind`,`path`);
--> statement-breakpoint
CREATE INDEX `events_funnel_kind` ON `events` (`funnel`,`kind`,`path`,`ts`,`session`);
--> statement-breakpoint
CREATE INDEX `events_funnel_order` ON `events` (`funnel`,`order_id`) WHERE order_id IS NOT NULL;
--> statement-breakpoint
CREATE TABLE `contact_visitors` (
	`visitor` integer PRIMARY KEY NOT NULL,
	`contact_id` integer NOT NULL,
	`linked_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `contact_visitors_contact` ON `contact_visitors` (`contact_id`);
--> statement-breakpoint
CREATE TABLE `journey_events` (
	`funnel` integer NOT NULL,
	`day` integer NOT NULL,
	`kind` integer NOT NULL,
	`path` integer NOT NULL,
	`ts` integer NOT NULL,
	`row_id` integer NOT NULL,
	`has_path` integer NOT NULL,
	`visitor` integer NOT NULL,
	`contact_id` integer,
	`revenue_minor` integer,
	`currency` text,
	PRIMARY KEY(`funnel`, `day`, `kind`, `path`, `ts`, `row_id`)
) WITHOUT ROWID;
--> statement-breakpoint
-- Row ids are never reused: the new events table continues the old one's sequence
-- (live cursors and journey_days.max_row_id keep pointing at the same events).
INSERT INTO `sqlite_sequence` (`name`, `seq`) SELECT 'events', `seq` FROM `sqlite_sequence` WHERE `name` = 'legacy_events';
--> statement-breakpoint
-- Keep journey_events exact (src/store/sqlite/rollups/journeys-rollup.ts): a contact id set
-- on a copied event (identify back-fills them) is copied over; any other change to a
-- copied column drops its day, which is then rebuilt before the next read.
CREATE TRIGGER `journey_events_contact` AFTER UPDATE OF `contact_id` ON `events`
WHEN EXISTS (SELECT 1 FROM `journey_days` WHERE `funnel_id` = (SELECT `funnel_id` FROM `funnel_keys` WHERE `key` = NEW.`funnel`) AND `day` = NEW.`ts` / 86400000)
BEGIN
	UPDATE `journey_events` SET `contact_id` = NEW.`contact_id`
	WHERE `funnel` = NEW.`funnel` AND `day` = NEW.`ts` / 86400000 AND `kind` = NEW.`kind`
		AND `path` = CASE WHEN (SELECT `type` FROM `kinds` WHERE `id` = NEW.`kind`) = 'page_view' THEN coalesce(NEW.`path`, 0) ELSE 0 END
		AND `ts` = NEW.`ts` AND `row_id` = NEW.`row_id`;
END;
--> statement-breakpoint
CREATE TRIGGER `journey_events_changed` AFTER UPDATE OF `row_id`, `funnel`, `kind`, `path`, `ts`, `visitor`, `revenue_minor`, `currency` ON `events`
BEGIN
	DELETE FROM `journey_days`
	WHERE (`funnel_id` = (SELECT `funnel_id` FROM `funnel_keys` WHERE `key` = OLD.`funnel`) AND `day` = OLD.`ts` / 86400000)
		OR (`funnel_id` = (SELECT `funnel_id` FROM `funnel_keys` WHERE `key` = NEW.`funnel`) AND `day` = NEW.`ts` / 86400000);
END;
