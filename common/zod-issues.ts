/**
 * Names the field a validation issue (zod's, or anything shaped like one) is
 * about, the way errors name fields everywhere: `providers[0].settings`,
 * `settings.flavors[1].cores`. Kept free of zod itself: only the issue's
 * shape matters.
 */
export interface IssueLike {
  path: readonly PropertyKey[];
  message: string;
  /** Unrecognized keys (zod's unrecognized_keys issue). */
  keys?: readonly string[];
}

/** A path as a field name, below root when one is given ("settings" + ["a", 0] = "settings.a[0]"). */
export function fieldPath(parts: readonly PropertyKey[], root = ""): string {
  return parts.reduce<string>(
    (acc, part) => (typeof part === "number" ? `${acc}[${part}]` : acc === "" ? String(part) : `${acc}.${String(part)}`),
    root,
  );
}

/** The field an issue is about; for an unrecognized key, the first such key itself. */
export function issueField(issue: IssueLike, root = ""): string {
  const keys = issue.keys ?? [];
  return fieldPath([...issue.path, ...keys.slice(0, 1)], root);
}
