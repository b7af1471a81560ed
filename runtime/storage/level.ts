/** Spark's storage levels: where a persisted partition is kept and whether as rows or as bytes. */
export class StorageLevel {
  private constructor(
    readonly name: string,
    readonly useMemory: boolean,
    readonly useDisk: boolean,
    /** Rows kept as they are (true) or serialized to bytes (false). */
    readonly deserialized: boolean,
  ) {}

  get isValid(): boolean {
    return this.useMemory || this.useDisk;
  }

  toString(): string {
    return this.name;
  }

  static readonly NONE = new StorageLevel("NONE", false, false, false);
  static readonly MEMORY_ONLY = new StorageLevel("MEMORY_ONLY", true, false, true);
  static readonly MEMORY_ONLY_SER = new StorageLevel("MEMORY_ONLY_SER", true, false, false);
  static readonly MEMORY_AND_DISK = new StorageLevel("MEMORY_AND_DISK", true, true, true);
  static readonly MEMORY_AND_DISK_SER = new StorageLevel("MEMORY_AND_DISK_SER", true, true, false);
  static readonly DISK_ONLY = new StorageLevel("DISK_ONLY", false, true, false);
}
