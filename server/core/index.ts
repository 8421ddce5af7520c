export { StandbyError, isCode, type ErrorCode } from "./errors.js";
export { systemClock, ManualClock, type Clock, type Timer } from "./clock.js";
export { cryptoRandom, seededRandom, sha256, type Random } from "./random.js";
export * from "./states.js";
export * from "./provider.js";
export type * from "./store.js";
export type * from "./holds.js";
export { createLogger, silentLogger, type Logger } from "./log.js";
export * from "./images.js";
