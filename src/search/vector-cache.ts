import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ensureDir, writeFileAtomic } from '../store/lowdb/atomic-file.js';

const KEY_BYTES = 20;

/**
 * Passage vectors on disk, keyed by model and by the exact text embedded: a restart embeds nothing it has
 * embedded before, and a content change embeds only the passages whose text changed.
 * File: [u32 count][u32 dims] then per entry a 20-byte SHA-1 of the text and `dims` float32 values.
 */
export class VectorCache {
  private readonly entries = new Map<string, Float32Array>();
  private dirty = false;

  private constructor(
    private readonly path: string,
    readonly dimensions: number,
  ) {}

  static async open(cacheDir: string, modelId: string, dimensions: number): Promise<VectorCache> {
    const dir = join(cacheDir, 'vectors');
    await ensureDir(dir);
    const file = `${createHash('sha1').update(modelId).digest('hex').slice(0, 16)}.bin`;
    const cache = new VectorCache(join(dir, file), dimensions);
    const data = await readFile(cache.path).catch(() => null);
    if (data && data.length >= 8) {
      const count = data.readUInt32LE(0);
      const dims = data.readUInt32LE(4);
      const entryBytes = KEY_BYTES + dims * 4;
      if (dims === dimensions && data.length === 8 + count * entryBytes) {
        for (let i = 0; i < count; i++) {
          const at = 8 + i * entryBytes;
          const key = data.subarray(at, at + KEY_BYTES).toString('hex');
          const vector = new Float32Array(dims);
          for (let j = 0; j < dims; j++) vector[j] = data.readFloatLE(at + KEY_BYTES + j * 4);
          cache.entries.set(key, vector);
        }
      }
    }
    return cache;
  }

  static key(text: string): string {
    return createHash('sha1').update(text).digest('hex');
  }

  get(text: string): Float32Array | undefined {
    return this.entries.get(VectorCache.key(text));
  }

  set(text: string, vector: Float32Array): void {
    this.entries.set(VectorCache.key(text), vector);
    this.dirty = true;
  }

  get size(): number {
    return this.entries.size;
  }

  /** Keeps only the given texts' vectors (so the file does not grow with every content edit), then writes. */
  async save(keep: Iterable<string>): Promise<void> {
    const wanted = new Set([...keep].map((t) => VectorCache.key(t)));
    for (const key of [...this.entries.keys()]) {
      if (!wanted.has(key)) {
        this.entries.delete(key);
        this.dirty = true;
      }
    }
    if (!this.dirty) return;
    const entryBytes = KEY_BYTES + this.dimensions * 4;
    const out = Buffer.alloc(8 + this.entries.size * entryBytes);
    out.writeUInt32LE(this.entries.size, 0);
    out.writeUInt32LE(this.dimensions, 4);
    let at = 8;
    for (const [key, vector] of this.entries) {
      Buffer.from(key, 'hex').copy(out, at);
      for (let j = 0; j < this.dimensions; j++) out.writeFloatLE(vector[j] ?? 0, at + KEY_BYTES + j * 4);
      at += entryBytes;
    }
    await writeFileAtomic(this.path, out);
    this.dirty = false;
  }
}
