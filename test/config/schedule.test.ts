import assert from "node:assert/strict";
import { parseConfig } from "../../server/config/load.js";
import { nextCron, nextRun, parseCron, parseSchedule } from "../../server/config/schedule.js";
import { StandbyError } from "../../common/errors.js";
import { suite } from "../lib/harness.js";

const t = suite("image schedules: cron and intervals");

const at = (iso: string) => Date.parse(iso);
const next = (expr: string, after: string) => {
  const ms = nextCron(parseCron(expr), at(after));
  return ms === undefined ? undefined : new Date(ms).toISOString();
};

t("the next run of a cron expression, in UTC, as an operator reads it", () => {
  // [expression, after, next]
  const table: [string, string, string][] = [
    ["0 3 * * *", "2026-01-01T02:50:00Z", "2026-01-01T03:00:00.000Z"],
    ["0 3 * * *", "2026-01-01T03:00:00Z", "2026-01-02T03:00:00.000Z"],
    ["0 3 * * *", "2026-01-01T03:00:59Z", "2026-01-02T03:00:00.000Z"],
    ["0 3 * * *", "2026-12-31T23:59:00Z", "2027-01-01T03:00:00.000Z"],
    ["*/15 * * * *", "2026-01-01T10:07:00Z", "2026-01-01T10:15:00.000Z"],
    ["*/15 * * * *", "2026-01-01T10:45:00Z", "2026-01-01T11:00:00.000Z"],
    ["30 8-18/2 * * *", "2026-01-01T09:00:00Z", "2026-01-01T10:30:00.000Z"],
    ["30 8-18/2 * * *", "2026-01-01T18:31:00Z", "2026-01-02T08:30:00.000Z"],
    ["0 0 * * 0", "2026-01-01T00:00:00Z", "2026-01-04T00:00:00.000Z"], // 2026-01-01 is a Thursday
    ["0 0 * * 7", "2026-01-01T00:00:00Z", "2026-01-04T00:00:00.000Z"], // 7 is Sunday too
    ["0 0 * * sun", "2026-01-01T00:00:00Z", "2026-01-04T00:00:00.000Z"],
    ["0 6 * * mon-fri", "2026-01-02T07:00:00Z", "2026-01-05T06:00:00.000Z"], // Friday 07:00 → Monday
    ["0 0 1 * *", "2026-01-15T00:00:00Z", "2026-02-01T00:00:00.000Z"],
    ["0 0 31 * *", "2026-02-01T00:00:00Z", "2026-03-31T00:00:00.000Z"], // February has none
    ["0 0 29 2 *", "2026-03-01T00:00:00Z", "2028-02-29T00:00:00.000Z"], // leap day
    ["0 12 1 jan,jul *", "2026-02-01T00:00:00Z", "2026-07-01T12:00:00.000Z"],
    // Both day fields restricted: either matches (Vixie cron).
    ["0 0 13 * 5", "2026-01-01T00:00:00Z", "2026-01-02T00:00:00.000Z"], // Friday the 2nd
    ["0 0 13 * 5", "2026-01-10T00:00:00Z", "2026-01-13T00:00:00.000Z"], // the 13th, a Tuesday
    ["5,35 * * * *", "2026-01-01T00:05:00Z", "2026-01-01T00:35:00.000Z"],
    ["10/20 * * * *", "2026-01-01T00:31:00Z", "2026-01-01T00:50:00.000Z"],
    ["@daily", "2026-01-01T00:00:00Z", "2026-01-02T00:00:00.000Z"],
    ["@hourly", "2026-01-01T00:30:00Z", "2026-01-01T01:00:00.000Z"],
    ["@weekly", "2026-01-01T00:00:00Z", "2026-01-04T00:00:00.000Z"],
    ["@monthly", "2026-01-01T00:00:00Z", "2026-02-01T00:00:00.000Z"],
    ["@yearly", "2026-01-01T00:00:00Z", "2027-01-01T00:00:00.000Z"],
  ];
  for (const [expr, after, want] of table) assert.equal(next(expr, after), want, `${expr} after ${after}`);
});

