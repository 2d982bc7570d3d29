/** A YAML document of an archive, parsed to plain data, or why it could not be parsed. */
export type ParsedDocument = { ok: true; value: unknown } | { ok: false; reason: string };

/** What an archive holds, as far as the package rules need to know. */
export type ArchiveContents =
  | {
      isReadable: true;
      /** Every entry's path, `/`-separated, relative to the archive root; directories end with `/`. */
      entries: string[];
      /** The documents asked for that exist in the archive, by path; a missing one has no key. */
      documents: Record<string, ParsedDocument>;
    }
  | {
      isReadable: false;
      /** Why it is not a usable archive (not a zip, corrupt, encrypted, an entry escaping the root...). */
      reason: string;
    };

/** An upload read to its end into a private staging area. */
export interface StagedPackage {
  sizeBytes: number;
  contents: ArchiveContents;
  /** The staged bytes, exactly as they arrived. */
  open(): AsyncIterable<Uint8Array>;
  /** Deletes the staged copy. Safe to call more than once; call it in a `finally`. */
  discard(): Promise<void>;
}

/**
 * Reads uploaded archives. Looking inside a zip needs the whole file (its directory is at the end), so an upload is
 * staged first, inspected, and only then handed to the PackageStore.
 */
export interface PackageInspector {
  /**
   * Reads `body` to its end into a staging area and inspects it as a zip archive, parsing the YAML documents at
   * `documents` (paths relative to the archive root) when present. An archive that is not a readable zip is not an
   * error here: `contents.isReadable` is false and says why.
   * @throws whatever `body` throws (the staged copy is removed first).
   */
  stage(body: AsyncIterable<Uint8Array>, opts: { documents: readonly string[] }): Promise<StagedPackage>;
}
