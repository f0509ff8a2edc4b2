/**
 * @module cli/commands/personas
 * `speaking-bots personas …`: list and show personas, create one from a description, rewrite them
 * into the current format, pick a Cartesia voice, and make an avatar.
 */
import { join } from "node:path";
import { Command } from "commander";
import type { Config } from "../../config.js";
import { createPersonaFromDescription } from "../../personas/create-persona.js";
import { cartesiaCatalogue, matchVoice, shippedCatalogue } from "../../personas/match-voice.js";
import { migratePersonas } from "../../personas/migrate-personas.js";
import { generatePersonaImage } from "../../personas/persona-images.js";
import { PersonaStore } from "../../personas/persona-store.js";
import { serializePersonaReadme } from "../../personas/persona-markdown.js";
import { createSpeechServicesLlm } from "../../services/create-speech-services.js";
import { personaDirectories } from "../../server/start.js";
import { configFromEnvironment } from "../load-env.js";

async function openStore(config: Config): Promise<PersonaStore> {
  const store = await new PersonaStore(personaDirectories(config)).load();
  for (const problem of store.problems) process.stderr.write(`warning: ${problem.folder}: ${problem.message}\n`);
  return store;
}

const out = (line: string) => process.stdout.write(`${line}\n`);

export function personasCommand(): Command {
  const command = new Command("personas").description("manage the persona library");
  command.command("list").description("list every persona").action(async () => {
    const store = await openStore(configFromEnvironment());
    for (const p of store.list()) out(`${p.key.padEnd(22)} ${p.name.padEnd(24)} ${p.prompt.split(/(?<=[.!?])\s/)[0]}`);
  });
  command.command("show <name>").description("print a persona's README").action(async (name: string) => {
    const store = await openStore(configFromEnvironment());
    out(serializePersonaReadme(store.get(name)));
  });
  command
    .command("create")
    .description("create a persona from a description with the configured LLM")
    .requiredOption("--prompt <text>", "what the persona is and does")
    .action(async (options: { prompt: string }) => {
      const config = configFromEnvironment();
      const store = await openStore(config);
      const persona = await createPersonaFromDescription(createSpeechServicesLlm(config), options.prompt);
      out(`Created ${persona.name} in ${await store.save(persona)}`);
    });
  command
    .command("migrate")
    .description("rewrite persona READMEs into the current format")
    .option("--check", "report what would change without writing")
    .option("--dir <dir>", "persona directory", "personas")
    .action(async (options: { check?: boolean; dir: string }) => {
      const results = await migratePersonas(options.dir, Boolean(options.check));
      for (const r of results) out(`${r.status.padEnd(13)} ${r.file}${r.detail ? ` — ${r.detail}` : ""}`);
      if (options.check && results.some((r) => r.status !== "unchanged")) process.exitCode = 1;
    });
  command.command("match-voice <name>").description("pick a Cartesia voice and write it into the persona").action(async (name: string) => {
    const config = configFromEnvironment();
    const store = await openStore(config);
    const persona = store.get(name);
    const catalogue = config.CARTESIA_API_KEY ? await cartesiaCatalogue(config.CARTESIA_API_URL, config.CARTESIA_API_KEY) : shippedCatalogue();
    const voice = await matchVoice(persona, catalogue, createSpeechServicesLlm(config));
    persona.metadata.cartesia_voice_id = voice.id;
    await store.save(persona, { overwrite: true });
    out(`${persona.name}: ${voice.name} (${voice.id})`);
  });
  command.command("image <name>").description("make an avatar for a persona and record it in its metadata").action(async (name: string) => {
    const config = configFromEnvironment();
    const store = await openStore(config);
    const persona = store.get(name);
    const gender = ["male", "female", "non-binary"].includes(persona.metadata.gender) ? (persona.metadata.gender as "male" | "female" | "non-binary") : undefined;
    const image = await generatePersonaImage(
      { name: persona.name, description: persona.prompt, gender, characteristics: persona.characteristics },
      { directory: join(config.DATA_DIR, "persona-images"), replicateToken: config.REPLICATE_API_TOKEN, replicateUrl: config.REPLICATE_API_URL },
    );
    persona.metadata.image = image.image_url;
    await store.save(persona, { overwrite: true });
    out(`${persona.name}: ${image.image_url}`);
  });
  return command;
}
