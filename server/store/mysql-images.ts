import { and, asc, eq, inArray, type SQL } from "drizzle-orm";
import type { MySql2Database } from "drizzle-orm/mysql2";
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
import { imageBuilds, imageFamilies } from "./mysql-schema.js";

/** Image builds on MySQL/MariaDB: cold paths, single autocommit statements through drizzle. */
export class MysqlImageRecords implements ImageRecords {
  constructor(
    private readonly db: MySql2Database,
    private readonly isClosed: () => boolean,
  ) {}

  async insertBuild(build: ImageBuildRecord): Promise<void> {
    await this.run("insertBuild", async () => {
      try {
        await this.db.insert(imageBuilds).values(buildToRow(build));
      } catch (err) {
        if (isDuplicateKey(err))
          throw new StandbyError("already-exists", `image build ${build.id} (or its schedule slot ${build.slot}) exists`, { cause: err });
        throw err;
      }
    });
  }

  async getBuild(id: string): Promise<ImageBuildRecord | undefined> {
    return this.run("getBuild", async () => {
      const [row] = await this.db.select().from(imageBuilds).where(eq(imageBuilds.id, id));
      return row && rowToBuild(row);
    });
  }

  async listBuilds(filter: ImageBuildFilter = {}): Promise<ImageBuildRecord[]> {
    return this.run("listBuilds", async () => {
      const where: SQL[] = [];
      if (filter.family !== undefined) where.push(eq(imageBuilds.family, filter.family));
      if (filter.provider !== undefined) where.push(eq(imageBuilds.provider, filter.provider));
      if (filter.states !== undefined) {
        if (filter.states.length === 0) return [];
        where.push(inArray(imageBuilds.state, [...filter.states]));
      }
      const rows = await this.db
        .select()
        .from(imageBuilds)
        .where(and(...where))
        .orderBy(asc(imageBuilds.createdAt), asc(imageBuilds.id));
      return rows.map(rowToBuild);
    });
  }

  async updateBuild(update: ImageBuildUpdate): Promise<boolean> {
    if (update.from.length === 0) return false;
    // The transition check (in buildUpdateSet) runs before the UPDATE: an illegal change writes nothing.
    return this.run("updateBuild", async () => {
      const set = buildUpdateSet(update);
      if (Object.keys(set).length === 0) set.id = update.id;
      const [result] = await this.db
        .update(imageBuilds)
        .set(set)
        .where(and(eq(imageBuilds.id, update.id), inArray(imageBuilds.state, [...update.from])));
      return result.affectedRows === 1;
    });
  }

  async familyStates(): Promise<ImageFamilyState[]> {
    return this.run("familyStates", async () => {
      const rows = await this.db.select().from(imageFamilies).orderBy(asc(imageFamilies.name));
      return rows.map((r) => ({ name: r.name, paused: Number(r.paused) === 1, changedAt: Number(r.changedAt) }));
    });
  }

  async setFamilyPaused(name: string, paused: boolean, at: number): Promise<void> {
    await this.run("setFamilyPaused", async () => {
      await this.db
        .insert(imageFamilies)
        .values({ name, paused: paused ? 1 : 0, changedAt: at })
        .onDuplicateKeyUpdate({ set: { paused: paused ? 1 : 0, changedAt: at } });
    });
  }

  private async run<T>(what: string, fn: () => Promise<T>): Promise<T> {
    if (this.isClosed()) throw new StandbyError("unavailable", `${what}: store is closed`);
    try {
      return await fn();
    } catch (err) {
      throw storeError(err, what);
    }
  }
}
