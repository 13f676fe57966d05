import { createHash, randomUUID } from "node:crypto";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
} from "node:fs";
import path from "node:path";

/**
 * The workspace's model artifacts, addressed by content: `artifacts/<sha256>/...`. A version's
 * files never change after registration, the same artifact registered twice is stored once, and
 * `verify` can tell whether the files on disk are still the ones registered.
 *
 * New artifacts are assembled in `staging/` and moved into place with one rename, so a reader
 * never sees a half-copied artifact and a failed registration leaves nothing behind.
 */
export class ArtifactStore {
  constructor(
    private readonly artifactsDirectory: string,
    private readonly stagingDirectory: string,
  ) {}

  /** Copies `files` (relative to `root`) into a new staging directory and returns it. */
  stage(root: string, files: readonly string[]): string {
    const staged = path.join(this.stagingDirectory, randomUUID());
    try {
      for (const file of files) {
        const target = path.join(staged, file);
        mkdirSync(path.dirname(target), { recursive: true });
        copyFileSync(path.join(root, file), target);
      }
    } catch (error) {
      this.discard(staged);
      throw error;
    }
    return staged;
  }

  /**
   * Removes staging directories left by registrations that were killed mid-copy. Only old ones:
   * a young one may belong to a registration running in another process right now.
   */
  removeAbandonedStaging(olderThanMilliseconds: number, now: number = Date.now()): void {
    if (!existsSync(this.stagingDirectory)) return;
    for (const entry of readdirSync(this.stagingDirectory)) {
      const staged = path.join(this.stagingDirectory, entry);
      try {
        if (now - statSync(staged).mtimeMs > olderThanMilliseconds) this.discard(staged);
      } catch {
        // Removed by another process meanwhile: nothing left to do.
      }
    }
  }

  discard(staged: string): void {
    rmSync(staged, { recursive: true, force: true });
  }

  /**
   * Moves a staged artifact to its content address. Returns the hash and whether this call
   * created the directory (false when the same content was already stored).
   */
  commit(staged: string, files: readonly string[]): { hash: string; created: boolean } {
    const hash = contentHash(staged, files);
    const target = this.directoryOf(hash);
    if (existsSync(target)) {
      this.discard(staged);
      return { hash, created: false };
    }
    mkdirSync(this.artifactsDirectory, { recursive: true });
    try {
      renameSync(staged, target);
    } catch (error) {
      // Another process stored the same content between the check and the rename.
      if (existsSync(target)) {
        this.discard(staged);
        return { hash, created: false };
      }
      throw error;
    }
    return { hash, created: true };
  }

  directoryOf(hash: string): string {
    return path.join(this.artifactsDirectory, hash);
  }

  remove(hash: string): void {
    rmSync(this.directoryOf(hash), { recursive: true, force: true });
  }
}

/**
 * sha256 over the sorted relative paths and each file's own sha256, so a renamed file changes
 * the hash as much as changed bytes do.
 */
export function contentHash(directory: string, files: readonly string[]): string {
  const manifest = createHash("sha256");
  for (const file of [...files].sort()) {
    const fileHash = createHash("sha256")
      .update(readFileSync(path.join(directory, file)))
      .digest("hex");
    manifest.update(`${file}\0${fileHash}\n`);
  }
  return manifest.digest("hex");
}
