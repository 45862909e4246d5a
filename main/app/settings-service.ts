/**
 * Settings: config.json read, validated and saved for the Settings window.
 * Validation is the engine's own config schema (one source of truth with the
 * CLI), reported per field. Secrets never live in config.json: a value that
 * equals a stored secret is refused, so a token pasted into the wrong box is
 * not written to disk in clear.
 */
import type { FieldError, SecretName, SettingsView } from '../../preload/ipc-contract.ts';
import { configSchema, type Config } from '../engine/config/config-schema.ts';
import type { Engine } from '../engine/index.ts';
import { appendOperation } from '../engine/compliance/oplog.ts';
import { syncOplog } from '../engine/compliance/oplog-sync.ts';
import { configChanges } from '../engine/compliance/config-changes.ts';
import { writeFileAtomic } from '../engine/util/atomic-write.ts';
import { dotted, fieldErrorsFromIssues } from './field-errors.ts';
import { invalidSettings } from './ipc-errors.ts';
import { APP_SECRET_NAMES, type SecretStore } from './secret-store.ts';

/** Shorter stored values (a test PIN) would match ordinary settings by chance. */
const MIN_SECRET_MATCH_LENGTH = 6;

export class SettingsService {
  private readonly engine: Engine;
  private readonly secrets: SecretStore;

  constructor(engine: Engine, secrets: SecretStore) {
    this.engine = engine;
    this.secrets = secrets;
  }

  async view(): Promise<SettingsView> {
    const config = await this.engine.config();
    return { config: toPlain(config), secretsSet: await this.secretsSet() };
  }

  async secretsSet(): Promise<Record<SecretName, boolean>> {
    const entries = await Promise.all(APP_SECRET_NAMES.map(async (name) => [name, await this.secrets.has(name)] as const));
    return Object.fromEntries(entries) as Record<SecretName, boolean>;
  }

  /** Every problem with a proposed config, each naming its field; empty when it can be saved. */
  async validate(raw: unknown): Promise<FieldError[]> {
    const parsed = configSchema.safeParse(raw);
    const errors = parsed.success ? [] : fieldErrorsFromIssues(parsed.error.issues);
    return [...errors, ...(await this.secretLeaks(raw))];
  }

  /** Validates and writes config.json; throws an 'invalid' error naming every bad field. */
  async save(raw: unknown): Promise<Config> {
    const errors = await this.validate(raw);
    if (errors.length > 0) throw invalidSettings(errors);
    const config = configSchema.parse(raw);
    const before = await this.engine.config().catch((err: unknown) => {
      // No readable config before (first save): every value is new.
      this.engine.logger.log('debug', `settings: no previous config to compare: ${err instanceof Error ? err.message : String(err)}`);
      return null;
    });
    await writeFileAtomic(this.engine.paths.configFile, `${JSON.stringify(config, null, 2)}\n`);
    this.engine.catalog.addEvent({
      time: this.engine.clock.now().toISOString(), level: 'info', type: 'settings-saved', message: 'settings saved from the app', data: null,
    });
    // Every settings change is evidence (a shortened retention above all): logged, then flushed to the repository.
    const { changes, total } = configChanges(before, config);
    if (total > 0) {
      const ctx = { catalog: this.engine.catalog, clock: this.engine.clock, logger: this.engine.logger, engine: this.engine };
      appendOperation(ctx, {
        type: 'settings',
        summary: `settings saved from the app: ${total} change(s) (${changes.slice(0, 5).map((c) => c.path).join(', ')}${total > 5 ? ', ...' : ''})`,
        data: { changes, total },
      });
      await syncOplog(ctx);
    }
    return config;
  }

  private async secretLeaks(raw: unknown): Promise<FieldError[]> {
    const values: { name: SecretName; value: string }[] = [];
    for (const name of APP_SECRET_NAMES) {
      const value = await this.secrets.get(name);
      if (value && value.length >= MIN_SECRET_MATCH_LENGTH) values.push({ name, value });
    }
    if (values.length === 0) return [];
    const out: FieldError[] = [];
    for (const leaf of stringLeaves(raw, [])) {
      const hit = values.find((s) => leaf.value.includes(s.value));
      if (hit) out.push({ field: dotted(leaf.path), message: `contains the stored ${hit.name}: secrets are kept in the keychain, never in the settings file` });
    }
    return out;
  }
}

function* stringLeaves(value: unknown, path: PropertyKey[]): Generator<{ path: PropertyKey[]; value: string }> {
  if (typeof value === 'string') yield { path, value };
  else if (Array.isArray(value)) for (const [i, item] of value.entries()) yield* stringLeaves(item, [...path, i]);
  else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) yield* stringLeaves(item, [...path, key]);
  }
}

/** Structured-clone-safe plain data for the IPC reply. */
function toPlain(config: Config): Record<string, unknown> {
  return JSON.parse(JSON.stringify(config)) as Record<string, unknown>;
}