t("malformed cron expressions are refused with what is wrong", () => {
  const bad: [string, RegExp][] = [
    ["0 3 * *", /has 4 fields/],
    ["60 * * * *", /minute: 60 is outside 0-59/],
    ["0 24 * * *", /hour: 24 is outside 0-23/],
    ["0 0 0 * *", /day-of-month: 0 is outside 1-31/],
    ["0 0 * 13 *", /month: 13 is outside 1-12/],
    ["0 0 * * 8", /day-of-week: 8 is outside 0-7/],
    ["*/0 * * * *", /step "0"/],
    ["5-1 * * * *", /runs backwards/],
    ["x * * * *", /not a number/],
    ["0 0 30 2 *", /never runs/],
    ["@fortnightly", /unknown macro/],
    ["1,,2 * * * *", /empty list item/],
  ];
  for (const [expr, message] of bad) assert.throws(() => parseCron(expr), message, expr);
});

t("a schedule is a cron expression or an interval of at least a minute", () => {
  assert.equal(parseSchedule("0 3 * * *").kind, "cron");
  assert.equal(parseSchedule("@daily").kind, "cron");
  const every = parseSchedule("12h");
  assert.equal(every.kind, "interval");
  assert.equal(nextRun(every, at("2026-01-01T00:00:00Z")), at("2026-01-01T12:00:00Z"));
  assert.equal(nextRun(parseSchedule("0 3 * * *"), at("2026-01-01T05:00:00Z")), at("2026-01-02T03:00:00Z"));
  assert.throws(() => parseSchedule("30s"), /shorter than a minute/);
  assert.throws(() => parseSchedule("nightly"), /neither a cron expression/);
});

t("a cron expression in a time zone follows its wall clock across daylight saving time", () => {
  const inZone = (expr: string, zone: string, after: string) => new Date(nextCron(parseCron(expr, zone), at(after)) ?? 0).toISOString();
  // [expression, zone, after, next]; Europe/Berlin: CET (UTC+1), CEST (UTC+2) from 2026-03-29 02:00 to 2026-10-25 03:00.
  const table: [string, string, string, string][] = [
    ["0 3 * * *", "Europe/Berlin", "2026-01-10T12:00:00Z", "2026-01-11T02:00:00.000Z"],
    ["0 3 * * *", "Europe/Berlin", "2026-03-28T02:00:00Z", "2026-03-29T01:00:00.000Z"], // over the spring change: an hour earlier in UTC
    ["0 3 * * *", "Europe/Berlin", "2026-10-24T01:00:00Z", "2026-10-25T02:00:00.000Z"], // over the autumn change: an hour later
    // 02:30 does not exist on 2026-03-29: the job runs when the gap ends (03:00 CEST), then at 02:30 again.
    ["30 2 * * *", "Europe/Berlin", "2026-03-28T02:00:00Z", "2026-03-29T01:00:00.000Z"],
    ["30 2 * * *", "Europe/Berlin", "2026-03-29T01:00:00Z", "2026-03-30T00:30:00.000Z"],
    // 02:30 happens twice on 2026-10-25: the job runs once.
    ["30 2 * * *", "Europe/Berlin", "2026-10-25T00:00:00Z", "2026-10-25T00:30:00.000Z"],
    ["30 2 * * *", "Europe/Berlin", "2026-10-25T00:30:00Z", "2026-10-26T01:30:00.000Z"],
    ["@daily", "America/New_York", "2026-03-08T12:00:00Z", "2026-03-09T04:00:00.000Z"], // EDT from 2026-03-08
    ["0 3 * * mon", "Asia/Kolkata", "2026-01-01T00:00:00Z", "2026-01-04T21:30:00.000Z"], // Monday 03:00 IST is Sunday 21:30 UTC
    ["0 3 * * *", "UTC", "2026-03-28T02:00:00Z", "2026-03-28T03:00:00.000Z"],
  ];
  for (const [expr, zone, after, want] of table) assert.equal(inZone(expr, zone, after), want, `${expr} in ${zone} after ${after}`);
  const spec = parseSchedule("0 3 * * *", "Europe/Berlin");
  assert.equal(nextRun(spec, at("2026-07-01T00:00:00Z")), at("2026-07-01T01:00:00Z"));
  assert.throws(() => parseCron("0 3 * * *", "Europe/Nowhere"), /"Europe\/Nowhere" is not a time zone/);
  assert.throws(() => parseSchedule("24h", "Europe/Berlin"), /runs the same in every time zone/);
});

