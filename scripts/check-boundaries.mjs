// Proves, in `npm run lint`, that the layer rule of eslint.config.js
// (import-x/no-restricted-paths with BOUNDARY_ZONES) reports an import across
// a boundary: each fixture below is linted with the project's own config as
// if it were a file at its path, and this fails unless every forbidden import
// is reported and every allowed one is not. The fixtures are text, never
// files, so `eslint .` and tsc do not see them; they are linted without type
// information (a file outside the TypeScript project has none), which the
// rule does not need.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ESLint } from "eslint";
import tseslint from "typescript-eslint";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const RULE = "import-x/no-restricted-paths";
const NAME = "__boundary-check__";

/** as: where the fixture pretends to live; imports: what it imports; allowed: whether the rule must stay silent. */
const FIXTURES = [
  { as: `server/plugin-host/${NAME}.ts`, imports: "../../plugins/sdk/index.js", allowed: false },
  { as: `server/${NAME}.ts`, imports: "../plugins/fake/cloud.js", allowed: false },
  { as: `plugins/fake/${NAME}.ts`, imports: "../../server/core/index.js", allowed: false },
  { as: `plugins/sdk/${NAME}.ts`, imports: "../../server/telemetry/index.js", allowed: false },
  { as: `common/${NAME}.ts`, imports: "../server/core/store.js", allowed: false },
  { as: `common/${NAME}.ts`, imports: "../plugins/sdk/serve.js", allowed: false },
  { as: `common/${NAME}.ts`, imports: "../clients/typescript/index.js", allowed: false },
  { as: `common/${NAME}.ts`, imports: "../test/lib/harness.js", allowed: false },
  { as: `server/scheduler/${NAME}.ts`, imports: "../../sim/harness.js", allowed: false },
  { as: `sim/${NAME}.ts`, imports: "../server/scheduler/scheduler.js", allowed: true },
  { as: `server/scheduler/pool/${NAME}.ts`, imports: "../../../gen/ts/standby/v1/standby.js", allowed: false },
  { as: `server/scheduler/${NAME}.ts`, imports: "../store/index.js", allowed: false },
  { as: `server/scheduler/${NAME}.ts`, imports: "../plugin-host/index.js", allowed: false },
  { as: `server/scheduler/${NAME}.ts`, imports: "@grpc/grpc-js", allowed: false, rule: "no-restricted-imports" },
  { as: `server/scheduler/claims/${NAME}.ts`, imports: "drizzle-orm", allowed: false, rule: "no-restricted-imports" },
  { as: `server/scheduler/${NAME}.ts`, imports: "../core/store.js", allowed: true },
  { as: `plugins/fake/${NAME}.ts`, imports: "../../common/errors.js", allowed: true },
  { as: `server/plugin-host/${NAME}.ts`, imports: "../../common/handshake.js", allowed: true },
  { as: `common/${NAME}.ts`, imports: "./errors.js", allowed: true },
];

const eslint = new ESLint({
  cwd: root,
  overrideConfig: [{ files: [`**/${NAME}.ts`], ...tseslint.configs.disableTypeChecked }],
});

const failures = [];
for (const fixture of FIXTURES) {
  const code = `import * as imported from "${fixture.imports}";\nexport const used = imported;\n`;
  const [result] = await eslint.lintText(code, { filePath: path.join(root, fixture.as) });
  const messages = result?.messages ?? [];
  const fatal = messages.filter((m) => m.fatal);
  const rule = fixture.rule ?? RULE;
  const reported = messages.some((m) => m.ruleId === rule);
  const what = `${fixture.as} importing ${fixture.imports}`;
  if (fatal.length > 0) failures.push(`${what}: could not be linted: ${fatal.map((m) => m.message).join("; ")}`);
  else if (!fixture.allowed && !reported) failures.push(`${what}: crosses a boundary, but ${rule} did not report it`);
  else if (fixture.allowed && messages.some((m) => m.ruleId === RULE || m.ruleId === "no-restricted-imports"))
    failures.push(`${what}: is allowed, but it was reported`);
}

if (failures.length > 0) {
  console.error(`check-boundaries: the layer rule does not hold:\n  ${failures.join("\n  ")}`);
  process.exit(1);
}
console.log(`check-boundaries: ${FIXTURES.length} fixtures, every import across a boundary reported`);
