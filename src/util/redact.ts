/**
 * @module util/redact
 * Hides secrets that travel inside URLs before they reach a log line or a public answer: the
 * `user:password@` part, and query values whose names mean a credential (`key=`, `token=`,
 * `secret=`…) or a meeting passcode (`pwd=` for Zoom, `p=` for Teams, `passcode=`, our room `t=`).
 * Works on free text too, so a URL inside an error message or a reason string is caught as well.
 */

export const REDACTED = "[redacted]";

/** Query names that carry a credential or a passcode: a whole short name, or any name containing these words. */
const SECRET_NAME_EXACT = new Set(["p", "t", "k", "pw", "pin", "code"]);
const SECRET_NAME_PART = /key|token|secret|pass|pwd|sig|auth|credential|session|cookie/i;

/** `scheme://userinfo@`: the userinfo is dropped whatever it holds. */
const USERINFO = /\b([a-z][a-z0-9+.-]{0,30}:\/\/)[^\s/?#@"'<>]+@/gi;
/** `?name=value` or `&name=value` anywhere in the text. */
const QUERY_PAIR = /([?&;])([^=&;#\s"'<>?]+)=([^&#\s"'<>;]*)/g;
/** Cheap test first: most strings hold none of these characters, and are returned untouched. */
const MAY_HOLD_SECRET = /[@=]/;

function isSecretName(rawName: string): boolean {
  let name = rawName;
  try {
    name = decodeURIComponent(rawName);
  } catch {
    // A malformed escape is judged on its raw spelling.
  }
  return SECRET_NAME_EXACT.has(name.toLowerCase()) || SECRET_NAME_PART.test(name);
}

/** The text with every URL credential and secret query value replaced by `[redacted]`. */
export function redactText(text: string): string {
  if (!MAY_HOLD_SECRET.test(text)) return text;
  return text
    .replace(USERINFO, `$1${REDACTED}@`)
    .replace(QUERY_PAIR, (pair, separator: string, name: string, value: string) =>
      value && value !== REDACTED && isSecretName(name) ? `${separator}${name}=${REDACTED}` : pair,
    );
}

/** A URL safe to log or show to anyone but its owner. */
export function redactUrl(url: string): string {
  return redactText(url);
}

const MAX_DEPTH = 6;
const MAX_ITEMS = 200;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== "object") return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * A copy of plain data (objects, arrays, strings) with every string redacted. Anything else
 * (class instances, buffers, errors) is passed through as it is; deep or huge values are cut short
 * rather than walked, so logging can never become slow.
 */
export function redactDeep<T>(value: T, depth = 0): T {
  if (typeof value === "string") return redactText(value) as T;
  if (depth >= MAX_DEPTH) return value;
  if (Array.isArray(value)) {
    if (value.length > MAX_ITEMS) return value;
    let changed = false;
    const out = value.map((item) => {
      const redacted = redactDeep(item, depth + 1);
      if (redacted !== item) changed = true;
      return redacted;
    });
    return (changed ? out : value) as T;
  }
  if (!isPlainObject(value)) return value;
  const entries = Object.entries(value);
  if (entries.length > MAX_ITEMS) return value;
  let changed = false;
  const out: Record<string, unknown> = {};
  for (const [key, item] of entries) {
    const redacted = redactDeep(item, depth + 1);
    if (redacted !== item) changed = true;
    out[key] = redacted;
  }
  return (changed ? out : value) as T;
}
