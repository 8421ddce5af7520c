import type { Clock, Logger, Store } from "../core/index.js";
import type { SchemaShape } from "./schema-shape.js";

export interface StoreOptions {
  /** Migration progress and warnings; silent unless given. */
  logger?: Logger;
  /** Only stamps applied migrations; the system clock unless given. */
  clock?: Clock;
}

export interface AppliedMigration {
  version: number;
  name: string;
  appliedAt: number;
}

/** A Store over SQL, with what operators and the schema tests look at. */
export interface SqlStore extends Store {
  /** The migrations recorded in this database, oldest first. */
  appliedMigrations(): Promise<AppliedMigration[]>;
  /** The live database's tables, as the schema tests compare them. */
  describeSchema(): Promise<SchemaShape>;
}
