/**
 * `callsim/msw`: msw handlers over an emulator's route table, for apps that already run msw.
 * @example
 * import { setupServer } from "msw/node";
 * import { createEmulator } from "callsim";
 * import { createMswHandlers } from "callsim/msw";
 * const emulator = createEmulator({ clock: "virtual" });
 * setupServer(...createMswHandlers(emulator.handle)).listen();
 */
export { createMswHandlers, ACS_HOST_PATTERN } from "./http/msw.js";
