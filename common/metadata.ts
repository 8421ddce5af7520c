/**
 * Trailing metadata naming the request field at fault of an INVALID_ARGUMENT
 * (e.g. "label_expressions[1]", "settings.bootLatencyMs"). The same key on
 * both wires: a plugin's answer to the scheduler, and the scheduler's API
 * answer to its clients.
 */
export const ERROR_FIELD_METADATA_KEY = "x-standby-error-field";
