-- A deleted event drops its day's journey copy, which is rebuilt before it is read
-- again (src/store/sqlite/rollups/journeys-rollup.ts): reads no longer count every
-- day's events to notice a deletion.
CREATE TRIGGER `journey_events_deleted` AFTER DELETE ON `events`
WHEN EXISTS (SELECT 1 FROM `journey_days` WHERE `funnel_id` = (SELECT `funnel_id` FROM `funnel_keys` WHERE `key` = OLD.`funnel`) AND `day` = OLD.`ts` / 86400000)
BEGIN
	DELETE FROM `journey_days` WHERE `funnel_id` = (SELECT `funnel_id` FROM `funnel_keys` WHERE `key` = OLD.`funnel`) AND `day` = OLD.`ts` / 86400000;
END;
