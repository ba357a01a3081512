// Endpoint options every device and trunk endpoint carries, kept in one pure function (trunk rows are built
// without a database at hand).
import { DEFAULT_ENDPOINT_MEDIA, type EndpointMediaPolicy } from '../../core/config';

/** Endpoint options that end a call whose phone vanished without a BYE, and keep a call untranscoded when
 *  both sides share a codec. Device and trunk endpoints both carry them. */
export function mediaOptions(media: EndpointMediaPolicy = DEFAULT_ENDPOINT_MEDIA): Record<string, string | number> {
  return {
    rtp_timeout: media.rtpTimeoutSeconds,
    rtp_timeout_hold: media.rtpTimeoutHoldSeconds,
    timers: media.sessionTimers,
    timers_sess_expires: media.sessionExpiresSeconds,
    // The caller's order wins among the codecs both sides have ("local", the default, answered a PCMA-first
    // phone with PCMU and transcoded to a PCMA-only callee); the callee is offered the caller's codecs first,
    // then ours, so a shared codec is picked whenever there is one and transcoding stays possible otherwise.
    incoming_call_offer_pref: 'remote',
    outgoing_call_offer_pref: 'remote_merge',
  };
}
