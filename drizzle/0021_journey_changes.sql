CREATE TABLE `journey_changes` (
	`funnel` integer PRIMARY KEY NOT NULL,
	`n` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
-- The contact id identify back-fills onto a copied event is copied over, as before, and
-- counted: the copy changed where journey_days cannot show it.
DROP TRIGGER IF EXISTS `journey_events_contact`;
--> statement-breakpoint
CREATE TRIGGER `journey_events_contact` AFTER UPDATE OF `contact_id` ON `events`
WHEN EXISTS (SELECT 1 FROM `journey_days` WHERE `funnel_id` = (SELECT `funnel_id` FROM `funnel_keys` WHERE `key` = NEW.`funnel`) AND `day` = NEW.`ts` / 86400000)
BEGIN
	UPDATE `journey_events` SET `contact_id` = NEW.`contact_id`
	WHERE `funnel` = NEW.`funnel` AND `day` = NEW.`ts` / 86400000 AND `kind` = NEW.`kind`
		AND `path` = CASE WHEN (SELECT `type` FROM `kinds` WHERE `id` = NEW.`kind`) = 'page_view' THEN coalesce(NEW.`path`, 0) ELSE 0 END
		AND `ts` = NEW.`ts` AND `row_id` = NEW.`row_id`;
	INSERT INTO `journey_changes` (`funnel`, `n`) VALUES (NEW.`funnel`, 1) ON CONFLICT (`funnel`) DO UPDATE SET `n` = `n` + 1;
END;
