/**
 * @module personas/images/image-types
 * The image formats a persona picture may have, recognised by their first bytes rather than by what
 * a server claims: PNG, JPEG and WebP from any source, SVG only when we drew it ourselves.
 */

export type RasterType = "image/png" | "image/jpeg" | "image/webp";
export type ImageType = RasterType | "image/svg+xml";

export const RASTER_TYPES: readonly RasterType[] = ["image/png", "image/jpeg", "image/webp"];

export const EXTENSIONS: Record<ImageType, string> = {
  "image/png": "png",
  "image/jpeg": "jpg",
  "image/webp": "webp",
  "image/svg+xml": "svg",
};

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function startsWith(bytes: Uint8Array, signature: readonly number[], offset = 0): boolean {
  return bytes.length >= offset + signature.length && signature.every((byte, i) => bytes[offset + i] === byte);
}

const ascii = (text: string) => [...text].map((c) => c.charCodeAt(0));

/** The raster format the bytes really are, or undefined for anything else (SVG, HTML, text…). */
export function sniffRasterType(bytes: Uint8Array): RasterType | undefined {
  if (startsWith(bytes, PNG_SIGNATURE)) return "image/png";
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return "image/jpeg";
  if (startsWith(bytes, ascii("RIFF")) && startsWith(bytes, ascii("WEBP"), 8)) return "image/webp";
  return undefined;
}

/** The media type of a Content-Type header, lower-cased and without parameters. */
export function mediaType(header: string | null): string | undefined {
  const type = header?.split(";")[0]?.trim().toLowerCase();
  return type || undefined;
}

export function isRasterType(type: string | undefined): type is RasterType {
  return RASTER_TYPES.includes(type as RasterType);
}
