import { takeFault, type EngineContext } from "../context.js";
import { partyPressesKeys, partySpeaks } from "./callerInput.js";
import { sendDtmfTones, startContinuousDtmfRecognition, stopContinuousDtmfRecognition, type ContinuousDtmfRequest, type SendDtmfTonesRequest } from "./dtmf.js";
import { hold, unhold, type HoldRequest } from "./hold.js";
import { cancelAll } from "./mediaQueue.js";
import { mediaConnection } from "./mediaTargets.js";
import { play, type PlayRequest } from "./play.js";
import { recognize, type RecognizeRequest } from "./recognize.js";
import { changeStreaming, type StreamingRequest } from "./streaming.js";

/**
 * The engine's CallMedia operations and the simulated parties' live input, as plain methods.
 * @see CallMedia_* in the 2026-03-12 spec
 */
export function createCallMedia(ctx: EngineContext) {
  return {
    play: (callConnectionId: string, request: PlayRequest) => play(ctx, callConnectionId, request),
    recognize: (callConnectionId: string, request: RecognizeRequest) => recognize(ctx, callConnectionId, request),
    cancelAllMediaOperations: (callConnectionId: string) => {
      const connection = mediaConnection(ctx, callConnectionId);
      takeFault(ctx, "cancelAllMediaOperations");
      cancelAll(ctx, connection);
    },
    startContinuousDtmfRecognition: (callConnectionId: string, request: ContinuousDtmfRequest) => startContinuousDtmfRecognition(ctx, callConnectionId, request),
    stopContinuousDtmfRecognition: (callConnectionId: string, request: ContinuousDtmfRequest) => stopContinuousDtmfRecognition(ctx, callConnectionId, request),
    sendDtmfTones: (callConnectionId: string, request: SendDtmfTonesRequest) => sendDtmfTones(ctx, callConnectionId, request),
    hold: (callConnectionId: string, request: HoldRequest) => hold(ctx, callConnectionId, request),
    unhold: (callConnectionId: string, request: HoldRequest) => unhold(ctx, callConnectionId, request),
    startTranscription: (callConnectionId: string, request?: StreamingRequest) => changeStreaming(ctx, callConnectionId, "transcription", "start", request),
    stopTranscription: (callConnectionId: string, request?: StreamingRequest) => changeStreaming(ctx, callConnectionId, "transcription", "stop", request),
    updateTranscription: (callConnectionId: string, request?: StreamingRequest) => changeStreaming(ctx, callConnectionId, "transcription", "update", request),
    startMediaStreaming: (callConnectionId: string, request?: StreamingRequest) => changeStreaming(ctx, callConnectionId, "mediaStreaming", "start", request),
    stopMediaStreaming: (callConnectionId: string, request?: StreamingRequest) => changeStreaming(ctx, callConnectionId, "mediaStreaming", "stop", request),
    /** A simulated party presses keys now. */
    partyPressesKeys: (serverCallId: string, rawId: string, tones: unknown) => partyPressesKeys(ctx, serverCallId, rawId, tones),
    /** A simulated party says something now. */
    partySpeaks: (serverCallId: string, rawId: string, text: unknown) => partySpeaks(ctx, serverCallId, rawId, text),
  };
}

/** The engine's media half, made by {@link createCallMedia}. */
export type CallMediaEngine = ReturnType<typeof createCallMedia>;
