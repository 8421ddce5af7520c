/**
 * A schema change, applied once per database in version order and recorded
 * in schema_migrations. Migrations are append-only: never edit one that has
 * shipped, add the next version instead (to both dialects, same version and
 * name; a test checks the lists stay in step).
 */
export interface Migration {
  version: number;
  name: string;
  /** Run in order; one statement each (MySQL runs them one by one). */
  statements: readonly string[];
}

/** The newest version a list knows; 0 for an empty list. */
export function latestVersion(migrations: readonly Migration[]): number {
  return migrations.reduce((max, m) => Math.max(max, m.version), 0);
}

/**
 * Throws unless versions are whole numbers strictly increasing from 1.
 * Gaps are allowed: version numbers are handed out to changes developed side
 * by side, and one may land before another with a smaller number.
 */
export function checkMigrationList(migrations: readonly Migration[]): void {
  migrations.forEach((m, i) => {
    const previous = i === 0 ? 0 : (migrations[i - 1] as Migration).version;
    if (!Number.isInteger(m.version) || m.version <= previous || (i === 0 && m.version !== 1)) {
      throw new Error(
        `migration ${m.name} has version ${m.version}, expected a version above ${previous}${i === 0 ? " (the first is 1)" : ""}`,
      );
    }
  });
}
