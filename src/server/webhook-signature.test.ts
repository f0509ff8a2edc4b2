import { describe, expect, it } from "vitest";
import { signDelivery, signingKey, verifyDelivery } from "../util/webhook-signature.js";

// The example secret and delivery from Svix's documentation of the scheme.
const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const key = signingKey(SECRET) as Buffer;
const body = '{"test": 2432232314}';
const id = "msg_p5jXN8AQM9LWM0D4loKWxJek";
const timestamp = "1614265330";
const at = Number(timestamp) * 1000;

describe("Svix webhook signatures", () => {
  it("matches the documented example signature", () => {
    expect(signDelivery(key, id, timestamp, body)).toBe("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    expect(verifyDelivery(key, { id, timestamp, signature: "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", body }, at)).toEqual({ ok: true, id });
  });

  it("accepts any matching entry of a rotated signature list", () => {
    const signature = `v1,Zm9vYmFy ${signDelivery(key, id, timestamp, body)}`;
    expect(verifyDelivery(key, { id, timestamp, signature, body }, at).ok).toBe(true);
  });

  it("refuses a changed body, another secret, an old timestamp and missing headers, naming the header", () => {
    const signature = signDelivery(key, id, timestamp, body);
    expect(verifyDelivery(key, { id, timestamp, signature, body: `${body} ` }, at)).toMatchObject({ ok: false, reason: /svix-signature/ });
    expect(verifyDelivery(signingKey("whsec_c2VjcmV0") as Buffer, { id, timestamp, signature, body }, at)).toMatchObject({ ok: false });
    expect(verifyDelivery(key, { id, timestamp, signature, body }, at + 6 * 60_000)).toMatchObject({ ok: false, reason: /svix-timestamp/ });
    expect(verifyDelivery(key, { id: undefined, timestamp, signature, body }, at)).toMatchObject({ ok: false, reason: /svix-id/ });
    expect(verifyDelivery(key, { id, timestamp: "soon", signature, body }, at)).toMatchObject({ ok: false, reason: /svix-timestamp/ });
    expect(verifyDelivery(key, { id, timestamp, signature: [signature, signature], body }, at)).toMatchObject({ ok: false, reason: /svix-signature/ });
  });

  it("reads secrets with or without the whsec_ prefix and refuses malformed ones", () => {
    expect(signingKey("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")).toEqual(key);
    expect(signingKey("whsec_not base64!")).toBeUndefined();
  });
});
