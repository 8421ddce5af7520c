// ESLint flat config (eslint 10). Type-aware typescript-eslint rules on the
// TypeScript sources; plain recommended rules on the .js/.mjs scripts.
// Generated code (gen/) and build output (dist/) are not linted.
import js from "@eslint/js";
import { createNodeResolver, importX } from "eslint-plugin-import-x";
import tseslint from "typescript-eslint";

const SOURCES = ["{common,server,plugins,clients,sim,test,bench}/**/*.ts"];

// The layers (docs/architecture.md, "Rules the code keeps"): server/ and
// plugins/ both stand on common/ and never import each other; common/ stands
// on nothing of ours but the generated code. scripts/check-boundaries.mjs
// proves in `npm run lint` that a violation is reported.
export const BOUNDARY_ZONES = [
  { target: "./server", from: "./plugins", message: "server/ never imports plugins/: move what both need to common/." },
  {
    target: "./plugins",
    from: "./server",
    message: "plugins never import server/: what they need lives in common/ (plugins/sdk re-exports it).",
  },
  {
    target: "./server",
    from: "./sim",
    message: "server/ never imports sim/: the simulator stands on the scheduler, not the other way round.",
  },
  {
    target: "./server/scheduler",
    from: ["./gen", "./server/store", "./server/plugin-host", "./server/api", "./server/telemetry", "./server/ssh"],
    message:
      "the scheduler core sees interfaces only (server/core, common/): never the store, plugin host, API, telemetry, SSH or generated code.",
  },
  {
    target: "./common",
    from: ["./server", "./plugins", "./clients", "./sim", "./test", "./bench"],
    message: "common/ stands under server/ and plugins/ and imports neither (nor clients/, sim/, test/).",
  },
];

/** Packages the scheduler core never imports: the gRPC, SQL and telemetry libraries live behind its interfaces. */
export const SCHEDULER_FORBIDDEN_PACKAGES = [
  {
    group: ["@grpc/*", "drizzle-orm", "drizzle-orm/*", "better-sqlite3", "mysql2", "mysql2/*", "@opentelemetry/*", "ssh2"],
    message: "the scheduler core sees interfaces only: this library belongs behind one (server/core, common/).",
  },
];

export default tseslint.config(
  {
    ignores: ["gen/**", "dist/**", "node_modules/**", ".standby/**", "tmp/**"],
  },
  {
    files: ["**/*.{js,mjs,cjs}"],
    ...js.configs.recommended,
    languageOptions: {
      ecmaVersion: 2023,
      sourceType: "module",
      globals: {
        console: "readonly",
        process: "readonly",
        Buffer: "readonly",
        URL: "readonly",
        setTimeout: "readonly",
        clearTimeout: "readonly",
      },
    },
  },
  {
    files: SOURCES,
    extends: [js.configs.recommended, ...tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    plugins: { "import-x": importX },
    settings: {
      // Without these, import-x skips .ts files when it follows imports, and
      // no-cycle silently finds nothing.
      "import-x/extensions": [".ts", ".js", ".mjs"],
      "import-x/parsers": { "@typescript-eslint/parser": [".ts"] },
      "import-x/external-module-folders": ["node_modules", "node_modules/@types"],
      // Sources import "./x.js" for "./x.ts" (NodeNext); resolve it like tsc does.
      "import-x/resolver-next": [
        createNodeResolver({
          extensions: [".ts", ".js", ".mjs", ".json", ".node"],
          extensionAlias: { ".js": [".ts", ".js"] },
          conditionNames: ["types", "import", "node", "default"],
        }),
      ],
    },
    rules: {
      // The reasons this config exists.
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": "error",
      "import-x/no-cycle": ["error", { ignoreExternal: true }],
      "import-x/no-restricted-paths": ["error", { basePath: import.meta.dirname, zones: BOUNDARY_ZONES }],

      // Unused code is an error, except deliberate `_`-prefixed placeholders.
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none", ignoreRestSiblings: true },
      ],
      // `${n}` with numbers, booleans and null/undefined (in messages) is
      // fine; objects and `any` still are not.
      "@typescript-eslint/restrict-template-expressions": ["error", { allowNumber: true, allowBoolean: true, allowNullish: true }],
      // Relaxed as noise: a redundant `as T` is harmless, and it fires on
      // every narrowing the author chose to spell out.
      "@typescript-eslint/no-unnecessary-type-assertion": "off",
      // Async functions without await are common in interface implementations
      // (a Provider method that happens to be synchronous).
      "@typescript-eslint/require-await": "off",
      // Sort of noise: `x!` after a check the compiler cannot follow.
      "@typescript-eslint/no-non-null-assertion": "off",
    },
  },
  {
    // The scheduler core depends on interfaces, not on the libraries behind them.
    files: ["server/scheduler/**/*.ts"],
    rules: {
      "no-restricted-imports": ["error", { patterns: SCHEDULER_FORBIDDEN_PACKAGES }],
    },
  },
);
