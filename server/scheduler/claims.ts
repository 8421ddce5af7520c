/** The claims side of the scheduler lives in claims/; this path keeps older imports working. */
export * from "./claims/index.js";
