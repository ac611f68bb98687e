import { pino, stdTimeFunctions, type Logger } from "pino";
import { formatLine } from "./textLines.js";

/** pino's levels, quietest last: what `--log-level` takes. */
export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** `text`: one readable line per record (coloured on a terminal); `json`: pino's JSON lines, for machines. */
export const LOG_FORMATS = ["text", "json"] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/** Options of {@link createCliLogger}. */
export interface CliLoggerOptions {
  level: LogLevel;
  format: LogFormat;
  /** Where lines go (default stdout). */
  stream?: NodeJS.WritableStream & { isTTY?: boolean };
  /** Colour the text format; by default on when `stream` is a terminal and NO_COLOR is unset, or FORCE_COLOR is set. */
  colour?: boolean;
}

/**
 * The command's logger: pino, as fastify uses, writing JSON lines or the live log's text lines.
 * @example const logger = createCliLogger({ level: "info", format: process.stdout.isTTY ? "text" : "json" });
 */
export function createCliLogger(options: CliLoggerOptions): Logger {
  const stream = options.stream ?? process.stdout;
  if (options.format === "json") return pino({ level: options.level, base: null, timestamp: stdTimeFunctions.isoTime }, stream);
  const colour = options.colour ?? ((stream.isTTY === true && !process.env.NO_COLOR) || (process.env.FORCE_COLOR !== undefined && process.env.FORCE_COLOR !== "0"));
  const lines = {
    write(chunk: string) {
      for (const line of chunk.split("\n")) {
        if (line === "") continue;
        let record: Record<string, unknown>;
        try {
          record = JSON.parse(line) as Record<string, unknown>;
        } catch {
          record = { msg: line };
        }
        stream.write(`${formatLine(record, colour)}\n`);
      }
    },
  };
  return pino({ level: options.level, base: null }, lines);
}

/** Checks a `--log-level` value; the error names the levels there are. */
export function parseLogLevel(value: string): LogLevel {
  if ((LOG_LEVELS as readonly string[]).includes(value)) return value as LogLevel;
  throw new Error(`--log-level must be one of ${LOG_LEVELS.join(", ")}; got "${value}".`);
}

/** Checks a `--log-format` value. */
export function parseLogFormat(value: string): LogFormat {
  if ((LOG_FORMATS as readonly string[]).includes(value)) return value as LogFormat;
  throw new Error(`--log-format must be text or json; got "${value}".`);
}
