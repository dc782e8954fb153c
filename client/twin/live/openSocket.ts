/** Opens the app's Socket.IO connection to the twin server (same origin unless `url` is given). */
import { io } from 'socket.io-client';
import type { Socket } from 'socket.io-client';
import type { Hello } from '../../../server/protocol/controls.ts';
import type { ClientToServer, ServerToClient } from '../../../server/protocol/socketEvents.ts';
import type { LiveSocket } from './LiveConnection.ts';

/** A socket.io-client socket with the protocol's typed events, reconnecting by itself. */
export function openSocket(hello: Hello, url?: string): LiveSocket {
  const socket: Socket<ServerToClient, ClientToServer> = url
    ? io(url, { auth: hello, reconnectionDelayMax: 5000 })
    : io({ auth: hello, reconnectionDelayMax: 5000 });
  return socket as unknown as LiveSocket;
}
