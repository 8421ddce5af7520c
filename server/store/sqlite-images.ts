import { and, asc, eq, inArray, type SQL } from "drizzle-orm";
import type { BetterSQLite3Database } from "drizzle-orm/better-sqlite3";
import {
  StandbyError,
  type ImageBuildFilter,
  type ImageBuildRecord,
  type ImageBuildUpdate,
  type ImageFamilyState,
  type ImageRecords,
} from "../core/index.js";
import { isDuplicateKey, storeError } from "./driver-errors.js";
import { buildToRow, buildUpdateSet, rowToBuild } from "./image-rows.js";
import { imageBuilds, imageFamilies } from "./sqlite-schema.js";

/** Image builds on SQLite: cold paths, through drizzle. better-sqlite3 is synchronous, so each call is atomic. */
export class SqliteImageRecords implements ImageRecords {
  constructor(
    private readonly db: BetterSQLite3Database,
    private readonly isClosed: () => boolean,
  ) {}

  async insertBuild(build: ImageBuildRecord): Promise<void> {
    this.run("insertBuild", () => {
      try {
        this.db.insert(imageBuilds).values(buildToRow(build)).run();
      } catch (err) {
        if (isDuplicateKey(err))
          throw new StandbyError("already-exists", `image build ${build.id} (or its schedule slot ${build.slot}) exists`, { cause: err });
        throw err;
      }
    });
  }

  async getBuild(id: string): Promise<ImageBuildRecord | undefined> {
    return this.run("getBuild", () => {
      const row = this.db.select().from(imageBuilds).where(eq(imageBuilds.id, id)).get();
      return row && rowToBuild(row);
    });
  }

  async listBuilds(filter: ImageBuildFilter = {}): Promise<ImageBuildRecord[]> {
    return this.run("listBuilds", () => {
      const where: SQL[] = [];
      if (filter.family !== undefined) where.push(eq(imageBuilds.family, filter.family));
      if (filter.provider !== undefined) where.push(eq(imageBuilds.provider, filter.provider));
      if (filter.states !== undefined) {
        if (filter.states.length === 0) return [];
        where.push(inArray(imageBuilds.state, [...filter.states]));
      }
      return this.db
        .select()
        .from(imageBuilds)
        .where(and(...where))
        .orderBy(asc(imageBuilds.createdAt), asc(imageBuilds.id))
        .all()
        .map(rowToBuild);
    });
  }

  async updateBuild(update: ImageBuildUpdate): Promise<boolean> {
    if (update.from.length === 0) return false;
    // The transition check (in buildUpdateSet) runs before the UPDATE: an illegal change writes nothing.
    return this.run("updateBuild", () => {
      const set = buildUpdateSet(update);
      if (Object.keys(set).length === 0) set.id = update.id;
      const result = this.db
        .update(imageBuilds)
        .set(set)
        .where(and(eq(imageBuilds.id, update.id), inArray(imageBuilds.state, [...update.from])))
        .run();
      return result.changes === 1;
    });
  }

  async familyStates(): Promise<ImageFamilyState[]> {
    return this.run("familyStates", () =>
      this.db
        .select()
        .from(imageFamilies)
        .orderBy(asc(imageFamilies.name))
        .all()
        .map((r) => ({ name: r.name, paused: Number(r.paused) === 1, changedAt: Number(r.changedAt) })),
    );
  }

  async setFamilyPaused(name: string, paused: boolean, at: number): Promise<void> {
    this.run("setFamilyPaused", () =>
      this.db
        .insert(imageFamilies)
        .values({ name, paused: paused ? 1 : 0, changedAt: at })
        .onConflictDoUpdate({ target: imageFamilies.name, set: { paused: paused ? 1 : 0, changedAt: at } })
        .run(),
    );
  }

  private run<T>(what: string, fn: () => T): T {
    if (this.isClosed()) throw new StandbyError("unavailable", `${what}: store is closed`);
    try {
      return fn();
    } catch (err) {
      throw storeError(err, what);
    }
  }
}
