import type { Config, LabelConfig, ProviderConfig, TemplateConfig } from "../config/schema.js";
import { StandbyError } from "../../common/errors.js";
import type { Slot } from "../core/store.js";
import { evaluateLabelExpression, LabelExpressionError, parseLabelExpression } from "./label-expression.js";

export interface LabelEntry {
  name: string;
  /** The label's own name plus its configured tags. */
  tags: ReadonlySet<string>;
  config: LabelConfig;
  templates: TemplateConfig[];
}

/**
 * The configured labels, providers and templates, with the label-expression
 * matching the claim path needs (cached per expression text: a CI farm asks
 * the same few expressions all day).
 */
export class Catalog {
  readonly labels = new Map<string, LabelEntry>();
  readonly providers = new Map<string, ProviderConfig>();
  private readonly matches = new Map<string, Slot>();

  constructor(readonly config: Config) {
    for (const p of config.providers) this.providers.set(p.name, p);
    for (const l of config.labels) {
      this.labels.set(l.name, {
        name: l.name,
        tags: new Set([l.name, ...l.tags]),
        config: l,
        templates: config.templates.filter((t) => t.label === l.name),
      });
    }
  }

  /**
   * The labels whose nodes satisfy the expression. A node's tags are its
   * label's plus its provider's (and template's) extra tags, so a label may
   * fit only on some of its providers: those are named in `providers`.
   * Throws invalid-argument (naming the field and position) for a malformed
   * expression.
   */
  match(expression: string, field: string): Slot {
    const cached = this.matches.get(expression);
    if (cached) return cached;
    let parsed;
    try {
      parsed = parseLabelExpression(expression);
    } catch (err) {
      if (err instanceof LabelExpressionError) throw StandbyError.invalidArgument(field, `${err.message} in "${expression}"`);
      throw err;
    }
    const slot: Slot = { labels: [] };
    for (const label of this.labels.values()) {
      if (label.templates.length === 0) {
        if (evaluateLabelExpression(parsed, label.tags)) slot.labels.push(label.name);
        continue;
      }
      const fits = label.templates
        .filter((t) => evaluateLabelExpression(parsed, new Set(this.nodeTags(label.name, t.provider))))
        .map((t) => t.provider);
      if (fits.length === 0) continue;
      slot.labels.push(label.name);
      if (fits.length < label.templates.length) (slot.providers ??= {})[label.name] = fits;
    }
    if (this.matches.size > 10_000) this.matches.clear();
    this.matches.set(expression, slot);
    return slot;
  }

  /** Whether the provider's nodes of the label fit the slot. */
  fits(slot: Slot, label: string, provider: string): boolean {
    return (
      slot.labels.includes(label) && this.template(label, provider) !== undefined && (slot.providers?.[label]?.includes(provider) ?? true)
    );
  }

  /** The providers that can make a node for the slot. */
  makers(slot: Slot): Set<string> {
    return new Set(
      slot.labels.flatMap((l) => (this.labels.get(l)?.templates ?? []).map((t) => t.provider).filter((p) => this.fits(slot, l, p))),
    );
  }

  template(label: string, provider: string): TemplateConfig | undefined {
    return this.labels.get(label)?.templates.find((t) => t.provider === provider);
  }

  /** The tags a node of this label made by this provider carries. */
  nodeTags(label: string, provider: string): string[] {
    const entry = this.labels.get(label);
    const tags = new Set(entry?.tags ?? [label]);
    for (const t of this.providers.get(provider)?.extraTags ?? []) tags.add(t);
    for (const t of this.template(label, provider)?.extraTags ?? []) tags.add(t);
    return [...tags];
  }
}
