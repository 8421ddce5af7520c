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

/** Throws unless versions strictly increase from 1 with no gaps. */
export function checkMigrationList(migrations: readonly Migration[]): void {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) {
      throw new Error(`migration ${m.name} has version ${m.version}, expected ${i + 1}`);
    }
  });
}
