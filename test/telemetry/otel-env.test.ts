import assert from "node:assert/strict";
import { tracingSettings } from "../../common/otel-env.js";
import { suite } from "../lib/harness.js";

const t = suite("tracing settings from OTEL_* variables");

t("nothing set: nothing exported (not the SDK's default of OTLP to localhost)", () => {
  assert.deepEqual(tracingSettings({}).exporters, []);
  assert.deepEqual(tracingSettings({ OTEL_SERVICE_NAME: "x", OTEL_EXPORTER_OTLP_PROTOCOL: "http/json" }).exporters, []);
});

t("an OTLP endpoint alone turns the otlp exporter on", () => {
  assert.deepEqual(tracingSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318" }).exporters, ["otlp"]);
  assert.deepEqual(tracingSettings({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "http://collector:4318/v1/traces" }).exporters, ["otlp"]);
});

t("OTEL_TRACES_EXPORTER picks exporters; none wins; unknown ones are named and ignored", () => {
  assert.deepEqual(tracingSettings({ OTEL_TRACES_EXPORTER: "console" }).exporters, ["console"]);
  assert.deepEqual(tracingSettings({ OTEL_TRACES_EXPORTER: " otlp , console,otlp" }).exporters, ["otlp", "console"]);
  assert.deepEqual(tracingSettings({ OTEL_TRACES_EXPORTER: "none", OTEL_EXPORTER_OTLP_ENDPOINT: "http://c:4318" }).exporters, []);
  const zipkin = tracingSettings({ OTEL_TRACES_EXPORTER: "zipkin,console" });
  assert.deepEqual(zipkin.exporters, ["console"]);
  assert.match(zipkin.warnings.join("\n"), /"zipkin" is not supported/);
});

t("OTEL_SDK_DISABLED turns everything off", () => {
  assert.deepEqual(tracingSettings({ OTEL_SDK_DISABLED: "true", OTEL_TRACES_EXPORTER: "console" }).exporters, []);
});

t("OTLP over gRPC is refused with a warning; HTTP with JSON or protobuf is exported as JSON", () => {
  const grpc = tracingSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://c:4317", OTEL_EXPORTER_OTLP_PROTOCOL: "grpc" });
  assert.deepEqual(grpc.exporters, []);
  assert.match(grpc.warnings.join("\n"), /grpc is not supported/);
  for (const protocol of ["http/json", "http/protobuf"]) {
    const s = tracingSettings({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://c:4318", OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: protocol });
    assert.deepEqual([s.exporters, s.warnings], [["otlp"], []]);
  }
});

t("batching comes from OTEL_BSP_*; a bad value is named and ignored", () => {
  const s = tracingSettings({ OTEL_BSP_SCHEDULE_DELAY: "250", OTEL_BSP_MAX_QUEUE_SIZE: "4096", OTEL_BSP_MAX_EXPORT_BATCH_SIZE: "lots" });
  assert.deepEqual(s.batch, { scheduledDelayMillis: 250, maxQueueSize: 4096 });
  assert.match(s.warnings.join("\n"), /OTEL_BSP_MAX_EXPORT_BATCH_SIZE: "lots"/);
});

t.run();
