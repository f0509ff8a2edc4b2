/**
 * @module meeting/stream-violation
 * Why a peer's WebSocket is closed, as the close code RFC 6455 defines for it and a reason a person
 * can act on. The codecs and the flood budget report violations; the routes close with them.
 */

export const CLOSE_CODES = {
  /** A message of a kind this endpoint never takes (text where only binary is spoken). */
  unsupportedData: 1003,
  /** A message that does not decode, or breaks a rule of the format (sample rate, length). */
  invalidPayload: 1007,
  /** Against this endpoint's policy: flooding, a second peer, an unknown secret. */
  policyViolation: 1008,
  /** A message larger than any real frame. */
  messageTooBig: 1009,
  /** Our own code failed on a message; the peer did nothing wrong. */
  internalError: 1011,
} as const;

export type ViolationCode = (typeof CLOSE_CODES)[keyof typeof CLOSE_CODES];

export interface StreamViolation {
  code: ViolationCode;
  reason: string;
}

export function violation(code: ViolationCode, reason: string): StreamViolation {
  return { code, reason };
}
