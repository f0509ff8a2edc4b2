import { describe, expect, it } from "vitest";
import { guardedCall } from "./guarded-call.js";

describe("guardedCall", () => {
  it("returns what the call returns", () => {
    const errors: Error[] = [];
    expect(guardedCall(() => 42, (e) => errors.push(e))).toBe(42);
    expect(errors).toEqual([]);
  });

  it("hands a throw to onError, wrapping non-errors", () => {
    const errors: Error[] = [];
    expect(
      guardedCall(
        () => {
          throw "plain string";
        },
        (e) => errors.push(e),
      ),
    ).toBeUndefined();
    expect(errors.map((e) => e.message)).toEqual(["plain string"]);
  });

  it("owns the rejection of a promise the call returns, even when typed void", async () => {
    const errors: Error[] = [];
    const asyncButTypedVoid: () => void = async () => {
      throw new Error("late failure");
    };
    guardedCall(asyncButTypedVoid, (e) => errors.push(e));
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(errors.map((e) => e.message)).toEqual(["late failure"]);
  });
});
