import { SpanStatusCode, type Attributes, type Span } from "@opentelemetry/api";
import type { NodeAccess } from "../core/node-access.js";
import type { NodeRecord } from "../core/store.js";
import { ATTR } from "./claim-tracer.js";
import { inSpan } from "../../common/tracing.js";

/** NodeAccess with a span per ready check ("ready-check"), key injection ("inject-keys") and script run ("run-script", image builds). */
export class TracedNodeAccess implements NodeAccess {
  constructor(private readonly inner: NodeAccess) {}

  publicKey(): string {
    return this.inner.publicKey();
  }

  readyCheck(node: NodeRecord, script: string, timeoutMs: number): Promise<{ hostKey: string }> {
    return this.span("ready-check", node, { "standby.ready_check.timeout_ms": timeoutMs }, () =>
      this.inner.readyCheck(node, script, timeoutMs),
    );
  }

  injectKeys(node: NodeRecord, keys: string[], timeoutMs: number): Promise<void> {
    return this.span("inject-keys", node, { "standby.keys": keys.length }, () => this.inner.injectKeys(node, keys, timeoutMs));
  }

  run(
    node: NodeRecord,
    script: string,
    options: { env?: Record<string, string>; timeoutMs: number },
  ): Promise<{ code: number | null; output: string }> {
    // The script's environment may hold build secrets: only their names are recorded.
    return this.span("run-script", node, { "standby.script.env": Object.keys(options.env ?? {}) }, async (span) => {
      const result = await this.inner.run(node, script, options);
      span.setAttribute("process.exit.code", result.code ?? -1);
      if (result.code !== 0) span.setStatus({ code: SpanStatusCode.ERROR, message: `the script exited with ${result.code ?? "a signal"}` });
      return result;
    });
  }

  private span<T>(name: string, node: NodeRecord, attributes: Attributes, fn: (span: Span) => Promise<T>): Promise<T> {
    const nodeAttributes = {
      [ATTR.nodeId]: node.id,
      [ATTR.label]: node.label,
      [ATTR.provider]: node.provider,
      "server.address": node.addresses[0] ?? "",
    };
    return inSpan(name, { attributes: { ...nodeAttributes, ...attributes } }, fn);
  }
}
