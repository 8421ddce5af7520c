export {
  createClient,
  statusName,
  StandbyClientError,
  DEFAULT_ADDRESS,
  DEFAULT_DEADLINE_MS,
  type StandbyClient,
  type ClientOptions,
  type CallOpts,
} from "./client.js";
