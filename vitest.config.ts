import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  resolve: {
    // Tests import the public entry points by their package names, as users do.
    alias: [
      { find: /^callsim\/vitest$/, replacement: here("./emulator/vitest.ts") },
      { find: /^callsim\/msw$/, replacement: here("./emulator/msw.ts") },
      { find: /^callsim$/, replacement: here("./emulator/index.ts") },
    ],
  },
  test: {
    include: ["test/**/*.test.ts", "examples/**/*.test.ts"],
    testTimeout: 20_000,
    // Some hooks start processes (the CLI and example apps); on a busy 2-core runner that can
    // outlast vitest's default 10 s. Each such hook still fails at once if its process exits.
    hookTimeout: 30_000,
    pool: "forks",
    // vitest's default on 2 cores is one worker; most of a test's time is spent waiting on
    // loopback sockets and child processes, so two workers share the cores well (178 s to 109 s).
    maxWorkers: 2,
    // One process per worker keeps the SDK, fastify, msw and the emulator loaded across test
    // files instead of loading them again for each: a third of the suite's time on 2 cores.
    // What a file changes globally is undone in test/support/assertions.ts.
    isolate: false,
    setupFiles: ["test/support/assertions.ts"],
    // The CLI tests run dist/: rebuilt when a source changed since the last build.
    globalSetup: ["test/support/buildDist.ts"],
  },
});
