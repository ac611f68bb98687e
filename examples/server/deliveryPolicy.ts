// examples/server/deliveryPolicy.ts
import { createEmulator } from "callsim";

const emulator = createEmulator({ delivery: { maxAttempts: 10, baseDelayMs: 50, maxDelayMs: 2_000, timeoutMs: 2_000, eventLogLimit: 50_000, maxBacklog: 10_000, eventGrid: { maxDeliveryAttempts: 5 } } });
console.log(emulator.info().delivery);
await emulator.close();
