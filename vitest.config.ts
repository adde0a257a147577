import { defineConfig } from "vitest/config";

// Integration tests spawn real nats-server processes and worker threads; keep files isolated in
// forked processes and give them room on a 2-core machine.
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    pool: "forks",
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    reporters: ["default"],
  },
});
