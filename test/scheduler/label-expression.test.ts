import assert from "node:assert/strict";
import { suite } from "../lib/harness.js";
import {
  evaluateLabelExpression,
  formatLabelExpression,
  LabelExpressionError,
  parseLabelExpression,
} from "../../server/scheduler/label-expression.js";

const t = suite("label expressions");

const tags = new Set(["jammy", "py312", "x86_64", "rax", "ubuntu-jammy", "with space"]);

// [expression, canonical form, value against `tags`]
const valid: [string, string, boolean][] = [
  ["jammy", "jammy", true],
  ["noble", "noble", false],
  ["jammy && py312", "(jammy && py312)", true],
  ["jammy&&py312", "(jammy && py312)", true],
  ["jammy && noble", "(jammy && noble)", false],
  ["jammy || noble", "(jammy || noble)", true],
  ["!noble", "!noble", true],
  ["!!jammy", "!!jammy", true],
  ["a || b && c", "(a || (b && c))", false],
  ["(jammy || noble) && !arm64", "((jammy || noble) && !arm64)", true],
  ["noble -> arm64", "(noble -> arm64)", true],
  ["jammy -> arm64", "(jammy -> arm64)", false],
  ["a -> b -> c", "(a -> (b -> c))", true],
  ["jammy <-> rax", "(jammy <-> rax)", true],
  ["jammy <-> noble", "(jammy <-> noble)", false],
  ["a <-> b <-> c", "((a <-> b) <-> c)", false],
  ["jammy || noble -> arm64", "((jammy || noble) -> arm64)", false],
  ["ubuntu-jammy", "ubuntu-jammy", true],
  ['"with space" && jammy', '("with space" && jammy)', true],
  ['"quote \\" inside"', '"quote \\" inside"', false],
  ["  jammy  ", "jammy", true],
];

for (const [expr, canonical, value] of valid) {
  t(`parses ${JSON.stringify(expr)} as ${canonical} and evaluates it to ${value}`, () => {
    const parsed = parseLabelExpression(expr);
    assert.equal(formatLabelExpression(parsed), canonical);
    assert.equal(evaluateLabelExpression(parsed, tags), value);
  });
}

// [expression, 1-based position named in the error]
const invalid: [string, number][] = [
  ["", 1],
  ["   ", 1],
  ["jammy &&", 9],
  ["&& jammy", 1],
  ["jammy & py312", 7],
  ["jammy | py312", 7],
  ["(jammy", 7],
  ["jammy)", 6],
  ["jammy py312", 7],
  ["!", 2],
  ['"unterminated', 1],
  ['""', 1],
  ["a <- b", 3],
  ["a > b", 3],
  ["()", 2],
];

for (const [expr, position] of invalid) {
  t(`rejects ${JSON.stringify(expr)} naming position ${position}`, () => {
    assert.throws(
      () => parseLabelExpression(expr),
      (err: unknown) => err instanceof LabelExpressionError && err.position === position && err.message.includes(`position ${position}`),
    );
  });
}

t.run();
