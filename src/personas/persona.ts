/**
 * @module personas/persona
 * A persona is a folder of Markdown: `README.md` holds the name, prompt, characteristics, voice and
 * metadata; every other `*.md` file is extra knowledge added to the system prompt.
 */

export interface PersonaMetadata {
  image: string;
  entry_message: string;
  cartesia_voice_id: string;
  gender: string;
  relevant_links: string[];
  language_code: string;
  /** Keys we do not know are kept so a round trip loses nothing. */
  [key: string]: string | string[];
}

export interface Persona {
  /** Folder name, the stable key (snake_case). */
  key: string;
  /** Display name from the `# Name` heading. */
  name: string;
  prompt: string;
  characteristics: string[];
  voice: string[];
  metadata: PersonaMetadata;
  /** Extra knowledge files: file name → Markdown text. */
  knowledge: Record<string, string>;
  /** Sections we do not model, kept verbatim for round trips. */
  extraSections: { title: string; body: string }[];
}
