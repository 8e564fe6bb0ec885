// The read API answers an upgrade must not change: the fixture's maker records them
// (scripts/make-upgrade-fixture.ts, run by the release that wrote the fixture) and
// tests/storage/upgrade.test.ts asks the upgraded database the same questions.
const DAY = 86_400_000;

export interface FixtureFunnel {
  id: string;
  secretKey: string;
}

/** Paths of the read API, over ranges that cover all of the fixture's data. */
export function upgradeReads(now: number, funnels: FixtureFunnel[]): { path: string; key: string }[] {
  const range = `from=${new Date(now - 10 * DAY).toISOString()}&to=${new Date(now).toISOString()}`;
  return funnels.flatMap((f) =>
    [
      `stats?${range}`,
      `stats?from=${new Date(now - 3 * DAY).toISOString()}&to=${new Date(now - DAY).toISOString()}`,
      `events?limit=200`,
      `sessions?limit=100`,
      `contacts?limit=50`,
      `revenue?${range}`,
      `revenue?${range}&model=first_touch&breakdown=source`,
      `report?${range}`,
      `report?${range}&breakdown=channel`,
      // A step's visitors: the journey copy, visitors and contacts together (fixtures from 2026-12 on).
      `report/visitors?${range}&step=2&status=continued`,
      `report/visitors?${range}&step=3&status=stopped`,
    ].map((p) => ({ path: `/api/v1/funnels/${f.id}/${p}`, key: f.secretKey })),
  );
}

export async function readAnswers(url: string, now: number, funnels: FixtureFunnel[]): Promise<Record<string, unknown>> {
  return askAll(url, upgradeReads(now, funnels));
}

/** The same questions a fixture's answers were recorded for (older fixtures asked fewer). */
export async function readAnswersLike(url: string, recorded: Record<string, unknown>, funnels: FixtureFunnel[]): Promise<Record<string, unknown>> {
  const keyOf = new Map(funnels.map((f) => [f.id, f.secretKey]));
  return askAll(url, Object.keys(recorded).map((path) => ({ path, key: keyOf.get(path.split("/")[4])! })));
}

async function askAll(url: string, reads: { path: string; key: string }[]): Promise<Record<string, unknown>> {
  const answers: Record<string, unknown> = {};
  for (const r of reads) {
    const res = await fetch(`${url}${r.path}`, { headers: { authorization: `Bearer ${r.key}` } });
    // A funnel without steps has no report: its 4xx answer is recorded as well.
    answers[r.path] = { status: res.status, body: await res.json() };
  }
  return answers;
}
