import { createServer } from "node:http";

/** A span as an OTLP/HTTP JSON export carries it, flattened with its service's name. */
export interface ReceivedSpan {
  service: string;
  traceId: string;
  spanId: string;
  /** "" for a root span. */
  parentSpanId: string;
  name: string;
  /** 1 internal, 2 server, 3 client. */
  kind: number;
  attributes: Record<string, unknown>;
  /** code: 0 unset, 1 ok, 2 error. */
  status: { code: number; message: string };
  events: { name: string; attributes: Record<string, unknown> }[];
  links: { traceId: string; spanId: string }[];
}

export interface OtlpReceiver {
  /** The base URL, for OTEL_EXPORTER_OTLP_ENDPOINT. */
  url: string;
  spans: ReceivedSpan[];
  /** Content types of the export requests, to check the protocol. */
  contentTypes: string[];
  close(): Promise<void>;
}

type AnyValue = {
  stringValue?: string;
  intValue?: number | string;
  boolValue?: boolean;
  doubleValue?: number;
  arrayValue?: { values?: AnyValue[] };
};
type KeyValue = { key: string; value?: AnyValue };

function value(v: AnyValue | undefined): unknown {
  if (!v) return undefined;
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.intValue !== undefined) return Number(v.intValue);
  if (v.boolValue !== undefined) return v.boolValue;
  if (v.doubleValue !== undefined) return v.doubleValue;
  if (v.arrayValue) return (v.arrayValue.values ?? []).map(value);
  return undefined;
}

function attributes(list: KeyValue[] | undefined): Record<string, unknown> {
  return Object.fromEntries((list ?? []).map((kv) => [kv.key, value(kv.value)]));
}

/** Ids are hex in OTLP JSON; accept base64 too, as some encoders send it. */
function id(raw: string | undefined, bytes: number): string {
  if (!raw) return "";
  if (new RegExp(`^[0-9a-f]{${bytes * 2}}$`).test(raw)) return raw;
  return Buffer.from(raw, "base64").toString("hex");
}

/**
 * An OTLP/HTTP receiver on loopback, as a collector would be: it takes
 * POST /v1/traces with JSON bodies (OTEL_EXPORTER_OTLP_PROTOCOL=http/json)
 * and keeps every span it is sent.
 */
export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const spans: ReceivedSpan[] = [];
  const contentTypes: string[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      contentTypes.push(String(req.headers["content-type"] ?? ""));
      if (req.method !== "POST" || req.url !== "/v1/traces" || !String(req.headers["content-type"]).includes("json")) {
        res.statusCode = 415;
        res.end();
        return;
      }
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as {
        resourceSpans?: { resource?: { attributes?: KeyValue[] }; scopeSpans?: { spans?: Record<string, unknown>[] }[] }[];
      };
      for (const rs of body.resourceSpans ?? []) {
        const name = attributes(rs.resource?.attributes)["service.name"];
        const service = typeof name === "string" ? name : "";
        for (const ss of rs.scopeSpans ?? []) {
          for (const s of ss.spans ?? []) {
            const status = (s.status ?? {}) as { code?: number; message?: string };
            spans.push({
              service,
              traceId: id(s.traceId as string, 16),
              spanId: id(s.spanId as string, 8),
              parentSpanId: id(s.parentSpanId as string | undefined, 8),
              name: String(s.name),
              kind: Number(s.kind ?? 0),
              attributes: attributes(s.attributes as KeyValue[]),
              status: { code: Number(status.code ?? 0), message: status.message ?? "" },
              events: ((s.events ?? []) as { name: string; attributes?: KeyValue[] }[]).map((e) => ({
                name: e.name,
                attributes: attributes(e.attributes),
              })),
              links: ((s.links ?? []) as { traceId: string; spanId: string }[]).map((l) => ({
                traceId: id(l.traceId, 16),
                spanId: id(l.spanId, 8),
              })),
            });
          }
        }
      }
      res.setHeader("content-type", "application/json");
      res.end("{}");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    spans,
    contentTypes,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
