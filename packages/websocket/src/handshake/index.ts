/**
 * The WebSocket opening handshake, sans-I/O: HTTP heads from bytes, the server's checks and answer,
 * the client's request and its checks, and permessage-deflate negotiation. Runtime adapters drive it.
 */

export {
  acceptDeflateResponse,
  createDeflateOffer,
  type DeflateAgreement,
  negotiateDeflate,
  PERMESSAGE_DEFLATE,
} from "../deflate/negotiate.ts";
export { DEFAULT_DEFLATE_PARAMS, type DeflateOptions, type DeflateParams } from "../deflate/params.ts";
export { computeAccept, createKey, encodeBase64, isValidKey, WEBSOCKET_GUID } from "./accept-key.ts";
export {
  type ClientHandshake,
  type ClientHandshakeOptions,
  type ClientHandshakeResult,
  createClientHandshake,
  readServerAgreement,
  type UpgradeResponse,
  validateUpgradeResponse,
} from "./client-handshake.ts";
export {
  acceptConnect,
  type ConnectAnswer,
  type ConnectRequest,
  type ConnectRequestHead,
  type ConnectRequestOptions,
  createConnectRequest,
  validateConnectRequest,
  validateConnectResponse,
} from "./extended-connect.ts";
export {
  type ExtensionOffer,
  type ExtensionParam,
  ExtensionSyntaxError,
  formatExtensionHeader,
  parseExtensionHeader,
} from "./extension-header.ts";
export { hasToken, isToken, parseProtocolList, splitList } from "./header-values.ts";
export {
  DEFAULT_MAX_HEADER_SIZE,
  HttpHeadReader,
  parseRequestHead,
  parseResponseHead,
  type RawHead,
  type RequestHead,
  type ResponseHead,
} from "./http-head.ts";
export { HttpHeaders } from "./http-headers.ts";
export { type HeaderInit, reasonPhrase, refusal, switchingProtocols } from "./http-response.ts";
export {
  acceptUpgrade,
  negotiateUpgrade,
  type ProtocolSelector,
  readOffers,
  type ServerHandshake,
  type ServerHandshakeOptions,
  type UpgradeAgreement,
  type UpgradeHeaders,
  type UpgradeRequest,
  validateUpgradeRequest,
} from "./server-handshake.ts";
export { type Sha1, sha1 } from "./sha1.ts";
