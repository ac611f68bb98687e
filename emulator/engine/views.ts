import { participantModel } from "./events.js";
import { toIdentifierModel } from "./identifiers.js";
import type { CallConnection, Participant } from "./model.js";

/** `CallConnectionProperties` as the service returns it. */
export function callConnectionProperties(connection: CallConnection): Record<string, unknown> {
  const props: Record<string, unknown> = {
    callConnectionId: connection.callConnectionId,
    serverCallId: connection.serverCallId,
    targets: connection.targets.map(toIdentifierModel),
    callConnectionState: connection.state,
    callbackUri: connection.callbackUri,
    source: toIdentifierModel(connection.source ?? connection.appRawId),
    sourceCallerIdNumber: connection.sourceCallerIdNumber ? { value: connection.sourceCallerIdNumber } : undefined,
    sourceDisplayName: connection.sourceDisplayName,
    correlationId: connection.correlationId,
    answeredBy: connection.answeredBy ? { id: connection.answeredBy } : undefined,
    answeredFor: connection.answeredFor ? { value: connection.answeredFor } : undefined,
  };
  for (const key of Object.keys(props)) if (props[key] === undefined) delete props[key];
  return props;
}

/** `CallParticipant` as the service returns it. */
export function callParticipant(participant: Participant): Record<string, unknown> {
  return participantModel(participant);
}
