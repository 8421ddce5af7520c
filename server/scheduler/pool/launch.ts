import type { TemplateConfig } from "../../config/schema.js";
import {
  ENDING_NODE_STATES,
  PENDING_NODE_STATES,
  type Clock,
  type Logger,
  type NodeRecord,
  type NodeState,
  type Random,
} from "../../core/index.js";
import type { NodeAccess } from "../../core/node-access.js";
import type { Catalog } from "../catalog.js";
import type { LaunchReporter } from "../launch-reporter.js";
import { messageOf, NodeFailure, reasonOf, type NodeDriver } from "../nodes/driver.js";
import type { Signal } from "../signal.js";
import type { Deleter } from "./deletion.js";
import { QUOTA_REFUSAL, type LaunchFailures } from "./failures.js";
import type { Pauses } from "./pauses.js";

/**
 * What a launch boots from, when images are resolved at launch time (image
 * families, selectors, template caches): server/scheduler/images.
 */
export interface LaunchImages {
  /** The image when it needs no lookup ("" otherwise: resolved when the launch starts). */
  immediateImage(template: TemplateConfig | undefined): string;
  resolveLaunch(template: TemplateConfig): Promise<string>;
  /** The setup script a boot of the template on that image runs. */
  setupFor(template: TemplateConfig | undefined, image: string): string;
}

export interface LauncherDeps {
  driver: NodeDriver;
  deleter: Deleter;
  clock: Clock;
  random: Random;
  logger: Logger;
  catalog: () => Catalog;
  /** Resolves images at launch; without it a template's image is used as written. */
  images: LaunchImages | undefined;
  access: NodeAccess | undefined;
  /** Timelines of waiting claims, traces and metrics. */
  reporter: LaunchReporter;
  failures: LaunchFailures;
  pauses: Pauses;
  /** A pool node became ready: claims may be served. */
  nodeReady: Signal<void>;
  /** A launch for the label started on a provider (for claim progress). */
  launching: Signal<{ label: string; provider: string }>;
  poolWanted: Signal<boolean>;
}

/**
 * Launches pool nodes: resolves the image, boots through the node driver,
 * runs the template's ready check and hands the node to the pool. A node
 * that fails is counted against its provider (failures.ts, pauses.ts) and
 * deleted.
 */
export class Launcher {
  constructor(private readonly deps: LauncherDeps) {}

  newNode(label: string, provider: string, now: number): NodeRecord {
    const { catalog, images } = this.deps;
    const template = catalog().template(label, provider);
    return this.deps.driver.record(
      {
        id: this.deps.random.id("n"),
        purpose: "pool",
        label,
        provider,
        tags: catalog().nodeTags(label, provider),
        image: images ? images.immediateImage(template) : (template?.image ?? ""),
        flavor: template?.flavor ?? "",
      },
      now,
    );
  }

  /** Writes new nodes (launching) and starts driving them. */
  async start(nodes: NodeRecord[]): Promise<void> {
    await this.deps.driver.insert(nodes, this.deps.reporter.started(nodes));
    for (const node of nodes) {
      this.deps.launching.emit({ label: node.label, provider: node.provider });
      void this.drive(node);
    }
  }

  /** Moves a node on from wherever it stands (launch, or deletion of a released or failed one); one driver per node at a time. */
  drive(node: NodeRecord): Promise<void> {
    if (ENDING_NODE_STATES.includes(node.state)) return this.deps.deleter.drive(node);
    const { driver, reporter, logger } = this.deps;
    return driver.exclusive(node.id, () =>
      reporter.observer
        .inLaunch(node, () => this.launch(node))
        .catch((err: unknown) => logger.error({ err, node: node.id }, "node driver failed")),
    );
  }

  private deadline(node: NodeRecord): number {
    const p = this.deps.catalog().providers.get(node.provider);
    return node.createdAt + (p?.bootTimeout ?? 600_000) + (p?.readyTimeout ?? 300_000);
  }

