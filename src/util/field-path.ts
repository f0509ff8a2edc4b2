/**
 * @module util/field-path
 * Names a field of a request body the way a person reads it — `mcp.servers[0].url` — so every 400
 * says exactly which value was refused.
 */

export function fieldPath(path: readonly (string | number | symbol)[]): string {
  return path.reduce<string>((text, part) => {
    if (typeof part === "number") return `${text}[${part}]`;
    const name = String(part);
    return text ? `${text}.${name}` : name;
  }, "");
}
