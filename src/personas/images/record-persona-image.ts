/**
 * @module personas/images/record-persona-image
 * `personas image NAME`: makes a persona's picture, stores it durably, and only then writes the
 * stored URL into the persona's README.
 */
import type { Persona } from "../persona.js";
import { type ImageResult, type PersonaImageServices, generatePersonaImage } from "../persona-images.js";
import type { PersonaStore } from "../persona-store.js";

const GENDERS = ["male", "female", "non-binary"] as const;
type Gender = (typeof GENDERS)[number];

export interface RecordedImage {
  persona: Persona;
  image: ImageResult;
  /** The folder the updated persona was written to. */
  folder: string;
}

export async function recordPersonaImage(store: PersonaStore, name: string, services: PersonaImageServices): Promise<RecordedImage> {
  const found = store.get(name);
  const gender = GENDERS.includes(found.metadata.gender as Gender) ? (found.metadata.gender as Gender) : undefined;
  const image = await generatePersonaImage(
    { name: found.name, description: found.prompt, gender, characteristics: found.characteristics, personaKey: found.key },
    services,
  );
  const persona: Persona = { ...found, metadata: { ...found.metadata, image: image.image_url } };
  const folder = await store.save(persona, { overwrite: true });
  return { persona, image, folder };
}
