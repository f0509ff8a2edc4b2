/**
 * @module personas/images/image-route
 * The path under which the server serves pictures kept in its own data directory, and the file
 * names it will serve: a plain name and an image extension, so no request can reach another file.
 */
export const PERSONA_IMAGE_ROUTE = "/persona-images";

/** Names written by the local store (and the older drawn-avatar names); nothing with a dot or slash. */
export const SERVABLE_IMAGE_FILE = /^[a-z0-9][a-z0-9_-]{0,80}\.(png|jpg|webp|svg)$/;

/** The path of a stored file on this server. */
export function imagePath(file: string): string {
  return `${PERSONA_IMAGE_ROUTE}/${file}`;
}
