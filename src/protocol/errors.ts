/**
 * Instant's error model: a closed set of error types and one error class that carries
 * the wire body (`type`, `message`, `hint`, status). Every layer throws InstantError;
 * the session turns it into an `error` frame and the Worker into an HTTP body.
 */
import type { JsonValue } from "../model/triple";

export const ERROR_TYPES = [
  "validation-failed",
  "param-missing",
  "param-malformed",
  "record-not-found",
  "record-expired",
  "record-not-unique",
  "sql-raise",
  "permission-denied",
  "permission-evaluation-failed",
  "app-read-only",
  "app-disabled",
  "rate-limited",
  "operation-timed-out",
] as const;
export type ErrorType = (typeof ERROR_TYPES)[number];

export type ErrorHint = { readonly [key: string]: JsonValue | undefined };

export type ErrorBody = {
  type?: ErrorType;
  message: string;
  hint?: ErrorHint;
};

/** Types that Instant reports with status 400 on the WebSocket; everything else is 500. */
const CLIENT_ERROR_TYPES: ReadonlySet<ErrorType> = new Set(
  ERROR_TYPES.filter((t) => t !== "operation-timed-out"),
);

export class InstantError extends Error {
  readonly type: ErrorType;
  readonly hint: ErrorHint | undefined;
  readonly status: number;

  constructor(type: ErrorType, message: string, hint?: ErrorHint, status?: number) {
    super(message);
    this.name = "InstantError";
    this.type = type;
    this.hint = hint;
    this.status = status ?? (CLIENT_ERROR_TYPES.has(type) ? 400 : 500);
  }

  toBody(): ErrorBody {
    return this.hint === undefined
      ? { type: this.type, message: this.message }
      : { type: this.type, message: this.message, hint: this.hint };
  }
}

/** The body Instant sends for an unexpected failure. */
export const UNEXPECTED_ERROR_MESSAGE = "Yikes, something broke on our end! Sorry about that.";

/**
 * One validation problem inside a `validation-failed` hint. Spec failures carry only
 * `expected`/`in`; some problems nest their own `hint` (e.g. the admin API's missing
 * attributes list).
 */
export type ValidationProblem = {
  message?: string;
  expected?: string;
  in?: (string | number)[];
  hint?: JsonValue;
};

/**
 * `validation-failed` in Instant's shape: message "Validation failed for <data-type>:
 * <messages joined by ', '>" (just "Validation failed for <data-type>" when no problem
 * has a message), hint `{data-type, input, errors}`.
 */
export function validationError(
  dataType: string,
  input: JsonValue | undefined,
  problems: ValidationProblem[],
): InstantError {
  const messages = problems.flatMap((p) => (p.message === undefined ? [] : [p.message]));
  const base = `Validation failed for ${dataType}`;
  const message = messages.length === 0 ? base : `${base}: ${messages.join(", ")}`;
  const errors = problems.map((p) => {
    const e: { [k: string]: JsonValue } = {};
    if (p.message !== undefined) e.message = p.message;
    if (p.expected !== undefined) e.expected = p.expected;
    if (p.in !== undefined) e.in = p.in;
    if (p.hint !== undefined) e.hint = p.hint;
    return e;
  });
  return new InstantError("validation-failed", message, { "data-type": dataType, input, errors });
}

export function recordNotFound(recordType: string, args: JsonValue[] = []): InstantError {
  return new InstantError("record-not-found", `Record not found: ${recordType}`, {
    "record-type": recordType,
    args,
  });
}

export function paramMissing(path: (string | number)[]): InstantError {
  return new InstantError("param-missing", `Missing parameter: ${JSON.stringify(path)}`, { in: path });
}

export function paramMalformed(path: (string | number)[], originalInput: JsonValue | undefined): InstantError {
  return new InstantError("param-malformed", `Malformed parameter: ${JSON.stringify(path)}`, {
    in: path,
    "original-input": originalInput,
  });
}

export function sqlRaise(message: string): InstantError {
  return new InstantError("sql-raise", `Raised Exception: ${message}`);
}
