import { expect, test } from "bun:test";
import { gcPace } from "../../src/ops/gc-pace";

test("a collection every `every` rows, not before", () => {
  let nudges = 0;
  const step = gcPace(4, () => nudges++);
  for (let i = 0; i < 3; i++) step();
  expect(nudges).toBe(0);
  step();
  expect(nudges).toBe(1);
  for (let i = 0; i < 8; i++) step();
  expect(nudges).toBe(3);
});
