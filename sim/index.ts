export { Sim, DEFAULT_CLAIM, type SimOptions, type SimProviderKnobs } from "./harness.js";
export { SimProviders, type SimProviderOptions, type SimProvidersOptions } from "./providers.js";
export { SimNodeAccess, type SimNodeAccessOptions } from "./node-access.js";
