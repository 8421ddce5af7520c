/**
 * Jenkins label expressions, evaluated against a tag set.
 *
 * Precedence, loosest first: `<->` (iff), `->` (implies, right-associative),
 * `||`, `&&`, `!`; parentheses group; an atom is a bare tag (anything but
 * white space, quotes, parentheses, `!`, `&`, `|`, `<`, `>` and the sequence
 * `->`) or a double-quoted string with backslash escapes.
 */
export type LabelExpression =
  | { kind: "tag"; name: string }
  | { kind: "not"; operand: LabelExpression }
  | { kind: "and" | "or" | "implies" | "iff"; left: LabelExpression; right: LabelExpression };

export class LabelExpressionError extends Error {
  override readonly name = "LabelExpressionError";
  /** 1-based column of the offending character. */
  readonly position: number;

  constructor(message: string, position: number) {
    super(`${message} at position ${position}`);
    this.position = position;
  }
}

type Token =
  | { type: "tag"; value: string; pos: number }
  | { type: "op"; value: "&&" | "||" | "!" | "->" | "<->" | "(" | ")"; pos: number }
  | { type: "end"; pos: number };

const OPERATORS = ["<->", "->", "&&", "||", "!", "(", ")"] as const;
const NOT_IN_BARE_TAG = /[\s"'()!&|<>]/;

function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const ch = input[i] as string;
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    const op = OPERATORS.find((o) => input.startsWith(o, i));
    if (op) {
      tokens.push({ type: "op", value: op, pos: i + 1 });
      i += op.length;
      continue;
    }
    if (ch === '"') {
      const start = i;
      let value = "";
      i++;
      for (;;) {
        if (i >= input.length) throw new LabelExpressionError("unterminated quoted name", start + 1);
        const c = input[i] as string;
        if (c === "\\" && i + 1 < input.length) {
          value += input[i + 1];
          i += 2;
        } else if (c === '"') {
          i++;
          break;
        } else {
          value += c;
          i++;
        }
      }
      if (value === "") throw new LabelExpressionError("empty quoted name", start + 1);
      tokens.push({ type: "tag", value, pos: start + 1 });
      continue;
    }
    if (ch === "&" || ch === "|" || ch === "<" || ch === ">" || ch === "'") {
      throw new LabelExpressionError(`unexpected "${ch}"`, i + 1);
    }
    const start = i;
    while (i < input.length && !NOT_IN_BARE_TAG.test(input[i] as string) && !input.startsWith("->", i)) i++;
    tokens.push({ type: "tag", value: input.slice(start, i), pos: start + 1 });
  }
  tokens.push({ type: "end", pos: input.length + 1 });
  return tokens;
}

export function parseLabelExpression(input: string): LabelExpression {
  const tokens = tokenize(input);
  let at = 0;
  const peek = (): Token => tokens[at] as Token;
  const isOp = (value: string): boolean => {
    const t = peek();
    return t.type === "op" && t.value === value;
  };
  const describe = (t: Token): string => (t.type === "end" ? "end of expression" : `"${t.value}"`);

  const binary =
    (op: "<->" | "->" | "||" | "&&", kind: "iff" | "implies" | "or" | "and", next: () => LabelExpression) => (): LabelExpression => {
      let left = next();
      while (isOp(op)) {
        at++;
        left = { kind, left, right: next() };
      }
      return left;
    };

  const unary = (): LabelExpression => {
    const t = peek();
    if (t.type === "op" && t.value === "!") {
      at++;
      return { kind: "not", operand: unary() };
    }
    if (t.type === "op" && t.value === "(") {
      at++;
      const inner = iff();
      const close = peek();
      if (!(close.type === "op" && close.value === ")")) {
        throw new LabelExpressionError(`expected ")" but found ${describe(close)}`, close.pos);
      }
      at++;
      return inner;
    }
    if (t.type === "tag") {
      at++;
      return { kind: "tag", name: t.value };
    }
    throw new LabelExpressionError(`expected a label but found ${describe(t)}`, t.pos);
  };
  const and = binary("&&", "and", unary);
  const or = binary("||", "or", and);
  // Right-associative: a -> b -> c is a -> (b -> c).
  const implies = (): LabelExpression => {
    const left = or();
    if (isOp("->")) {
      at++;
      return { kind: "implies", left, right: implies() };
    }
    return left;
  };
  const iff = binary("<->", "iff", implies);

  if (peek().type === "end") throw new LabelExpressionError("empty expression", 1);
  const expr = iff();
  const rest = peek();
  if (rest.type !== "end") throw new LabelExpressionError(`unexpected ${describe(rest)}`, rest.pos);
  return expr;
}

export function evaluateLabelExpression(expr: LabelExpression, tags: ReadonlySet<string>): boolean {
  switch (expr.kind) {
    case "tag":
      return tags.has(expr.name);
    case "not":
      return !evaluateLabelExpression(expr.operand, tags);
    case "and":
      return evaluateLabelExpression(expr.left, tags) && evaluateLabelExpression(expr.right, tags);
    case "or":
      return evaluateLabelExpression(expr.left, tags) || evaluateLabelExpression(expr.right, tags);
    case "implies":
      return !evaluateLabelExpression(expr.left, tags) || evaluateLabelExpression(expr.right, tags);
    case "iff":
      return evaluateLabelExpression(expr.left, tags) === evaluateLabelExpression(expr.right, tags);
  }
}

/** Canonical text of an expression (fully parenthesised), for logs and tests. */
export function formatLabelExpression(expr: LabelExpression): string {
  switch (expr.kind) {
    case "tag":
      return /^[^\s"'()!&|<>]+$/.test(expr.name) && !expr.name.includes("->") ? expr.name : JSON.stringify(expr.name);
    case "not":
      return `!${formatLabelExpression(expr.operand)}`;
    default: {
      const op = { and: "&&", or: "||", implies: "->", iff: "<->" }[expr.kind];
      return `(${formatLabelExpression(expr.left)} ${op} ${formatLabelExpression(expr.right)})`;
    }
  }
}
