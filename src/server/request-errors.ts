import type { z } from "zod";
import { ModelSqlError } from "../errors.js";

/** Parses a request part with zod; a mismatch is a 400 naming each field that is wrong. */
export function parseRequest<T>(schema: z.ZodType<T>, value: unknown, what: string, hint: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.length > 0 ? issue.path.join(".") : "(body)"}: ${issue.message}`)
    .join("; ");
  throw new ModelSqlError("INVALID_PARAMETER_VALUE", `The ${what} is not valid: ${problems}`, { hint });
}
