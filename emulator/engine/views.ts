import { participantModel } from "./events.js";
import { toIdentifierModel } from "./identifiers.js";
import { existingMedia, type StreamingSubscription } from "./media/mediaState.js";
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
  // Stryker disable next-line ConditionalExpression: a field set to undefined is dropped when the body is serialised, as every transport serialises it
  if (connection.sourceDisplayName !== undefined) props.sourceDisplayName = connection.sourceDisplayName;
  props.correlationId = connection.correlationId;
  if (connection.answeredBy) props.answeredBy = { id: connection.answeredBy };
  const media = existingMedia(connection);
  if (media?.mediaStreaming.configured) props.mediaStreamingSubscription = mediaStreamingSubscription(media.mediaStreaming);
  if (media?.transcription.configured) props.transcriptionSubscription = transcriptionSubscription(media.transcription);
  if (connection.answeredFor) props.answeredFor = { value: connection.answeredFor };
  return props;
}

/**
 * `MediaStreamingSubscription`: present when the call was set up with mediaStreamingOptions.
 * Rule (assumed): `active` while streaming runs, else `inactive`; callsim never reports `disabled`.
 */
function mediaStreamingSubscription(subscription: StreamingSubscription): Record<string, unknown> {
  return { id: subscription.id, state: subscription.state, subscribedContentTypes: ["audio"] };
}

/** `TranscriptionSubscription`: present when the call was set up with transcriptionOptions (which always sets its result types). */
function transcriptionSubscription(subscription: StreamingSubscription): Record<string, unknown> {
  const result: Record<string, unknown> = { id: subscription.id, state: subscription.state, subscribedResultTypes: subscription.resultTypes };
  // Stryker disable next-line ConditionalExpression: as above, an undefined locale never reaches the wire
  if (subscription.locale !== undefined) result.locale = subscription.locale;
  return result;
}

/** `CallParticipant` as the service returns it. */
export function callParticipant(participant: Participant): Record<string, unknown> {
  return participantModel(participant);
}
