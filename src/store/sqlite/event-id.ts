// Event ids on disk: encoded like every public id (./layout/public-id.ts).
export { decodePublicId as decodeEventId, encodePublicId as encodeEventId } from "./layout/public-id";
