/**
 * Renders the live log's records as one readable line each, as `stripe listen` does:
 *
 *   07:12:01.234  -->  createCall                 201    3 ms  call 4a1f…
 *   07:12:01.251  <--  CallConnected              200  http://127.0.0.1:3000/api/callbacks  call 4a1f…  attempt 1
 *   07:12:01.300  !!   retry ParticipantsUpdated  503  http://127.0.0.1:3000/api/callbacks  attempt 1/5
 *   07:12:03.100  xx   dead-lettered PlayCompleted  connect ECONNREFUSED …  5 attempts
 *   07:12:04.000  ctl  PUT /emulator/parties/4:+14255550123  200
 *
 * Records without a `kind` (fastify's own) print their level and message.
 */
export function formatLine(record: Record<string, unknown>, colour: boolean): string {
  const paint = colour ? ansi : plain;
  const time = paint.dim(clock(record.time));
  const status = typeof record.status === "number" ? paint[record.status >= 400 ? "red" : "green"](String(record.status)) : "";
  const call = record.callConnectionId ? `call ${String(record.callConnectionId)}` : record.serverCallId ? `server call ${short(String(record.serverCallId))}` : "";
  const recording = record.recordingId ? `recording ${String(record.recordingId)}` : "";
  const error = record.error ? paint.red(String(record.error)) : "";
  const parts = ((...items: string[]) => items.filter((item) => item !== "").join("  "));
  switch (record.kind) {
    case "request": {
      const verdict = Array.isArray(record.violations) && record.violations.length > 0 ? paint.yellow(`spec: ${record.violations.join("; ")}`) : "";
      return parts(time, paint.cyan("-->"), pad(String(record.operation ?? `${record.method} ${record.path}`), 26), status, `${String(record.ms)} ms`, call, recording, error, verdict);
    }
    case "delivery":
      return parts(time, paint.magenta("<--"), pad(String(record.type), 26), status, String(record.destination), call, `attempt ${String(record.attempt)}`);
    case "retry":
      return parts(time, paint.yellow("!! "), pad(`retry ${String(record.type)}`, 26), status || error, String(record.destination), call, `attempt ${String(record.attempt)}/${String(record.maxAttempts)}`);
    case "deadLetter":
      return parts(time, paint.red("xx "), pad(`dead-lettered ${String(record.type)}`, 26), status || error, String(record.destination), call, `${String(record.attempt)} attempts`);
    case "queued":
      return parts(time, paint.dim("..."), pad(`queued ${String(record.type)}`, 26), String(record.destination), call);
    case "control":
      return parts(time, paint.blue("ctl"), `${String(record.method)} ${String(record.path)}`, status, error);
    default: {
      const level = LEVEL_NAMES[Number(record.level)] ?? "log";
      const tag = level === "error" || level === "fatal" ? paint.red(level) : level === "warn" ? paint.yellow(level) : paint.dim(level);
      return parts(time, tag, String(record.msg ?? ""), record.err ? paint.red(String((record.err as { message?: unknown }).message ?? "")) : "");
    }
  }
}

const LEVEL_NAMES: Record<number, string> = { 10: "trace", 20: "debug", 30: "info", 40: "warn", 50: "error", 60: "fatal" };

/** Local wall-clock time of day with milliseconds: what a person matches against their app's log. */
function clock(time: unknown): string {
  const date = typeof time === "number" ? new Date(time) : typeof time === "string" ? new Date(time) : new Date();
  const two = (n: number) => String(n).padStart(2, "0");
  return `${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}.${String(date.getMilliseconds()).padStart(3, "0")}`;
}

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + " ".repeat(width - text.length);
}

/** Server call ids are long base64 URLs; their tail tells them apart. */
function short(id: string): string {
  return id.length > 16 ? `…${id.slice(-12)}` : id;
}

type Paint = Record<"dim" | "red" | "green" | "yellow" | "blue" | "magenta" | "cyan", (text: string) => string>;
const code = (open: number) => (text: string) => `\u001b[${open}m${text}\u001b[0m`;
const ansi: Paint = { dim: code(2), red: code(31), green: code(32), yellow: code(33), blue: code(34), magenta: code(35), cyan: code(36) };
const same = (text: string) => text;
const plain: Paint = { dim: same, red: same, green: same, yellow: same, blue: same, magenta: same, cyan: same };
