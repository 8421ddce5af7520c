import type { HoldRuleConfig } from "../config/holds.js";
import { expressionProblem, patternProblem } from "../config/holds.js";
import type { Clock } from "../../common/clock.js";
import { StandbyError } from "../../common/errors.js";
import type { HoldRuleRecord, HoldStore } from "../core/holds.js";
import type { Logger } from "../../common/log.js";
import type { Random } from "../../common/random.js";
import type { ClaimRecord, NodeRecord } from "../core/store.js";
import { evaluateLabelExpression, parseLabelExpression, type LabelExpression } from "./label-expression.js";

/** What an operator gives to add a rule through the API. */
export interface HoldRuleInput {
  /** "" = make one up. */
  name: string;
  labelExpression: string;
  requester: string;
  jobNamePattern: string;
  count: number;
  durationMs: number;
  reason: string;
  createdBy: string;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
/** Rules from the configuration file are stored under this prefix, so no API name can take theirs. */
export const CONFIG_RULE_PREFIX = "config/";

/**
 * Autohold rules, Zuul style: a failed job whose claim matches a rule (a
 * label expression over its nodes' tags, the requester, a regular expression
 * on the job name) has its nodes held, until the rule has fired `count`
 * times. Rules come from the configuration file and from the API; both live
 * in the store with their fire counts, so a restart (or another replica)
 * never resets a count, and firing is a compare-and-set there.
 */
export class AutoholdRules {
  private readonly expressions = new Map<string, LabelExpression | undefined>();
  private readonly patterns = new Map<string, RegExp | undefined>();

  constructor(
    private readonly store: HoldStore,
    private readonly clock: Clock,
    private readonly random: Random,
    private readonly logger: Logger,
  ) {}

  /** Makes the stored config rules those of the file (fire counts kept by name). */
  async sync(rules: HoldRuleConfig[]): Promise<void> {
    const now = this.clock.now();
    await this.store.syncConfigRules(
      rules.map((r) => ({
        id: `${CONFIG_RULE_PREFIX}${r.name}`,
        source: "config",
        labelExpression: r.labels,
        requester: r.requester,
        jobNamePattern: r.jobName,
        maxCount: r.count,
        fired: 0,
        durationMs: r.duration,
        reason: r.reason,
        createdBy: "configuration",
        createdAt: now,
      })),
    );
  }

  /**
   * The first rule (oldest first) that matches the failed claim and still
   * has a firing left, with that firing counted; undefined if none.
   */
  async fire(claim: ClaimRecord, nodes: NodeRecord[]): Promise<HoldRuleRecord | undefined> {
    for (const rule of await this.store.listRules()) {
      if (rule.fired >= rule.maxCount || !this.matches(rule, claim, nodes)) continue;
      if (await this.store.fireRule(rule.id)) {
        this.logger.info(
          { rule: rule.id, claim: claim.id, job: claim.jobName, fired: rule.fired + 1, count: rule.maxCount },
          "autohold rule fired",
        );
        return { ...rule, fired: rule.fired + 1 };
      }
    }
    return undefined;
  }

  /** Takes back a firing whose hold did not happen. */
  unfire(ruleId: string): Promise<void> {
    return this.store.unfireRule(ruleId);
  }

  matches(rule: HoldRuleRecord, claim: ClaimRecord, nodes: NodeRecord[]): boolean {
    if (rule.requester !== "" && rule.requester !== claim.requester) return false;
    if (rule.jobNamePattern !== "") {
      const pattern = this.pattern(rule.jobNamePattern);
      if (!pattern || !pattern.test(claim.jobName)) return false;
    }
    if (rule.labelExpression.trim() !== "") {
      const expression = this.expression(rule.labelExpression);
      if (!expression || !nodes.some((n) => evaluateLabelExpression(expression, new Set(n.tags)))) return false;
    }
    return true;
  }

  async create(input: HoldRuleInput, maxDurationMs: number): Promise<HoldRuleRecord> {
    const name = input.name === "" ? this.random.id("rule") : input.name;
    if (!NAME.test(name) || name.length > 128)
      throw StandbyError.invalidArgument("name", "use up to 128 letters, digits, '.', '_' and '-' (starting with a letter or digit)");
    const expressionError = expressionProblem(input.labelExpression);
    if (expressionError) throw StandbyError.invalidArgument("label_expression", `${expressionError} in "${input.labelExpression}"`);
    const patternError = patternProblem(input.jobNamePattern);
    if (patternError) throw StandbyError.invalidArgument("job_name_pattern", patternError);
    if (!Number.isInteger(input.count) || input.count < 1) throw StandbyError.invalidArgument("count", "at least 1");
    if (input.durationMs > maxDurationMs)
      throw StandbyError.invalidArgument("duration_seconds", `at most ${maxDurationMs / 1000} (holds.maxDuration)`);
    if (input.requester.length > 255) throw StandbyError.invalidArgument("requester", "at most 255 characters");
    if (input.reason.length > 1024) throw StandbyError.invalidArgument("reason", "at most 1024 characters");
    const rule: HoldRuleRecord = {
      id: name,
      source: "api",
      labelExpression: input.labelExpression,
      requester: input.requester,
      jobNamePattern: input.jobNamePattern,
      maxCount: input.count,
      fired: 0,
      durationMs: input.durationMs,
      reason: input.reason,
      createdBy: input.createdBy,
      createdAt: this.clock.now(),
    };
    if (!(await this.store.createRule(rule)))
      throw new StandbyError("already-exists", `a hold rule named ${name} exists`, { field: "name" });
    this.logger.info({ rule: rule.id, by: rule.createdBy, count: rule.maxCount }, "autohold rule added");
    return rule;
  }

  list(): Promise<HoldRuleRecord[]> {
    return this.store.listRules();
  }

  async delete(id: string, by: string): Promise<void> {
    const rule = await this.store.getRule(id);
    if (!rule) throw new StandbyError("not-found", `no hold rule ${id}`);
    if (rule.source === "config")
      throw new StandbyError("failed-precondition", `hold rule ${id} comes from the configuration file; remove it there`);
    await this.store.deleteRule(id);
    this.logger.info({ rule: id, by }, "autohold rule deleted");
  }

  private expression(text: string): LabelExpression | undefined {
    if (!this.expressions.has(text)) {
      try {
        this.expressions.set(text, parseLabelExpression(text));
      } catch {
        // Validated when the rule was made; a stored one that no longer parses matches nothing.
        this.expressions.set(text, undefined);
      }
    }
    return this.expressions.get(text);
  }

  private pattern(text: string): RegExp | undefined {
    if (!this.patterns.has(text)) {
      try {
        this.patterns.set(text, new RegExp(text));
      } catch {
        this.patterns.set(text, undefined);
      }
    }
    return this.patterns.get(text);
  }
}
