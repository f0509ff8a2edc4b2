/**
 * @module cli/commands/personas
 * `speaking-bots personas …`: list and show personas, create one from a description, rewrite them
 * into the current format, pick a Cartesia voice, and make an avatar.
 */
import { Command } from "commander";
import type { Config } from "../../config.js";
import { createPersonaFromDescription } from "../../personas/create-persona.js";
import { cartesiaCatalogue, matchVoice, shippedCatalogue } from "../../personas/match-voice.js";
import { migratePersonas } from "../../personas/migrate-personas.js";
import { personaImageServices } from "../../personas/images/image-services.js";
import { describeImage } from "../../personas/images/public-image-url.js";
import { recordPersonaImage } from "../../personas/images/record-persona-image.js";
import { rehostPersonaImages } from "../../personas/images/rehost-images.js";
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
    .option("--rehost-images", "also store images still pointing at Replicate's expiring URLs durably (UploadThing or DATA_DIR)")
    .action(async (options: { check?: boolean; dir: string; rehostImages?: boolean }) => {
      const results = await migratePersonas(options.dir, Boolean(options.check));
      for (const r of results) out(`${r.status.padEnd(13)} ${r.file}${r.detail ? ` — ${r.detail}` : ""}`);
      let pending = results.some((r) => r.status !== "unchanged");
      if (options.rehostImages) {
        const rehosted = await rehostPersonaImages(options.dir, personaImageServices(configFromEnvironment()), Boolean(options.check));
        for (const r of rehosted) out(`${r.status.padEnd(13)} ${r.file}: ${r.from}${r.to ? ` → ${r.to}` : ""}${r.detail ? ` — ${r.detail}` : ""}`);
        pending ||= rehosted.length > 0;
        if (rehosted.some((r) => r.status === "failed")) process.exitCode = 1;
      }
      if (options.check && pending) process.exitCode = 1;
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
  command.command("image <name>").description("make an avatar for a persona, store it durably and record it in its metadata").action(async (name: string) => {
    const config = configFromEnvironment();
    const services = personaImageServices(config);
    const store = await openStore(config);
    const { persona, image } = await recordPersonaImage(store, name, services);
    const reach = describeImage(image.image_url, config.BASE_URL);
    out(`${persona.name}: ${reach.image_url} (stored ${image.storage === "uploadthing" ? "on UploadThing" : "in DATA_DIR"}, ${image.content_type}, generated ${image.generated_at})`);
    if (reach.message) process.stderr.write(`note: ${reach.message}\n`);
  });
  return command;
}
