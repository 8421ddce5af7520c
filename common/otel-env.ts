/**
 * What the standard OTEL_* environment variables ask of tracing. Unlike the
 * SDK's own defaults (which export OTLP to localhost when nothing is set),
 * standby exports nothing unless asked: by OTEL_TRACES_EXPORTER, or by an
 * OTLP endpoint (which implies the otlp exporter). Plugins inherit these
 * variables and read them with this same function.
 */
export type TraceExporterName = "otlp" | "console";

export interface TracingSettings {
  /** Empty: tracing is off. */
  exporters: TraceExporterName[];
  /** Batching of finished spans before export (OTEL_BSP_*). */
  batch: { scheduledDelayMillis?: number; maxQueueSize?: number; maxExportBatchSize?: number; exportTimeoutMillis?: number };
  /** Settings that were ignored, and why; for the log. */
  warnings: string[];
}

const KNOWN: readonly string[] = ["otlp", "console"];

export function tracingSettings(env: NodeJS.ProcessEnv): TracingSettings {
  const warnings: string[] = [];
  const batch = batchSettings(env, warnings);
  if (/^(true|1)$/i.test(env.OTEL_SDK_DISABLED?.trim() ?? "")) return { exporters: [], batch, warnings };
  let names: string[];
  const listed = env.OTEL_TRACES_EXPORTER?.trim();
  if (listed) {
    names = listed
      .split(",")
      .map((n) => n.trim().toLowerCase())
      .filter((n) => n !== "");
    if (names.includes("none")) return { exporters: [], batch, warnings };
    for (const n of names)
      if (!KNOWN.includes(n)) warnings.push(`OTEL_TRACES_EXPORTER: "${n}" is not supported (use otlp, console or none); ignored`);
    names = names.filter((n) => KNOWN.includes(n));
  } else {
    names = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim() || env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim() ? ["otlp"] : [];
  }
  if (names.includes("otlp")) {
    const protocol = (env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? env.OTEL_EXPORTER_OTLP_PROTOCOL ?? "").trim().toLowerCase();
    if (protocol === "grpc") {
      warnings.push("OTEL_EXPORTER_OTLP_PROTOCOL=grpc is not supported (standby exports OTLP over HTTP); the otlp exporter is off");
      names = names.filter((n) => n !== "otlp");
    } else if (protocol !== "" && protocol !== "http/json" && protocol !== "http/protobuf") {
      warnings.push(`OTEL_EXPORTER_OTLP_PROTOCOL: "${protocol}" is not supported; exporting OTLP over HTTP (JSON)`);
    }
  }
  return { exporters: [...new Set(names)] as TraceExporterName[], batch, warnings };
}

function batchSettings(env: NodeJS.ProcessEnv, warnings: string[]): TracingSettings["batch"] {
  const batch: TracingSettings["batch"] = {};
  const read = (name: string, key: keyof TracingSettings["batch"]) => {
    const raw = env[name]?.trim();
    if (!raw) return;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 0) warnings.push(`${name}: "${raw}" is not a whole number ≥ 0; ignored`);
    else batch[key] = n;
  };
  read("OTEL_BSP_SCHEDULE_DELAY", "scheduledDelayMillis");
  read("OTEL_BSP_MAX_QUEUE_SIZE", "maxQueueSize");
  read("OTEL_BSP_MAX_EXPORT_BATCH_SIZE", "maxExportBatchSize");
  read("OTEL_BSP_EXPORT_TIMEOUT", "exportTimeoutMillis");
  return batch;
}
