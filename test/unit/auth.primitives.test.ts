import { describe, expect, it } from "vitest";
import { coerceEmail, MAX_EMAIL_LENGTH } from "../../src/auth/email-address";
import { cryptoRandomBytes, randomDigits, randomUuid } from "../../src/auth/random";
import { constantTimeEqual } from "../../src/util/constant-time";
import { isUuid } from "../../src/util/uuid";
import { scriptedBytes, seededBytes } from "./auth.fixtures";

describe("constantTimeEqual", () => {
  it("is string equality", () => {
    expect(constantTimeEqual("", "")).toBe(true);
    expect(constantTimeEqual("abc", "abc")).toBe(true);
    expect(constantTimeEqual("abc", "abd")).toBe(false);
    expect(constantTimeEqual("abc", "xbc")).toBe(false);
    expect(constantTimeEqual("abc", "ab")).toBe(false);
    expect(constantTimeEqual("ab", "abc")).toBe(false);
    expect(constantTimeEqual("", "a")).toBe(false);
    expect(constantTimeEqual("é", "e")).toBe(false);
    // A NUL in one string against the end of the other is still a difference.
    expect(constantTimeEqual("a\u0000", "a")).toBe(false);
    const h = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
    expect(constantTimeEqual(h, h.slice())).toBe(true);
    expect(constantTimeEqual(h, h.slice(0, 63) + "9")).toBe(false);
  });
});

describe("randomUuid", () => {
  it("is a version-4 uuid from 16 random bytes", () => {
    const id = randomUuid(scriptedBytes([Array(16).fill(0xff)]));
    expect(id).toBe("ffffffff-ffff-4fff-bfff-ffffffffffff");
    expect(randomUuid(scriptedBytes([Array(16).fill(0)]))).toBe("00000000-0000-4000-8000-000000000000");
    const real = randomUuid(cryptoRandomBytes);
    expect(isUuid(real)).toBe(true);
    expect(real[14]).toBe("4");
    expect("89ab").toContain(real[19]);
  });
});

describe("randomDigits", () => {
  it("pads to the requested length", () => {
    expect(randomDigits(scriptedBytes([[0, 0, 0, 7]]), 6)).toBe("000007");
    expect(randomDigits(scriptedBytes([[0, 0x0f, 0x42, 0x3f]]), 6)).toBe("999999");
  });

  it("rejects draws at or above the largest multiple of 10^6 below 2^32 (no modulo bias)", () => {
    // 2^32 - (2^32 mod 10^6) = 4294000000 = 0xFFF13D80: the first rejected value.
    const rejected = [0xff, 0xf1, 0x3d, 0x80];
    const max = [0xff, 0xff, 0xff, 0xff];
    const lastAccepted = [0xff, 0xf1, 0x3d, 0x7f]; // 4293999999 → 999999
    expect(randomDigits(scriptedBytes([rejected, max, lastAccepted]), 6)).toBe("999999");
  });

  it("is roughly uniform over the first digit", () => {
    const bytes = seededBytes(7);
    const counts = Array(10).fill(0);
    for (let i = 0; i < 20_000; i++) counts[Number(randomDigits(bytes, 6)[0])]++;
    for (const c of counts) expect(Math.abs(c - 2000)).toBeLessThan(250);
  });
});

describe("coerceEmail", () => {
  it("lower-cases and trims", () => {
    expect(coerceEmail("  Ada@Example.COM \n")).toBe("ada@example.com");
    expect(coerceEmail("a.b+tag@sub.example.co")).toBe("a.b+tag@sub.example.co");
  });

  it("rejects what is not an address", () => {
    for (const bad of ["", "ada", "ada@", "@example.com", "ada@example", "a..b@example.com", "ada@exa mple.com", "ada@-x.com", 7, null, undefined]) {
      expect(coerceEmail(bad)).toBeNull();
    }
    expect(coerceEmail(`${"a".repeat(MAX_EMAIL_LENGTH)}@example.com`)).toBeNull();
  });
});
