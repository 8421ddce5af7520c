import type { Config, LabelConfig, ProviderConfig, TemplateConfig } from "../config/schema.js";
import { StandbyError } from "../core/errors.js";
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
  private readonly matches = new Map<string, string[]>();

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
   * The labels whose tag sets satisfy the expression. Throws invalid-argument
   * (naming the field and position) for a malformed expression.
   */
  match(expression: string, field: string): string[] {
    const cached = this.matches.get(expression);
    if (cached) return cached;
    let parsed;
    try {
      parsed = parseLabelExpression(expression);
    } catch (err) {
      if (err instanceof LabelExpressionError) throw StandbyError.invalidArgument(field, `${err.message} in "${expression}"`);
      throw err;
    }
    const labels = [...this.labels.values()].filter((l) => evaluateLabelExpression(parsed, l.tags)).map((l) => l.name);
    if (this.matches.size > 10_000) this.matches.clear();
    this.matches.set(expression, labels);
    return labels;
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
