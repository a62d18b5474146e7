/** Runs `fn`, expects it to throw an InstantError, and returns that error for assertions. */
import { expect } from "vitest";
import { InstantError } from "../../src/protocol/errors";

export function instantError(fn: () => unknown): InstantError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(InstantError);
    return err as InstantError;
  }
  throw new Error("expected an InstantError, nothing was thrown");
}
