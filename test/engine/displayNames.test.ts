import { en, Faker } from "@faker-js/faker";
import { expect, test } from "vitest";
import { createIdGenerator } from "../../emulator/engine/ids.js";

// Names are kept per seed only for the first few hundred (a server runs one seed for days);
// past them an engine draws its own. Either way the nth name is the nth of the seed's Faker.
test("a seed's display names are its Faker's, in order, past the names kept for it", () => {
  const faker = new Faker({ locale: en });
  faker.seed(5);
  const expected = Array.from({ length: 600 }, () => faker.person.fullName());
  const first = createIdGenerator(5);
  expect(Array.from({ length: 600 }, () => first.displayName())).toEqual(expected);
  const second = createIdGenerator(5);
  expect(Array.from({ length: 600 }, () => second.displayName())).toEqual(expected);
});
