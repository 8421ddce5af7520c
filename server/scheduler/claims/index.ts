export { ClaimService, type ClaimServiceDeps } from "./service.js";
export { ClaimQueue, effectivePriority } from "./queue.js";
export { ClaimWatches } from "./watches.js";
export type * from "./types.js";
export { isProgressEvent } from "./types.js";