  private async launch(node: NodeRecord): Promise<void> {
    if (!PENDING_NODE_STATES.includes(node.state)) return;
    const { driver, images, access, reporter, clock } = this.deps;
    const template = this.deps.catalog().template(node.label, node.provider);
    if (node.state === "launching" && !node.image && images && template) {
      // The newest good image at the moment of the launch, written down before the boot
      // so every retry of the boot (also after a restart) asks for the same one.
      try {
        const wanted = template.family
          ? `family ${template.family}`
          : template.imageSelector
            ? `selector ${JSON.stringify(template.imageSelector)}`
            : (template.image ?? "");
        const image = await reporter.observer.inImageResolution({ label: node.label, provider: node.provider, image: wanted }, () =>
          images.resolveLaunch(template),
        );
        if (!(await driver.patch(node, { image }))) return;
      } catch (err) {
        return this.fail(node, "image", messageOf(err));
      }
    }
    const spec = {
      nodeId: node.id,
      label: node.label,
      image: node.image || (template?.image ?? ""),
      flavor: template?.flavor ?? node.flavor,
      setupScript: images ? images.setupFor(template, node.image) : (template?.setupScript ?? ""),
      networks: template?.networks ?? [],
      sshPublicKeys: access ? [access.publicKey()] : [],
      tags: { "standby-label": node.label },
    };
    const booted = await driver.boot(node, spec, this.deadline(node), (err) => {
      this.deps.logger.warn({ node: node.id, provider: node.provider, err: messageOf(err) }, "boot failed, will retry");
      driver.note(reporter.retrying(node, reasonOf(err), messageOf(err)));
    });
    if (booted instanceof NodeFailure) return this.fail(node, booted.reason, booted.message);
    if (!booted) return;
    if (node.state === "booted" && !(await driver.move(node, ["booted"], "checking"))) return;
    if (node.state !== "checking") return;
    let hostKeys = node.hostKeys;
    if (access && template?.readyCheck !== false) {
      const timeoutMs = Math.max(1_000, this.deadline(node) - clock.now());
      const checked = await driver.readyCheck(node, template?.readyScript ?? "true", Math.min(timeoutMs, 120_000));
      if (checked instanceof NodeFailure) return this.fail(node, checked.reason, checked.message);
      hostKeys = checked;
    }
    const events = reporter.ready(node);
    if (!(await driver.move(node, ["checking"], "ready", { hostKeys }, events))) return;
    node.readyAt = node.stateChangedAt;
    this.deps.failures.succeeded(node.label, node.provider);
    this.deps.pauses.succeeded(node.provider);
    this.deps.nodeReady.emit();
  }

  /** A node failed while being handed to a claim: fail and replace it. */
  failHandover(node: NodeRecord, message: string): Promise<void> {
    return this.deps.driver.exclusive(node.id, () => this.fail({ ...node, state: "claimed" }, "handover", message));
  }

  /** A ready or claimed node whose instance is gone from the provider: fail and replace it. */
  vanished(node: NodeRecord): Promise<void> {
    return this.deps.driver.exclusive(node.id, () => this.fail(node, "instance-vanished", "the instance is gone from the provider"));
  }

  /** Marks a node failed (counted against its provider) and deletes it. */
  private async fail(node: NodeRecord, reason: string, message: string): Promise<void> {
    const now = this.deps.clock.now();
    // Launch retries per provider and label, then the next provider. A quota refusal is no
    // failure of the provider: it pauses it instead (listed, but not held against it).
    this.deps.failures.record({ provider: node.provider, label: node.label, reason, message, nodeId: node.id, at: now });
    if (reason === QUOTA_REFUSAL) this.deps.pauses.refused(node.provider, message);
    this.deps.logger.warn({ node: node.id, provider: node.provider, label: node.label, reason, message }, "launch failed");
    const from: NodeState[] = ["launching", "booted", "checking", "ready", "claimed"];
    const events = this.deps.reporter.failed(node, reason, message);
    if (!(await this.deps.driver.move(node, from, "failed", { failureReason: `${reason}: ${message}` }, events))) return;
    await this.deps.deleter.flow(node);
    this.deps.poolWanted.emit(false);
  }
}
