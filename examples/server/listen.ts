// examples/server/listen.ts
import { createEmulator } from "callsim";

const emulator = createEmulator({ seed: 7 });
const { connectionString } = await emulator.listen({ port: 0 });
console.log(connectionString); // give it to the app under test
// ... drive the app; then let every queued event be delivered:
await emulator.whenIdle();
await emulator.close();
