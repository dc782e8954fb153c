/** The wire protocol: versions, binary frame codecs, JSON event and control schemas, Socket.IO event maps. */
export { PROTOCOL_VERSION, checkProtocolVersion } from './version.ts';
export type { ProtocolError, ProtocolErrorCode, DecodeResult } from './ProtocolError.ts';
export { FrameKind, FRAME_HEADER_BYTES, FRAME_MAGIC, peekFrameKind } from './frameHeader.ts';
export type { FrameHeader } from './frameHeader.ts';
export { ObjectKind, ObjectFlags, createObjectState } from './ObjectState.ts';
export type { ObjectState } from './ObjectState.ts';
export { ObjectFrameEncoder } from './ObjectFrameEncoder.ts';
export type { ObjectFrameEncoderOptions } from './ObjectFrameEncoder.ts';
export { ObjectFrameDecoder } from './ObjectFrameDecoder.ts';
export type { ObjectFrame, ObjectFrameDecoderOptions } from './ObjectFrameDecoder.ts';
export { quantizeHeading, quantizePosition, quantizeSpeed } from './objectFrameLayout.ts';
export { ScalarGridCodec, encodeScalarGrid, decodeScalarGrid } from './ScalarGridCodec.ts';
export type { ScalarGrid, DecodedScalarGrid, ScalarGridEncodeOptions } from './ScalarGridCodec.ts';
export { LinkFrameCodec, encodeLinkFrame, decodeLinkFrame, LINK_CLOSED, LINK_NO_SPEED, MAX_LINKS } from './LinkFrameCodec.ts';
export type { DecodedLinkFrame, LinkFrameDecodeOptions } from './LinkFrameCodec.ts';
export { createLinkState } from './LinkState.ts';
export type { LinkState } from './LinkState.ts';
export { TrafficSummary, CongestionLevel, CONGESTION_LEVELS } from './TrafficSummary.ts';
export {
  ServerEvent,
  RunStateEvent,
  InjectAppliedEvent,
  IncidentEvent,
  AlertEvent,
  DispatchEvent,
  RunStatus,
  SpeedFactor,
  ResponseLevel,
  parseServerEvent,
} from './events.ts';
export {
  Hello,
  CreateRunRequest,
  JoinRequest,
  LeaveRequest,
  KeyframeRequest,
  PlayRequest,
  PauseRequest,
  StopRequest,
  SpeedRequest,
  SeekRequest,
  InjectRequest,
  ControlRequests,
  ackSchema,
  parseControlRequest,
  parseHello,
  createHello,
} from './controls.ts';
export type { Ack, ControlName, ControlRequest, InjectAnswer, RunIdRequest } from './controls.ts';
export type { BinaryFrame, ClientToServer, ServerToClient, InterServer, SocketData } from './socketEvents.ts';
export {
  AQI_STANDARDS,
  AQI_2026_FROM,
  AQI_POLLUTANTS,
  AQI_COLUMNS,
  AQI_MODES,
  AQI_MODE_COLUMNS,
  AQI_BREAKPOINTS,
  IAQI_STEPS,
  AQI_LEVELS,
  aqiLevel,
  aqiStandardFor,
  iaqi,
  computeAqi,
} from './aqi.ts';
export type { AqiStandard, AqiPollutant, AqiColumn, AqiMode, AqiLevel, AqiInput, AqiOptions, AqiResult } from './aqi.ts';
