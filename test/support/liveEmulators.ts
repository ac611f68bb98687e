/**
 * Emulators of the running test file, checked after each test by the setup file. Kept apart from
 * harness.ts so the setup file, which runs before every test file, loads nothing heavy: a file of
 * unit tests then starts without the SDK, fastify and msw (most of a mutation run's cost per mutant).
 */
interface SelfChecking {
  assertSelfCheck(): void;
}

/** Registered by harness.ts when a harness starts, removed when it closes. */
export const liveEmulators = new Set<SelfChecking>();

/**
 * The self-check: a response or event that departs from the spec fails the test that caused it,
 * naming the field (responses fail at once; events, delivered asynchronously, here). Called by
 * the setup file after every test: test files share this module (the suite runs without
 * isolation), so a hook registered in a test file would only reach the first file that imported it.
 */
export function assertHarnessesSelfCheck(): void {
  for (const emulator of liveEmulators) emulator.assertSelfCheck();
}
