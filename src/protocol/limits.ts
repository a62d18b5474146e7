/**
 * Every limit a client can push on, in one place. Changing one is a product decision;
 * the code refers to these names only.
 */

/** Largest inbound WebSocket frame we parse (bytes of text). */
export const MAX_FRAME_BYTES = 1_048_576;

/** Most subscribed queries one session may hold at once. */
export const MAX_QUERIES_PER_SESSION = 1_000;

/** Most steps in one transaction. */
export const MAX_TX_STEPS = 10_000;

/**
 * Largest `limit`, `first`, `last` or `offset` a query may ask for: the largest integer
 * JavaScript holds exactly, well inside SQLite's 64-bit integers (a bigger number would
 * reach SQLite as a float and fail there).
 */
export const MAX_QUERY_PAGE_NUMBER = Number.MAX_SAFE_INTEGER;

/** Deepest nesting of child forms (and of dot paths) in one InstaQL query. */
export const MAX_QUERY_DEPTH = 16;

/** Most presence rooms one session may be in at once (each costs a row and fan-out work). */
export const MAX_ROOMS_PER_SESSION = 100;

/** Largest presence object one session may hold in a room (UTF-8 bytes of its JSON). */
export const MAX_PRESENCE_BYTES = 32_768;

/** Largest `client-broadcast` payload (UTF-8 bytes of its `data` JSON); fanned out, never stored. */
export const MAX_BROADCAST_BYTES = 65_536;

/** Longest room id (UTF-16 code units, i.e. JS string length). */
export const MAX_ROOM_ID_LENGTH = 512;

/** Longest broadcast topic name (JS string length). */
export const MAX_TOPIC_LENGTH = 256;

/** SQLite's LIKE/GLOB pattern length limit inside a Durable Object (bytes); longer patterns match in JS. */
export const MAX_LIKE_PATTERN_BYTES = 50;
