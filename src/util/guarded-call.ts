/**
 * @module util/guarded-call
 * Runs code whose failure must not escape into the caller (a WebSocket event handler, a timer, a
 * stream callback), where a throw would end the process. A synchronous throw and the rejection of a
 * promise the code returns, even from a method typed `void` but written `async`, both go to
 * `onError`: every async path gets an owner.
 */

export function asError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value));
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === "object" && value !== null && typeof (value as { then?: unknown }).then === "function";
}

/** Calls `call`; returns its result, or `undefined` when it threw. */
export function guardedCall<T>(call: () => T, onError: (error: Error) => void): T | undefined {
  try {
    const result = call();
    if (isThenable(result)) result.then(undefined, (error: unknown) => onError(asError(error)));
    return result;
  } catch (error) {
    onError(asError(error));
    return undefined;
  }
}
