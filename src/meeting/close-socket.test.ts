import { describe, expect, it } from "vitest";
import { closeReason } from "./close-socket.js";

describe("closeReason", () => {
  it("keeps a short reason and cuts a long one to 123 bytes of whole characters", () => {
    expect(closeReason("bad frame")).toBe("bad frame");
    expect(Buffer.byteLength(closeReason("x".repeat(500)))).toBe(123);
    const cut = closeReason("é".repeat(100));
    expect(Buffer.byteLength(cut)).toBeLessThanOrEqual(123);
    expect(cut).toBe("é".repeat(61));
  });
});
