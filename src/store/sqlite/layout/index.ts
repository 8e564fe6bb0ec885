// The compact layout's shared pieces (LAYOUT.md): funnel keys, the writer's dictionaries,
// public id encoding and the SQL fragments readers share.
export { Dictionaries, SHORT_PROPS_BYTES, type ClientFields, type PlaceFields, type SourceFields } from "./dictionaries";
export { ensureFunnelKey, FunnelKeys, funnelKey } from "./funnel-keys";
export { decodePublicId, decodePublicIdSql, encodePublicId, encodePublicIdSql, type StoredPublicId } from "./public-id";
export { KIND_ID_SQL, KINDS_OF_TYPE_SQL, NO_VISIT, PROPS_SQL, STRING_ID_SQL, STRING_SQL } from "./sql";
export { WIDE_CONTACT_VISITORS_SQL, WIDE_EVENTS_SQL, WIDE_SESSIONS_SQL } from "./wide";
