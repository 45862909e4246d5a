/**
 * A restic format v2 repository: the one place that turns blobs, trees and
 * snapshots into encrypted packs, index files and snapshot files, and back.
 *
 * Writing: saveBlob() collects blobs into one open pack per blob type; a full
 * pack is uploaded at once, and flush() uploads the open packs and then one
 * index file for every pack written since the previous flush. saveSnapshot()
 * flushes first, so a snapshot never refers to blobs that are not indexed.
 */
import { compress, decompress } from 'zstd-napi';
import type { Backend, FileType } from '../backends/backend.ts';
import { BackupError, isBackupError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { mapLimit } from '../util/map-limit.ts';
import { compareRfc3339 } from '../util/rfc3339.ts';
import { decodeConfig, encodeConfig, newRepoConfig, type RepoConfig } from './config-file.ts';
import { decrypt, encrypt, newRandomKey, sha256Hex, type MasterKey } from './crypto.ts';
import { decodeIndex, encodeIndex, type IndexPack } from './index-file.ts';
import { createKeyFile, DEFAULT_KDF, openKeyFile, type KdfParams } from './key-file.ts';
import { acquireLock, assertNoConflictingLock, type LockStore, type RepoLock } from './lock.ts';
import { MasterIndex, type BlobLocation } from './master-index.ts';
import { PackBuilder, type PackEntry } from './pack.ts';
import { assertRepositoryPresent } from './repository-presence.ts';
import { decodeSnapshot, encodeSnapshot, validateSnapshot } from './snapshot-codec.ts';
import { decodeTree, encodeTree } from './tree-codec.ts';
import type { BlobType, Id, SaveBlobResult, Snapshot, SnapshotEntry, Tree } from './types.ts';
import { decodeUnpacked, encodeUnpacked } from './unpacked-file.ts';

export const DEFAULT_PACK_SIZE = 16 * 1024 * 1024;
const HEX_PREFIX = /^[0-9a-f]{1,64}$/;
const LOAD_CONCURRENCY = 8;

export interface OpenOptions {
  /** Target pack size in bytes (small in tests to get many packs). */
  packSize?: number;
  logger?: Logger;
}

export interface InitOptions extends OpenOptions {
  kdf?: KdfParams;
}

export interface RepoStats {
  packBytesWritten: number;
  indexBytesWritten: number;
  blobsStored: number;
  blobsDeduped: number;
}

interface PendingBlob {
  builder: PackBuilder;
  entry: PackEntry;
}

export class Repository {
  readonly backend: Backend;
  readonly id: string;
  readonly config: RepoConfig;
  /** Bytes of pack files written by this instance. */
  packBytesWritten = 0;
  /** Bytes of index files written by this instance: growth figures count them with the packs. */
  indexBytesWritten = 0;
  /** Blobs added to packs by this instance. */
  blobsStored = 0;
  /** saveBlob calls answered by an existing blob. */
  blobsDeduped = 0;

  private readonly key: MasterKey;
  private readonly index = new MasterIndex();
  private readonly packSize: number;
  private readonly logger: Logger | undefined;
  private readonly open: Record<BlobType, PackBuilder | null> = { data: null, tree: null };
  /** Blobs in a pack that is open or being uploaded; they move to the index once the pack is stored. */
  private readonly pending: Record<BlobType, Map<Id, PendingBlob>> = { data: new Map(), tree: new Map() };
  /** Packs stored since the last index file was written. */
  private unindexed: IndexPack[] = [];
  private readonly uploads = new Set<Promise<void>>();
  private flushQueue: Promise<void> = Promise.resolve();
  /** A failed pack upload loses blobs that callers were told are stored: no snapshot may follow. */
  private writeError: unknown = null;
  private heldLocks = 0;
  private lockCheckedThisRound = false;

  private constructor(backend: Backend, key: MasterKey, config: RepoConfig, options: OpenOptions) {
    this.backend = backend;
    this.key = key;
    this.config = config;
    this.id = config.id;
    this.packSize = options.packSize ?? DEFAULT_PACK_SIZE;
    this.logger = options.logger;
  }

  /** Creates a new repository; refuses a location that already holds one (or, locally, anything). */
  static async init(backend: Backend, password: string, opts: InitOptions = {}): Promise<Repository> {
    if (password.length === 0) throw new BackupError('permanent', 'an empty repository password is not allowed');
    if (await backend.exists()) throw new BackupError('permanent', `a repository already exists at ${backend.location()}`);
    await backend.create();
    const master = newRandomKey();
    const config = newRepoConfig();
    const keyFile = await createKeyFile(master, password, opts.kdf ?? DEFAULT_KDF);
    await backend.save({ type: 'key', name: sha256Hex(keyFile) }, keyFile);
    // The config goes last: its presence is what makes the location a repository.
    await backend.save({ type: 'config', name: '' }, encrypt(master, encodeConfig(config)));
    return new Repository(backend, master, config, opts);
  }

  /** Opens an existing repository: finds a key for the password, reads the config and every index file. */
  static async open(backend: Backend, password: string, opts: OpenOptions = {}): Promise<Repository> {
    await assertRepositoryPresent(backend);
    const location = backend.location();
    const keys = await backend.list('key');
    if (keys.length === 0) throw new BackupError('permanent', `the repository at ${location} has no key files: it is damaged`);
    let master: MasterKey | null = null;
    for (const file of keys) {
      const bytes = await backend.load({ type: 'key', name: file.name });
      try {
        master = await openKeyFile(bytes, password, file.name.slice(0, 8));
      } catch (err) {
        if (!(isBackupError(err) && err.kind === 'permanent')) throw err;
        opts.logger?.log('warn', `skipping key file ${file.name.slice(0, 8)}: ${err.message}`);
      }
      if (master) break;
    }
    if (!master) {
      throw new BackupError('permanent', `repository password is wrong: none of the ${keys.length} key(s) of ${location} accepts it`);
    }
    const storedConfig = await backend.load({ type: 'config', name: '' });
    const config = decodeConfig(decrypt(master, storedConfig, `the config of ${location}`), location);
    const repo = new Repository(backend, master, config, opts);
    await repo.loadIndexFiles();
    return repo;
  }

  private async loadIndexFiles(): Promise<void> {
    const files = await this.backend.list('index');
    const indexes = await mapLimit(files, LOAD_CONCURRENCY, async (f) => decodeIndex(await this.loadUnpacked('index', f.name), `index ${f.name.slice(0, 8)}`));
    for (const index of indexes) this.index.addIndex(index);
  }

  /** The merged index, for check and statistics. */
  get masterIndex(): MasterIndex {
    return this.index;
  }

  get masterKey(): MasterKey {
    return this.key;
  }

  /** A copy of the counters, so callers can diff before/after a job. */
  stats(): RepoStats {
    return { packBytesWritten: this.packBytesWritten, indexBytesWritten: this.indexBytesWritten, blobsStored: this.blobsStored, blobsDeduped: this.blobsDeduped };
  }

  hasBlob(type: BlobType, id: Id): boolean {
    return this.index.has(type, id) || this.pending[type].has(id);
  }

  /** Stores a blob unless it is already present; compresses it when that makes it smaller. */
  async saveBlob(type: BlobType, plaintext: Uint8Array): Promise<SaveBlobResult> {
    this.throwIfBroken();
    const id = sha256Hex(plaintext);
    if (this.hasBlob(type, id)) {
      this.blobsDeduped++;
      return { id, stored: false, storedBytes: 0 };
    }
    if (plaintext.length > 0xffff_0000) throw new BackupError('fatal', `a ${type} blob of ${plaintext.length} bytes is too large (the pack format allows 4 GiB)`);
    let body: Uint8Array = plaintext;
    let uncompressedLength: number | undefined;
    if (plaintext.length > 0) {
      // An empty blob is never marked compressed: restic rejects that.
      const packed = compress(plaintext);
      if (packed.length < plaintext.length) {
        body = packed;
        uncompressedLength = plaintext.length;
      }
    }
    const stored = encrypt(this.key, body);
    const builder = this.open[type] ?? (this.open[type] = new PackBuilder(type));
    const entry = builder.add(id, stored, uncompressedLength);
    this.pending[type].set(id, { builder, entry });
    this.blobsStored++;
    if (builder.size >= this.packSize) await this.writeOpenPack(type);
    return { id, stored: true, storedBytes: stored.length };
  }

  /** Reads a blob; verifies its MAC and that its SHA-256 matches the id. */
  async loadBlob(type: BlobType, id: Id): Promise<Buffer> {
    const locations = this.index.lookup(type, id);
    if (locations.length === 0) {
      const pending = this.pending[type].get(id);
      const stored = pending?.builder.storedBytes(pending.entry);
      if (pending && stored) return this.decodeBlob(stored, { ...pending.entry, packId: '(unwritten pack)' });
      throw new BackupError('not-found', `${type} blob ${id} is not in the repository index`);
    }
    let lastError: unknown;
    for (const location of locations) {
      try {
        const stored = await this.backend.load({ type: 'data', name: location.packId }, location.offset, location.length);
        return this.decodeBlob(stored, location);
      } catch (err) {
        lastError = err; // a duplicate copy in another pack may still be good
      }
    }
    throw lastError;
  }

  /** Decrypts, decompresses and verifies one stored blob. */
  decodeBlob(stored: Buffer, location: BlobLocation): Buffer {
    const what = `${location.type} blob ${location.id.slice(0, 12)} in pack ${location.packId.slice(0, 12)}`;
    let plain = decrypt(this.key, stored, what);
    if (location.uncompressedLength !== undefined) {
      try {
        plain = decompress(plain);
      } catch (err) {
        throw new BackupError('permanent', `${what} cannot be decompressed: it is damaged`, { cause: err });
      }
      if (plain.length !== location.uncompressedLength) {
        throw new BackupError('permanent', `${what} has ${plain.length} bytes, the index says ${location.uncompressedLength}: it is damaged`);
      }
    }
    if (sha256Hex(plain) !== location.id) throw new BackupError('permanent', `${what} does not match its id: it is damaged`);
    return plain;
  }

  saveTree(tree: Tree): Promise<SaveBlobResult> {
    return this.saveBlob('tree', encodeTree(tree));
  }

  async loadTree(id: Id): Promise<Tree> {
    return decodeTree(await this.loadBlob('tree', id), `tree ${id.slice(0, 12)}`);
  }

  /** Uploads the open packs, then writes one index file for every pack stored since the last flush. */
  flush(): Promise<void> {
    // Serialised: a second flush must not return before the first one's index is written.
    const run = this.flushQueue.then(() => this.flushNow());
    this.flushQueue = run.catch((err: unknown) => {
      void err; // the caller of this flush receives the error through `run`
    });
    return run;
  }

  private async flushNow(): Promise<void> {
    this.throwIfBroken();
    await Promise.all([this.writeOpenPack('data'), this.writeOpenPack('tree')]);
    await Promise.all([...this.uploads]);
    this.throwIfBroken();
    if (this.unindexed.length > 0) {
      const packs = this.unindexed;
      this.unindexed = [];
      try {
        await this.ensureWritable();
        await this.saveUnpacked('index', encodeIndex({ packs }));
      } catch (err) {
        this.unindexed = [...packs, ...this.unindexed]; // a later flush can still index them
        throw err;
      }
    }
    this.lockCheckedThisRound = false;
  }

  private async writeOpenPack(type: BlobType): Promise<void> {
    const builder = this.open[type];
    if (!builder || builder.count === 0) return;
    this.open[type] = null;
    const upload = this.uploadPack(builder);
    this.uploads.add(upload);
    try {
      await upload;
    } finally {
      this.uploads.delete(upload);
    }
  }

  private async uploadPack(builder: PackBuilder): Promise<void> {
    const pending = this.pending[builder.blobType];
    try {
      await this.ensureWritable();
      const { id, bytes } = builder.finish(this.key);
      await this.backend.save({ type: 'data', name: id }, bytes);
      this.packBytesWritten += bytes.length;
      this.index.addPack(id, builder.entries);
      this.unindexed.push({ id, blobs: builder.entries });
    } catch (err) {
      this.writeError ??= err;
      throw err;
    } finally {
      for (const e of builder.entries) if (pending.get(e.id)?.builder === builder) pending.delete(e.id);
    }
  }

  private throwIfBroken(): void {
    if (this.writeError === null) return;
    const reason = this.writeError instanceof Error ? this.writeError.message : String(this.writeError);
    throw new BackupError(isBackupError(this.writeError) ? this.writeError.kind : 'fatal',
      `an earlier pack upload failed (${reason}); open the repository again and retry the backup`);
  }

  /** Without a lock of our own, at least refuse to write under someone else's exclusive lock. */
  private async ensureWritable(): Promise<void> {
    if (this.heldLocks > 0 || this.lockCheckedThisRound) return;
    await assertNoConflictingLock(this.lockStore(), false, this.logger ? { logger: this.logger } : {});
    this.lockCheckedThisRound = true;
  }

  /** Flushes, then stores the snapshot; returns its id. */
  async saveSnapshot(sn: Snapshot): Promise<Id> {
    validateSnapshot(sn);
    await this.flush();
    if (!this.hasBlob('tree', sn.tree)) {
      throw new BackupError('fatal', `the snapshot's tree ${sn.tree.slice(0, 12)} is not in the repository; it was never saved`);
    }
    await this.ensureWritable();
    return this.saveUnpacked('snapshot', encodeSnapshot(sn));
  }

  async loadSnapshot(id: Id): Promise<Snapshot> {
    return decodeSnapshot(await this.loadUnpacked('snapshot', id), `snapshot ${id.slice(0, 8)}`);
  }

  /** All snapshots, oldest first. An unreadable snapshot file is an error, not silently skipped. */
  async listSnapshots(): Promise<SnapshotEntry[]> {
    const files = await this.backend.list('snapshot');
    const entries = await mapLimit(files, LOAD_CONCURRENCY, async (f) => ({ id: f.name, snapshot: await this.loadSnapshot(f.name) }));
    return entries.sort((a, b) => compareRfc3339(a.snapshot.time, b.snapshot.time) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  /** A snapshot by full id, unique id prefix, or 'latest'. */
  async findSnapshot(ref: string): Promise<SnapshotEntry> {
    if (ref === 'latest') {
      const all = await this.listSnapshots();
      const last = all.at(-1);
      if (!last) throw new BackupError('not-found', `the repository at ${this.backend.location()} has no snapshots yet`);
      return last;
    }
    const wanted = ref.toLowerCase();
    if (!HEX_PREFIX.test(wanted)) throw new BackupError('not-found', `no snapshot ${JSON.stringify(ref)}: give a snapshot id, an id prefix, or "latest"`);
    const matches = (await this.backend.list('snapshot')).filter((f) => f.name.startsWith(wanted));
    if (matches.length === 0) throw new BackupError('not-found', `no snapshot ${ref} in ${this.backend.location()}`);
    if (matches.length > 1) throw new BackupError('permanent', `snapshot id prefix ${ref} is ambiguous (${matches.length} snapshots match): give more characters`);
    const id = matches[0]!.name;
    return { id, snapshot: await this.loadSnapshot(id) };
  }

  /** Takes a repository lock (non-exclusive by default); release it when done. */
  async lock(opts: { exclusive?: boolean } = {}): Promise<RepoLock> {
    const held = await acquireLock(this.lockStore(), { exclusive: opts.exclusive ?? false, ...(this.logger ? { logger: this.logger } : {}) });
    this.heldLocks++;
    let released = false;
    return {
      get id() {
        return held.id;
      },
      exclusive: held.exclusive,
      release: async () => {
        if (released) return;
        released = true;
        this.heldLocks--;
        await held.release();
      },
    };
  }

  private lockStore(): LockStore {
    return {
      backend: this.backend,
      saveLockFile: (json) => this.saveUnpacked('lock', json),
      loadLockFile: (id) => this.loadUnpacked('lock', id),
    };
  }

  /** Encrypts and stores a small JSON file (index, snapshot, lock); its name is the SHA-256 of the stored bytes. */
  async saveUnpacked(type: Exclude<FileType, 'config' | 'key' | 'data'>, json: string): Promise<Id> {
    const stored = encrypt(this.key, encodeUnpacked(json));
    const id = sha256Hex(stored);
    await this.backend.save({ type, name: id }, stored);
    if (type === 'index') this.indexBytesWritten += stored.length;
    return id;
  }

  async loadUnpacked(type: Exclude<FileType, 'config' | 'key' | 'data'>, id: Id): Promise<string> {
    const what = `${type} file ${id.slice(0, 8)}`;
    const stored = await this.backend.load({ type, name: id });
    if (sha256Hex(stored) !== id) throw new BackupError('permanent', `${what} does not match its name: the file is damaged`);
    return decodeUnpacked(decrypt(this.key, stored, what), what);
  }
}
