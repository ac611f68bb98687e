import { isApiVersion } from "./apiVersions.js";
import { hasOperation, validateCallbackEvent, validateErrorResponse, validateEventGridEvent, validateResponseBody, type ContractViolation } from "./validator.js";

/** A response or delivery that departs from the spec, with every field at fault. */
export interface SelfCheckFinding {
  /** `response` of a REST operation (or the control plane's error shape), or an `event` delivered. */
  kind: "response" | "event";
  /** `CreateCall 201`, `POST /emulator/faults 400`, `Microsoft.Communication.CallConnected to https://app/cb`. */
  subject: string;
  violations: ContractViolation[];
}

/** What a response looks like to the self-check: the route table's plain-data answer. */
export interface CheckedResponse {
  status: number;
  /** Text, or bytes (recording files, whose errors are JSON too). */
  body?: string | Uint8Array;
}

/** What a delivery looks like to the self-check: the outbox's plain-data POST. */
export interface CheckedDelivery {
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** Thrown by {@link SelfCheck.assertClean} when the emulator sent something the spec does not allow. */
export class ContractViolationError extends Error {
  constructor(readonly findings: SelfCheckFinding[]) {
    super(describeFindings(findings));
    this.name = "ContractViolationError";
  }
}

/** One line per violation: "CreateCall 201: callConnectionState must be one of …". */
export function describeFindings(findings: SelfCheckFinding[]): string {
  const lines = findings.flatMap((f) => f.violations.map((v) => `${f.subject}: ${v.path || "(body)"} ${v.message}`));
  return `callsim sent ${findings.length === 1 ? "a message" : `${findings.length} messages`} the spec does not allow (a callsim bug):\n  ${lines.join("\n  ")}`;
}

/**
 * Checks what the emulator itself sends (responses and events) against the spec, and keeps
 * what it finds until {@link SelfCheck.assertClean} reports it. Pure: no I/O, no clock.
 */
export class SelfCheck {
  private findings: SelfCheckFinding[] = [];

  /** Checks a Call Automation response; `operationId` is absent when no operation matched. */
  response(operationId: string | undefined, request: { method: string; url: string }, response: CheckedResponse): SelfCheckFinding | undefined {
    // Held to the spec of the api-version the request named (the newest when it named none).
    const apiVersion = new URLSearchParams(request.url.split("?")[1] ?? "").get("api-version") ?? undefined;
    const key = typeof response.body === "string" || response.body === undefined ? `${operationId} ${response.status} ${apiVersion} ${request.method} ${response.body ?? ""}` : undefined;
    if (key !== undefined && CLEAN.has(key)) return undefined;
    const found = this.checkResponse(operationId, request, response, apiVersion);
    if (!found && key !== undefined) remember(key);
    return found;
  }

  private checkResponse(operationId: string | undefined, request: { method: string; url: string }, response: CheckedResponse, apiVersion: string | undefined): SelfCheckFinding | undefined {
    const parsed = parse(response.body);
    // An operation its api-version lacks was answered as a route that version does not serve.
    if (operationId && (!apiVersion || !isApiVersion(apiVersion) || hasOperation(operationId, apiVersion))) return this.keep("response", `${operationId} ${response.status}`, parsed.ok ? validateResponseBody(operationId, response.status, parsed.value, { apiVersion }) : parsed.violations);
    return this.errorShape(request, response);
  }

  /** Checks that an error answer (any route, the control plane too) has the service's error shape. */
  errorShape(request: { method: string; url: string }, response: CheckedResponse): SelfCheckFinding | undefined {
    if (response.status < 400) return undefined;
    const parsed = parse(response.body);
    return this.keep("response", `${request.method} ${request.url.split("?")[0]} ${response.status}`, parsed.ok ? validateErrorResponse(parsed.value) : parsed.violations);
  }

  /** Checks one POST of the outbox: a JSON array of CloudEvents, or of Event Grid events. */
  delivery(delivery: CheckedDelivery): SelfCheckFinding | undefined {
    const eventGrid = delivery.headers["aeg-event-type"] !== undefined;
    // The same body always gets the same verdict: a clean one is remembered (the explorer
    // delivers the same events in thousands of orders), so only its first sighting is checked.
    const key = `${eventGrid ? "eg" : "ce"} ${delivery.body}`;
    if (CLEAN.has(key)) return undefined;
    const found = this.checkDelivery(delivery, eventGrid);
    if (!found) remember(key);
    return found;
  }

  private checkDelivery(delivery: CheckedDelivery, eventGrid: boolean): SelfCheckFinding | undefined {
    const parsed = parse(delivery.body);
    if (!parsed.ok) return this.keep("event", `delivery to ${delivery.url}`, parsed.violations);
    if (!Array.isArray(parsed.value) || parsed.value.length === 0) {
      return this.keep("event", `delivery to ${delivery.url}`, [{ path: "", message: "must be a non-empty JSON array of events" }]);
    }
    let found: SelfCheckFinding | undefined;
    parsed.value.forEach((event, i) => {
      const violations = (eventGrid ? validateEventGridEvent(event) : validateCallbackEvent(event)).map((v) => ({ ...v, path: `[${i}]${v.path ? `.${v.path}` : ""}` }));
      const type = (event as Record<string, unknown> | null)?.[eventGrid ? "eventType" : "type"];
      found = this.keep("event", `${String(type)} to ${delivery.url}`, violations) ?? found;
    });
    return found;
  }

  /** Everything found so far, oldest first. */
  list(): readonly SelfCheckFinding[] {
    return this.findings;
  }

  /** Throws a {@link ContractViolationError} naming every field found so far, and forgets them. */
  assertClean(): void {
    const findings = this.findings;
    this.findings = [];
    if (findings.length > 0) throw new ContractViolationError(findings);
  }

  /** Forgets what was found (the control plane's reset keeps findings: they are bugs). */
  clear(): void {
    this.findings = [];
  }

  private keep(kind: SelfCheckFinding["kind"], subject: string, violations: ContractViolation[]): SelfCheckFinding | undefined {
    if (violations.length === 0) return undefined;
    const finding = { kind, subject, violations };
    this.findings.push(finding);
    return finding;
  }
}

/** Bodies found clean, remembered up to {@link CLEAN_KEPT}; the checks are pure, so a body's verdict never changes. */
const CLEAN = new Set<string>();
const CLEAN_KEPT = 4_096;

function remember(key: string): void {
  if (CLEAN.size >= CLEAN_KEPT) CLEAN.clear();
  CLEAN.add(key);
}

function parse(body: string | Uint8Array | undefined): { ok: true; value: unknown } | { ok: false; violations: ContractViolation[] } {
  const text = body instanceof Uint8Array ? new TextDecoder().decode(body) : body;
  if (text === undefined || text === "") return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, violations: [{ path: "", message: `is not JSON (${(error as Error).message})` }] };
  }
}
