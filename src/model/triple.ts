/**
 * A triple as the client sees it: `[entity, attr, value, createdAtMs]`. The wire and the
 * engine share this shape, so it lives in the model.
 */

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export type Triple = readonly [entity: string, attrId: string, value: JsonValue, createdAt: number];
