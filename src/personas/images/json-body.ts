/**
 * @module personas/images/json-body
 * Reads an outside service's answer as JSON for a schema check: a body that is not JSON becomes
 * `undefined`, which the caller's schema then rejects with a message naming the service.
 */
export async function jsonBody(response: Response): Promise<unknown> {
  const text = await response.text();
  try {
    return JSON.parse(text);
  } catch {
    return undefined; // reported by the caller's schema check
  }
}
