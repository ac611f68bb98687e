import { participantModel } from "./events.js";
import { toIdentifierModel } from "./identifiers.js";
import type { CallConnection, Participant } from "./model.js";

/** `CallConnectionProperties` as the service returns it. */
export function callConnectionProperties(connection: CallConnection): Record<string, unknown> {
  // Optional fields are added only when set (not set and then deleted, which would leave
  // V8 a slow dictionary object to serialise).
  const props: Record<string, unknown> = {
    callConnectionId: connection.callConnectionId,
    serverCallId: connection.serverCallId,
    targets: connection.targets.map(toIdentifierModel),
    callConnectionState: connection.state,
    callbackUri: connection.callbackUri,
    source: toIdentifierModel(connection.source ?? connection.appRawId),
  };
  if (connection.sourceCallerIdNumber) props.sourceCallerIdNumber = { value: connection.sourceCallerIdNumber };
  if (connection.sourceDisplayName !== undefined) props.sourceDisplayName = connection.sourceDisplayName;
  props.correlationId = connection.correlationId;
  if (connection.answeredBy) props.answeredBy = { id: connection.answeredBy };
  if (connection.answeredFor) props.answeredFor = { value: connection.answeredFor };
  return props;
}

/** `CallParticipant` as the service returns it. */
export function callParticipant(participant: Participant): Record<string, unknown> {
  return participantModel(participant);
}
