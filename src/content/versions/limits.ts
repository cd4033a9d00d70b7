/** Limits on an upload: anything past them is refused before it is parsed, and nothing changes. */
export const UPLOAD_LIMITS = {
  /** One content file (a `.yaml`, `.yml` or `.md`, alone or inside a zip). The whole content is about 2 MB. */
  fileBytes: 2 * 1024 * 1024,
  /** A `.zip` as sent. */
  zipBytes: 10 * 1024 * 1024,
  /** Entries in a zip (the content holds about 180 files). */
  zipEntries: 500,
  /** Everything a zip unpacks to, counted while it is unpacked (a zip bomb stops here). */
  zipUnpackedBytes: 20 * 1024 * 1024,
  /** YAML aliases a file may expand (the `yaml` package's `maxAliasCount`): content has no need of any. */
  yamlAliases: 50,
} as const;

/** The kinds of file an upload may hold. */
export const CONTENT_FILE = /\.(ya?ml|md)$/i;