const base = () => ({
  providers: [
    { name: "a", plugin: "fake", settings: { stateFile: "a.json" } },
    { name: "b", plugin: "fake", settings: { stateFile: "b.json" } },
  ],
  labels: [{ name: "jammy", minReady: 1 }],
  templates: [{ label: "jammy", provider: "a", family: "jc", flavor: "small" }] as Record<string, unknown>[],
  images: [
    { name: "jc", schedule: "0 3 * * *", setupScript: "make cache", providers: [{ provider: "a", base: "ubuntu-jammy", flavor: "small" }] },
  ] as Record<string, unknown>[],
});

function rejects(doc: unknown, ...fragments: string[]) {
  assert.throws(
    () => parseConfig(doc),
    (err: unknown) => {
      assert.ok(err instanceof StandbyError);
      assert.equal(err.code, "invalid-argument");
      for (const f of fragments) assert.ok(err.message.includes(f), `"${err.message}" should mention ${f}`);
      return true;
    },
  );
}

t("image families get documented defaults and templates may name a family, a selector or a cache", () => {
  const doc = base();
  doc.templates.push({
    label: "jammy",
    provider: "b",
    imageSelector: { name: "ubuntu-jammy", tags: { os: "jammy" } },
    flavor: "small",
    cache: { ttl: "12h" },
  });
  const config = parseConfig(doc);
  const family = config.images[0];
  assert.equal(family?.keep, 2);
  assert.equal(family?.verify, true);
  assert.equal(family?.buildTimeout, 3_600_000);
  assert.match(family?.scrubScript ?? "", /authorized_keys/);
  assert.equal(family?.providers[0]?.readyCheck, true);
  assert.equal(config.templates[1]?.cache?.ttl, 12 * 3_600_000);
  assert.equal(config.labels[0]?.replaceAtOnce, 1);
});

t("image configuration errors name the field", () => {
  const badSchedule = base();
  (badSchedule.images[0] as Record<string, unknown>).schedule = "0 25 * * *";
  rejects(badSchedule, "images[0].schedule", "hour: 25");

  const noFamily = base();
  (noFamily.templates[0] as Record<string, unknown>).family = "nope";
  rejects(noFamily, "templates[0].family", 'no image family named "nope"');

  const noEntry = base();
  (noEntry.templates[0] as Record<string, unknown>).provider = "b";
  rejects(noEntry, "templates[0].family", 'has no entry for provider "b"');

  const both = base();
  (both.templates[0] as Record<string, unknown>).image = "ubuntu-jammy";
  rejects(both, "templates[0].image", "exactly one of image, family or imageSelector");

  const neither = base();
  delete (neither.templates[0] as Record<string, unknown>).family;
  rejects(neither, "templates[0].image", "exactly one of");

  const unknownProvider = base();
  (unknownProvider.images[0] as { providers: Record<string, unknown>[] }).providers.push({ provider: "zz", base: "x", flavor: "small" });
  rejects(unknownProvider, "images[0].providers[1].provider", 'no provider named "zz"');

  const duplicate = base();
  duplicate.images.push({ name: "jc" });
  rejects(duplicate, "images[1].name", 'duplicate name "jc"');

  const emptySelector = base();
  (emptySelector.templates[0] as Record<string, unknown>).family = undefined;
  (emptySelector.templates[0] as Record<string, unknown>).imageSelector = {};
  rejects(emptySelector, "templates[0].imageSelector", "name an image or tags");

  const zoned = base();
  (zoned.images[0] as Record<string, unknown>).timezone = "Europe/Berlin";
  assert.equal(parseConfig(zoned).images[0]?.timezone, "Europe/Berlin");
  assert.equal(parseConfig(base()).images[0]?.timezone, undefined, "UTC unless named");

  const badZone = base();
  (badZone.images[0] as Record<string, unknown>).timezone = "Berlin";
  rejects(badZone, "images[0].timezone", '"Berlin" is not a time zone');

  const zonedInterval = base();
  Object.assign(zonedInterval.images[0] as Record<string, unknown>, { schedule: "24h", timezone: "Europe/Berlin" });
  rejects(zonedInterval, "images[0].timezone", "runs the same in every time zone");

  const zoneWithoutSchedule = base();
  Object.assign(zoneWithoutSchedule.images[0] as Record<string, unknown>, { schedule: undefined, timezone: "Europe/Berlin" });
  rejects(zoneWithoutSchedule, "images[0].timezone", "needs a cron schedule");

  const keepZero = base();
  (keepZero.images[0] as Record<string, unknown>).keep = 0;
  rejects(keepZero, "images[0].keep");
});

t.run();
