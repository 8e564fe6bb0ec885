// Rules in words, for the dashboard and the CLI.
import { formatDuration, type Trigger } from "./rule-schema";
import type { Condition } from "./rule-schema";

export function describeTrigger(t: Trigger, stepName?: (n: number) => string | undefined): string {
  const step = (n: number) => {
    const name = stepName?.(n);
    return name ? `step ${n} (${name})` : `step ${n}`;
  };
  switch (t.type) {
    case "event":
      return `event ${t.name}`;
    case "conversion": {
      const parts = [t.verifiedOnly ? "verified conversion" : "conversion"];
      if (t.minRevenue !== undefined) parts.push(`≥ ${t.minRevenue}${t.currency ? ` ${t.currency}` : ""}`);
      else if (t.currency) parts.push(`in ${t.currency}`);
      return parts.join(" ");
    }
    case "contact_created":
      return "new contact";
    case "step_reached":
      return `${step(t.step)} reached`;
    case "abandoned":
      return `${step(t.step)} reached, not ${step(t.step + 1)} within ${formatDuration(t.after)}`;
  }
}

const OPS: Record<Condition["op"], string> = { eq: "is", neq: "is not", contains: "contains" };

export function describeCondition(c: Condition): string {
  return `${c.field} ${OPS[c.op]} "${c.value}"`;
}
